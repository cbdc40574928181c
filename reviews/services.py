"""Writes of the review tiers: county and city review, the city's recommendation document, formal review."""

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.constants import DivisionLevel, Role
from clusters import eligibility
from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import _enqueue_safely, log_transition

from .constants import FORMAL_CHECKS, Decision, RecommendationStatus, Tier
from .models import Recommendation, ReviewOpinion

S = ApplicationState
TIER_STATE = {Tier.COUNTY: S.COUNTY_REVIEW, Tier.CITY: S.CITY_REVIEW, Tier.FORMAL: S.FORMAL_REVIEW}
PASS_METHOD = {Tier.COUNTY: ("county_pass", "county_pass"), Tier.FORMAL: ("formal_pass", "formal_pass")}


def _clean_conditions(conditions: dict) -> dict:
    valid = set(eligibility.RULE_CODES)
    cleaned = {}
    for code, value in (conditions or {}).items():
        if code not in valid:
            continue
        agree = value.get("agree")
        if agree is None:
            continue
        cleaned[code] = {"agree": bool(agree), "comment": (value.get("comment") or "").strip()[:1000]}
    return cleaned


def review_decide(
    *,
    application,
    actor,
    tier: str,
    decision: str,
    comment: str = "",
    conditions=None,
    checklist=None,
    expected_state=None,
):
    """Record a tier's opinion and move the application on, back to the applicant, or out (reject)."""
    tier = Tier(tier)
    decision = Decision(decision)
    comment = (comment or "").strip()
    conditions = _clean_conditions(conditions or {})
    checklist = {k: bool(v) for k, v in (checklist or {}).items() if k in dict(FORMAL_CHECKS)}
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        raise ServiceError("退回或不予推荐时，请填写理由。", errors={"comment": ["请填写理由。"]})
    disagreed = [code for code, v in conditions.items() if not v["agree"] and not v["comment"]]
    if disagreed:
        raise ServiceError(
            "对不同意的条件请逐条说明理由：" + "、".join(disagreed),
            errors={f"cond_{c}_comment": ["请说明不同意的理由。"] for c in disagreed},
        )
    if decision == Decision.PASS:
        if tier == Tier.CITY:
            raise ServiceError("设区市通过推荐文件报送推荐，请在“推荐文件”中办理。")
        if tier == Tier.FORMAL:
            missing = [str(label) for key, label in FORMAL_CHECKS if not checklist.get(key)]
            if missing:
                raise ServiceError("形式审查清单未全部确认，不能通过：" + "；".join(missing))
    if decision == Decision.PASS:
        verb, method = PASS_METHOD[tier]
        kwargs = {}
    elif decision == Decision.RETURN:
        verb, method, kwargs = "return", "return_to_applicant", {"reason": comment}
    else:
        verb, method, kwargs = "reject", "reject", {}
    expected = expected_state or TIER_STATE[tier]

    def record(locked):
        if locked.state != TIER_STATE[tier]:
            raise Conflict(f"该申报当前为“{locked.get_state_display()}”，不在{tier.label}环节。")
        last = locked.versions.order_by("-number").first()
        ReviewOpinion.objects.create(
            application=locked,
            tier=tier,
            reviewer=actor,
            version_number=last.number if last else 0,
            conditions=conditions,
            checklist=checklist,
            decision=decision,
            comment=comment,
        )

    return cluster_services.application_transition(
        application=application,
        actor=actor,
        verb=verb,
        method=method,
        comment=comment or str(decision.label),
        expected_state=expected,
        before=record,
        **kwargs,
    )


def formal_checklist_suggestion(application) -> dict[str, bool]:
    """What the portal can check by itself; staff confirm each item."""
    full = cluster_selectors.application_with_sections(application.pk)
    status = cluster_selectors.section_status(full)
    return {
        "attachments": status["attachments"],
        "declarations": status["declarations"] and all(full.declarations.values()),
        "data": status["data"],
        "roster": status["roster"],
        "plan": status["management"],
        "recommendation": full.recommendations.filter(status=RecommendationStatus.SUBMITTED).exists(),
    }


# ---------------------------------------------------------------- recommendation document


