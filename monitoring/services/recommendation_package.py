"""The national recommendation's package, built by a Celery task (never in a web request): the summary table
(Excel), one PDF per selected cluster — its certification, key support, latest data year by year, annual reports
(figures, narrative, plan targets, warnings) and the list of its documents — and the documents themselves, in one zip
stored privately on the recommendation."""

import hashlib
import io
import logging
import re
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from clusters.models import Attachment
from core import transitions
from core.excel import Column, Sheet, build_workbook
from core.exceptions import Conflict
from monitoring.constants import REPORTED_STATES, KeySupportState, RecommendationState
from monitoring.models import AnnualReport, KeySupport, NationalRecommendation, ReportAttachment, ReportTargetProgress

from .recommendations import active_items

log = logging.getLogger(__name__)
S = RecommendationState
SUMMARY_NAME = "推荐汇总表.xlsx"


def _safe(name: str) -> str:
    """A file name that every unzip tool accepts: no path separators or control characters."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")[:80] or "文件"


# ---------------------------------------------------------------- the summary table


def latest_reports(cluster_ids) -> dict[int, AnnualReport]:
    """Each cluster's latest reported report (one query)."""
    latest = {}
    for report in AnnualReport.objects.filter(cluster_id__in=cluster_ids, state__in=REPORTED_STATES).order_by(
        "cluster_id", "-report_year"
    ):
        latest.setdefault(report.cluster_id, report)
    return latest


def support_years(cluster_ids) -> dict[int, list[int]]:
    years = {}
    for cluster_id, year in (
        KeySupport.objects.filter(cluster_id__in=cluster_ids, state=KeySupportState.MARKED)
        .order_by("year")
        .values_list("cluster_id", "year")
    ):
        years.setdefault(cluster_id, []).append(year)
    return years


def summary_sheet(recommendation, items) -> Sheet:
    """One row per selected cluster, in the order selected (three queries whatever the number of clusters)."""
    ids = [i.cluster_id for i in items]
    latest, supported = latest_reports(ids), support_years(ids)
    rows = []
    for n, item in enumerate(items, start=1):
        cluster, cert, report = item.cluster, item.certification, latest.get(item.cluster_id)
        share = None
        if report and report.total_output and report.sme_output is not None:
            share = round(report.sme_output * 100 / report.total_output, 2)
        rows.append(
            [
                n,
                cluster.name,
                cluster.division.parent.name if cluster.division.parent_id else "",
                cluster.division.name,
                cluster.lead_industry,
                cluster.segment,
                cluster.management_body,
                cert.number,
                cert.year,
                cert.valid_to,
                "、".join(str(y) for y in supported.get(item.cluster_id, [])),
                report.report_year if report else None,
                report.total_output if report else None,
                share,
                report.sme_rnd if report else None,
                report.invention_patents if report else None,
                item.reason,
            ]
        )
    columns = [
        Column("序号", 6, "int"),
        Column("集群名称", 30),
        Column("设区市", 10),
        Column("县（市、区）", 12),
        Column("主导产业", 16),
        Column("细分领域", 16),
        Column("运营管理机构", 24),
        Column("证书编号", 20),
        Column("认定年度", 10, "int"),
        Column("有效期至", 12, "date"),
        Column("重点支持年度", 14),
        Column("最新报告年度", 12, "int"),
        Column("集群总产值（万元）", 16, "wan"),
        Column("中小企业产值占比", 14, "pct"),
        Column("中小企业研发经费（万元）", 16, "wan"),
        Column("有效发明专利（件）", 12, "int"),
        Column("推荐理由", 40),
    ]
    return Sheet(
        "推荐汇总表",
        columns,
        rows,
        title=f"{recommendation.year}年度江苏省推荐申报国家级中小企业特色产业集群汇总表",
        filters={"推荐年度": f"{recommendation.year}年度", "推荐集群数": f"{len(items)}个"},
        note="数据取自各集群最近一年已提交的年度发展报告；金额单位：万元。",
    )


# ---------------------------------------------------------------- one cluster's PDF


