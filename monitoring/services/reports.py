"""Every write to annual reports: start, save (autosave), attachments, submit, verify, return."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters.models import PlanTarget
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.filetypes import check_upload
from core.services import notify
from core.storage import original_name, remove_quietly, sha256_of
from monitoring import indicators, permissions, selectors
from monitoring.constants import EDITABLE_REPORT_STATES, NARRATIVE_FIELDS, ReportState
from monitoring.deadlines import deadlines_for, is_late
from monitoring.models import (
    FIGURE_FIELDS,
    AnnualReport,
    AnnualReportVersion,
    ReportAttachment,
    ReportTargetProgress,
)
from monitoring.permissions import ACTIVE_CERTIFICATION_STATES

log = logging.getLogger(__name__)
S = ReportState

STALE_MESSAGE = "此报告已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。"
# Every figure of the application's table except CO₂ intensity, which the application also leaves to reviewers.
REQUIRED_FIGURES = [f for f in FIGURE_FIELDS if f != "co2_intensity"]
CLEAN_EXCLUDE = ["state", "cluster", "certification", "created_by", "submitted_by"]


def _owner_users(report, exclude_id=None):
    return [u for u in report.cluster.owner.users.filter(is_active=True, role=Role.APPLICANT) if u.pk != exclude_id]


def _url(report) -> str:
    return reverse("monitoring:report_detail", args=[report.pk])


# ---------------------------------------------------------------- drafting


def report_start(*, actor, certification, report_year: int) -> AnnualReport:
    """Open (or find) the cluster's report on `report_year`; refused with a reason for a year the cluster was
    not certified in, a year not yet over, or a certification no longer in force."""
    if not permissions.can_start_report(actor, certification):
        raise NotAllowed("您无权为该集群填报年度发展报告。")
    try:
        report_year = int(report_year)
    except (TypeError, ValueError):
        raise ServiceError("请选择报告年度。") from None
    refusal = selectors.certification_refusal(certification, report_year)
    if refusal:
        raise ServiceError(refusal)
    existing = AnnualReport.objects.filter(cluster_id=certification.cluster_id, report_year=report_year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                cluster_id=certification.cluster_id,
                certification=certification,
                report_year=report_year,
                created_by=actor,
            )
            if certification.application_id:
                ReportTargetProgress.objects.bulk_create(
                    ReportTargetProgress(report=report, target=t)
                    for t in PlanTarget.objects.filter(application_id=certification.application_id).order_by("id")
                )
            transitions.record_event(
                report, "create", actor=actor, to_state=S.DRAFT, comment=f"创建{report_year}年度发展报告草稿"
            )
    except IntegrityError:
        # Two tabs started the same report at once: both land on the one that won.
        return AnnualReport.objects.get(cluster_id=certification.cluster_id, report_year=report_year)
    return report


def _lock_for_edit(report, actor, version=None, *, check_version=False) -> AnnualReport:
    locked = AnnualReport.objects.select_for_update().select_related("cluster").get(pk=report.pk)
    if not permissions.can_edit_report(actor, locked):
        if permissions.owns_report(actor, locked):
            raise Conflict("报告已提交或状态已变化，当前不能修改。请刷新页面。")
        raise NotAllowed("您无权修改该报告。")
    if check_version:
        try:
            stale = version is None or int(version) != locked.edit_version
        except (TypeError, ValueError):
            stale = True
        if stale:
            raise Conflict(STALE_MESSAGE)
    return locked


def report_save(
    *, report, actor, version, figures: dict | None = None, narratives: dict | None = None, progress=None
) -> AnnualReport:
    """Save the draft (figures, narratives, plan progress) in one go; refuses a stale version instead of
    overwriting newer data. `progress` maps a plan target's id to {"actual": Decimal | None, "note": str}."""
    figures, narratives, progress = figures or {}, narratives or {}, progress or {}
    unknown = (set(figures) - set(FIGURE_FIELDS)) | (set(narratives) - set(NARRATIVE_FIELDS))
    if unknown:
        raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
    with transaction.atomic():
        locked = _lock_for_edit(report, actor, version, check_version=True)
        for key, value in {**figures, **narratives}.items():
            setattr(locked, key, value)
        errors = {}
        try:
            locked.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        for part in ("sme_output", "lead_output"):
            total, value = locked.total_output, getattr(locked, part)
            if part not in errors and "total_output" not in errors and None not in (total, value) and value > total:
                errors[part] = [f"{indicators.figure_label(part)}不能大于集群总产值。"]
        rows = {p.target_id: p for p in locked.progress.all()}
        changed = []
        for target_id, values in progress.items():
            row = rows.get(int(target_id))
            if row is None:
                raise ServiceError("规划目标不属于本报告。")
            row.actual = values.get("actual")
            row.note = (values.get("note") or "").strip()[:200]
            try:
                row.full_clean(exclude=["report", "target"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors[f"target_{target_id}"] = [m for msgs in exc.message_dict.values() for m in msgs]
                continue
            changed.append(row)
        if errors:
            raise ServiceError(f"有 {len(errors)} 处内容需要修改。", errors=errors)
        locked.edit_version += 1
        locked.save(update_fields=[*figures, *narratives, "edit_version", "updated_at"])
        if changed:
            ReportTargetProgress.objects.bulk_update(changed, ["actual", "note"])
    return locked


# ---------------------------------------------------------------- attachments


def report_attachment_upload(*, report, actor, uploaded_file, description: str = "") -> ReportAttachment:
    """Store an upload privately under a random name after checking its real type by content."""
    max_bytes = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    try:
        file_type = check_upload(uploaded_file, max_bytes)
    except ValidationError as exc:
        raise ServiceError(transitions.validation_message(exc), errors={"file": exc.messages}) from exc
    attachment = ReportAttachment(
        original_name=original_name(uploaded_file),
        description=(description or "").strip()[:200],
        file_type=file_type,
        size=uploaded_file.size,
        sha256=sha256_of(uploaded_file),
        uploaded_by=actor,
    )
    try:
        with transaction.atomic():
            locked = _lock_for_edit(report, actor)
            attachment.report = locked
            attachment.file.save(attachment.original_name, uploaded_file, save=False)
            attachment.save()
    except Exception:
        remove_quietly(attachment.file)
        raise
    return attachment


def report_attachment_remove(*, report, actor, attachment_id) -> None:
    """Hide an attachment from the draft; the file stays, since an earlier submitted version may list it."""
    with transaction.atomic():
        locked = _lock_for_edit(report, actor)
        updated = ReportAttachment.objects.filter(report=locked, pk=attachment_id, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if not updated:
            raise ServiceError("该附件不存在或已移除。")


# ---------------------------------------------------------------- submission


def submission_blockers(report) -> list[str]:
    """What prevents submission outright (a warning about figures only needs the applicant's confirmation)."""
    blockers = []
    if report.certification.status not in ACTIVE_CERTIFICATION_STATES:
        blockers.append(f"该集群的认定状态为“{report.certification.get_status_display()}”，不能提交年度发展报告。")
    missing = [indicators.figure_label(n) for n in REQUIRED_FIGURES if getattr(report, n) is None]
    if missing:
        blockers.append(f"请填写{report.report_year}年数据：{'、'.join(missing)}。")
    for name in NARRATIVE_FIELDS:
        if not (getattr(report, name) or "").strip():
            blockers.append(f"请填写“{AnnualReport._meta.get_field(name).verbose_name}”。")
    for item in selectors.report_progress(report):
        if item.status == "pending":
            blockers.append(f"请填写规划目标“{item.target.indicator}”的{report.report_year}年实际值。")
    return blockers


def report_snapshot(report, *, warnings, explanation, flags, late) -> dict:
    """Everything the submission contains, as JSON-safe data (frozen into a version)."""
    s = selectors.plain
    return {
        "cluster": {
            "name": report.cluster.name,
            "division": report.cluster.division.full_name,
            "division_code": report.cluster.division_id,
            "lead_industry": report.cluster.lead_industry,
            "owner": report.cluster.owner.name,
        },
        "certificate": report.certification.number,
        "report_year": report.report_year,
        "figures": {n: s(getattr(report, n)) for n in FIGURE_FIELDS},
        "narratives": {n: getattr(report, n) for n in NARRATIVE_FIELDS},
        "progress": [
            {
                "indicator": p.target.indicator,
                "unit": p.target.unit,
                "baseline": s(p.target.baseline),
                "plan_year": p.plan_year,
                "target": s(p.target_value),
                "actual": s(p.actual),
                "note": p.note,
                "status": p.status,
            }
            for p in selectors.report_progress(report)
        ],
        "attachments": [
            {"id": a.pk, "name": a.original_name, "description": a.description, "sha256": a.sha256, "size": a.size}
            for a in getattr(report, "active_attachments", None) or selectors.active_attachments(report)
        ],
        "warnings": warnings,
        "warnings_explanation": explanation,
        "threshold_flags": flags,
        "late": late,
        "submitted_at": timezone.localtime().isoformat(),
    }


def _notify_county(report, *, late: bool):
    recipients = list(authority_users_for_division(report.cluster.division, Role.COUNTY))
    late = "（逾期提交）" if late else ""
    notify(
        recipients=recipients,
        title=f"待审核：{report}",
        body=f"{report.cluster.name}已提交{report.report_year}年度发展报告{late}，请及时审核。",
        url=_url(report),
    )


def report_submit(*, report, actor, acknowledged: bool = False, explanation: str = "", comment: str = ""):
    """Freeze a version of the report and send it to the county authority. Figures far from the previous year's
    must be confirmed (a warning, never a refusal); a submission after the due date is accepted and marked late."""
    explanation = (explanation or "").strip()
    with transaction.atomic():
        # Lock first, then read: every edit takes the same row lock, so what is checked is what is frozen.
        list(AnnualReport.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
        full = selectors.report_with_sections(report.pk)
        if not permissions.can_submit_report(actor, full):
            if permissions.owns_report(actor, full):
                raise Conflict("报告当前不能提交（已提交或已审核）。请刷新页面。")
            raise NotAllowed("您无权提交该报告。")
        blockers = submission_blockers(full)
        if blockers:
            raise ServiceError("暂不能提交：" + "；".join(blockers), errors={"__all__": blockers})
        warnings = selectors.report_warnings(full)
        if warnings and not acknowledged:
            raise ServiceError(
                "以下数据与上年相比变化很大，请核实；确认无误请勾选“已核实”后再提交："
                + "；".join(w["message"] for w in warnings),
                errors={"acknowledged": ["请核实数据后勾选确认。"]},
            )
        deadlines = deadlines_for(full.report_year)
        late = is_late(full.first_submitted_at or timezone.now(), deadlines)
        flags = indicators.threshold_flags(
            selectors.cluster_series(full.cluster, include_report=full),
            full.report_year,
            selectors.thresholds_for(full.certification),
        )
        data = report_snapshot(full, warnings=warnings, explanation=explanation, flags=flags, late=late)
        note = f"逾期提交（截止日期 {deadlines.cluster_due:%Y-%m-%d}）" if late else ""
        comment = "；".join(p for p in (comment.strip(), note) if p)

        def before(locked):
            locked.warnings = warnings
            locked.warnings_explanation = explanation
            locked.threshold_flags = flags
            locked.flag_count = len(flags)
            locked.return_reason = ""
            AnnualReportVersion.objects.create(
                report=locked, number=locked.versions.count() + 1, created_by=actor, snapshot=data
            )

        return transitions.transition(
            full,
            "submit",
            actor=actor,
            permission=permissions.can_submit_report,
            expected_state=EDITABLE_REPORT_STATES,
            comment=comment,
            args={"by": actor},
            queryset=AnnualReport.objects.select_related("cluster__division", "cluster__owner"),
            before=before,
            freeze=lambda locked: locked.versions.order_by("-number").first(),
            notify=lambda locked, _row: _notify_county(locked, late=late),
        )


def report_verify(*, report, actor, comment: str = "") -> AnnualReport:
    """The county authority verifies a submitted report (审核通过)."""

    def tell(locked, _row):
        notify(
            recipients=_owner_users(locked, actor.pk),
            title=f"审核通过：{locked}",
            body=f"您的{locked.report_year}年度发展报告已由县级主管部门审核通过。",
            url=_url(locked),
        )

    return transitions.transition(
        report,
        "verify",
        actor=actor,
        permission=permissions.can_verify_report,
        expected_state=S.SUBMITTED,
        comment=(comment or "").strip(),
        queryset=AnnualReport.objects.select_related("cluster__division", "cluster__owner"),
        notify=tell,
    )


def report_return(*, report, actor, reason: str) -> AnnualReport:
    """The county authority returns a submitted report for changes (退回修改); the reason is required and shown
    to the applicant; the returned version stays in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})

    def tell(locked, _row):
        notify(
            recipients=_owner_users(locked, actor.pk),
            title=f"退回修改：{locked}",
            body=f"您的{locked.report_year}年度发展报告已被退回修改。退回原因：{reason}。请修改后重新提交。",
            url=_url(locked),
        )

    return transitions.transition(
        report,
        "return_to_cluster",
        actor=actor,
        permission=permissions.can_return_report,
        expected_state=S.SUBMITTED,
        comment=reason,
        args={"reason": reason},
        queryset=AnnualReport.objects.select_related("cluster__division", "cluster__owner"),
        notify=tell,
    )