def recommendation_submit(
    *, call, actor, doc_number: str, doc_date, application_ids, title: str = "", body: str = ""
) -> Recommendation:
    """Create the city's recommendation document and move every listed application to formal review, in one step."""
    if not (
        actor.is_authenticated
        and actor.role == Role.CITY
        and actor.division
        and actor.division.level == DivisionLevel.CITY
    ):
        raise NotAllowed("只有设区市主管部门可以报送推荐文件。")
    city = actor.division
    doc_number = (doc_number or "").strip()
    errors = {}
    if not doc_number:
        errors["doc_number"] = ["请填写推荐文件文号。"]
    if doc_date is None:
        errors["doc_date"] = ["请填写成文日期。"]
    elif doc_date > timezone.localdate():
        errors["doc_date"] = ["成文日期不能晚于今天。"]
    ids = sorted({int(i) for i in application_ids or []})
    if not ids:
        errors["applications"] = ["请至少选择一个推荐的申报。"]
    if errors:
        raise ServiceError(
            "推荐文件信息不完整：" + "；".join(m for msgs in errors.values() for m in msgs), errors=errors
        )
    if timezone.now() > call.city_deadline:
        raise ServiceError(f"{call}的设区市推荐已于 {timezone.localtime(call.city_deadline):%Y-%m-%d %H:%M} 截止。")
    title = title.strip() or f"关于推荐{call.year}年度江苏省中小企业特色产业集群的函"
    try:
        with transaction.atomic():
            apps = list(
                cluster_selectors.application_list_for_user(user=actor)
                .select_for_update(of=("self",))
                .filter(pk__in=ids, call=call)
            )
            found = {a.pk for a in apps}
            if found != set(ids):
                raise ServiceError("所选申报中有不属于本市或本批次的申报，未报送。")
            not_ready = [str(a) for a in apps if a.state != S.CITY_REVIEW]
            if not_ready:
                raise Conflict("以下申报已不在设区市初审环节，未报送：" + "、".join(not_ready))
            rec = Recommendation.objects.create(
                call=call, city=city, doc_number=doc_number, doc_date=doc_date, title=title, body=body, created_by=actor
            )
            rec.applications.set(apps)
            rec.submit()
            rec.save()
            log_transition(
                obj=rec,
                transition="submit",
                from_state=RecommendationStatus.DRAFT,
                to_state=rec.status,
                actor=actor,
                comment=doc_number,
            )
            for app in apps:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="recommend",
                    method="recommend",
                    comment=f"推荐文件 {doc_number}",
                    expected_state=S.CITY_REVIEW,
                )
            transaction.on_commit(lambda: _enqueue_safely(_render_task(), rec.pk))
    except IntegrityError as exc:
        raise ServiceError(
            f"文号“{doc_number}”已被本市的另一份推荐文件使用。", errors={"doc_number": ["文号重复。"]}
        ) from exc
    return rec


def _render_task():
    from .tasks import render_recommendation_pdf

    return render_recommendation_pdf


def recommendation_rows(rec):
    """The summary table (推荐汇总表): one row per recommended application."""
    apps = (
        rec.applications.select_related("cluster__division", "applicant", "call")
        .prefetch_related("year_data", "versions")
        .order_by("cluster__division_id", "cluster__name")
    )
    rows = []
    for i, app in enumerate(apps, start=1):
        years = {y.year: y for y in app.year_data.all()}
        latest = years.get(app.call.year - 1)
        versions = sorted(app.versions.all(), key=lambda v: v.number)
        results = versions[-1].eligibility if versions else []
        failed = [r["code"] for r in results if r.get("kind") == "hard" and r.get("outcome") == "fail"]
        rows.append(
            {
                "no": i,
                "cluster": app.cluster.name,
                "county": app.cluster.division.name,
                "lead_industry": app.cluster.lead_industry,
                "applicant": app.applicant.name,
                "total_output": latest.total_output if latest else None,
                "lead_output": latest.lead_output if latest else None,
                "failed": "、".join(failed) if failed else "全部达标",
            }
        )
    return rows


def _dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "recommendations"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recommendation_pdf_path(rec) -> Path:
    """The letter and its summary table as one PDF; rendered once and kept."""
    from core.pdf import render_pdf

    if rec.pdf_name and (_dir() / rec.pdf_name).exists():
        return _dir() / rec.pdf_name
    content = render_pdf(
        "reviews/pdf/recommendation.html",
        {"rec": rec, "rows": recommendation_rows(rec), "authority": f"{rec.city.name}工业和信息化局"},
    )
    name = f"{uuid.uuid4().hex}.pdf"
    (_dir() / name).write_bytes(content)
    Recommendation.objects.filter(pk=rec.pk).update(pdf_name=name)
    rec.pdf_name = name
    return _dir() / name


def recommendation_xlsx(rec) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "推荐汇总表"
    ws.append([f"{rec.call.year}年度江苏省中小企业特色产业集群推荐汇总表（{rec.city.name}，{rec.doc_number}）"])
    ws["A1"].font = Font(bold=True, size=13)
    headers = [
        "序号",
        "集群名称",
        "所在县（市、区）",
        "主导产业",
        "申报主体",
        f"{rec.call.year - 1}年总产值（万元）",
        f"{rec.call.year - 1}年主导产业产值（万元）",
        "资格自评未达标项",
    ]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for r in recommendation_rows(rec):
        ws.append(
            [
                r["no"],
                r["cluster"],
                r["county"],
                r["lead_industry"],
                r["applicant"],
                r["total_output"],
                r["lead_output"],
                r["failed"],
            ]
        )
    for col, width in zip("ABCDEFGH", (6, 30, 16, 16, 30, 18, 20, 20), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