def dossier_context(recommendation, item, number: int) -> dict:
    """Everything the cluster's PDF shows, and the documents that go beside it in the zip."""
    from monitoring import selectors

    cluster = item.cluster
    reports = list(
        AnnualReport.objects.filter(cluster=cluster, state__in=REPORTED_STATES)
        .select_related("certification")
        .prefetch_related(
            Prefetch("progress", queryset=ReportTargetProgress.objects.select_related("target").order_by("target_id")),
            Prefetch(
                "attachments",
                queryset=ReportAttachment.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id"),
                to_attr="active_attachments",
            ),
        )
        .order_by("-report_year")
    )
    prefix = f"{number:02d}-{_safe(cluster.name)}"
    documents = []
    cert = item.certification
    if cert.application_id:
        for a in (
            Attachment.objects.filter(application_id=cert.application_id, removed_at__isnull=True)
            .select_related("requirement")
            .order_by("uploaded_at", "id")
        ):
            category = f"认定申报材料：{a.requirement.name}" if a.requirement_id else "认定申报材料"
            documents.append(_document(prefix, len(documents) + 1, category, a))
    report_rows = []
    for report in reports:
        for a in report.active_attachments:
            documents.append(_document(prefix, len(documents) + 1, f"{report.report_year}年度发展报告附件", a))
        report_rows.append({"report": report, "progress": selectors.report_progress(report)})
    return {
        "recommendation": recommendation,
        "item": item,
        "number": number,
        "cluster": cluster,
        "place": cluster.division.full_name,
        "cert": cert,
        "supports": list(
            KeySupport.objects.filter(cluster=cluster, state=KeySupportState.MARKED).order_by("year", "pk")
        ),
        "series": selectors.cluster_series(cluster),
        "reports": report_rows,
        "documents": documents,
        "printed_at": timezone.localtime(),
    }


def _document(prefix: str, n: int, category: str, upload) -> dict:
    return {
        "category": category,
        "name": upload.original_name,
        "size": upload.size,
        "sha256": upload.sha256,
        "zip_name": f"{prefix}/{n:02d}-{_safe(upload.original_name)}",
        "file": upload.file,
    }


def render_dossier(context: dict) -> bytes:
    from core.pdf import render_pdf

    return render_pdf("monitoring/pdf/recommendation_cluster.html", context)


# ---------------------------------------------------------------- the zip


def package_bytes(recommendation) -> tuple[bytes, int]:
    items = list(active_items(recommendation))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(SUMMARY_NAME, build_workbook([summary_sheet(recommendation, items)]))
        lines = [f"{recommendation}", f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}", "", "目录："]
        lines.append(f"  {SUMMARY_NAME}")
        for n, item in enumerate(items, start=1):
            context = dossier_context(recommendation, item, n)
            name = f"{n:02d}-{_safe(item.cluster.name)}.pdf"
            zf.writestr(name, render_dossier(context))
            lines.append(f"  {name}")
            for doc in context["documents"]:
                try:
                    with doc["file"].open("rb") as fh:
                        zf.writestr(doc["zip_name"], fh.read())
                    lines.append(f"    {doc['zip_name']}（SHA-256 {doc['sha256']}）")
                except OSError:
                    lines.append(f"    {doc['zip_name']}（文件缺失，未能收入）")
        zf.writestr("目录.txt", "\n".join(lines) + "\n")
    return out.getvalue(), len(items)


def recommendation_build_package(recommendation_id: int, generation: int) -> bool:
    """Build and store the package asked for as `generation` (idempotent: a package already built, or asked for
    again since, is left alone). A failure — the task's soft time limit included — is recorded on the
    recommendation, which staff may then ask for again. Returns whether it stored a package."""
    rec = NationalRecommendation.objects.filter(pk=recommendation_id).first()
    if rec is None or rec.state != S.GENERATING or rec.generation != generation:
        return False
    try:
        data, clusters = package_bytes(rec)
    except Exception as exc:
        log.exception("recommendation package %s failed", recommendation_id)
        message = f"{exc.__class__.__name__}: {exc}"[:500]
        try:
            transitions.transition(
                rec,
                "fail",
                actor=None,
                permission=transitions.system_only,
                expected_state=S.GENERATING,
                before=lambda locked: _same_generation(locked, generation),
                args={"error": message},
                comment=f"推荐材料生成失败：{message}",
            )
        except Conflict:
            pass
        return False
    sha = hashlib.sha256(data).hexdigest()
    old = rec.package.name if rec.package else ""

    def store(locked):
        _same_generation(locked, generation)
        locked.package.save(f"package-{locked.year}.zip", ContentFile(data), save=False)

    try:
        done = transitions.transition(
            rec,
            "complete",
            actor=None,
            permission=transitions.system_only,
            expected_state=S.GENERATING,
            before=store,
            args={"size": len(data), "sha256": sha, "clusters": clusters},
            comment=f"推荐材料已生成：{clusters}个集群，{len(data)}字节，SHA-256 {sha}",
        )
    except Conflict:
        return False
    if old and old != done.package.name:
        # The superseded package is out of date; its digest stays in the log.
        transaction.on_commit(lambda: done.package.storage.delete(old))
    return True


def _same_generation(locked, generation: int) -> None:
    if locked.generation != generation:
        raise Conflict("已重新请求生成推荐材料，本次结果作废。")
