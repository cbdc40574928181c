"""Writes of the review tiers and the province's decision: county and city review, the recommendation document,
formal review, expert assignment and scoring, spot checks and the joint review."""

import hashlib
import io
import math
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.constants import DivisionLevel, Role
from clusters import eligibility
from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Application
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.filetypes import check_upload
from core.services import enqueue, notify
from core.storage import private_dir, save_upload

from .constants import (
    FORMAL_CHECKS,
    AssignmentStatus,
    ConflictRule,
    ConflictStatus,
    Decision,
    JointDecisionChoice,
    MeetingStatus,
    Recommend,
    RecommendationStatus,
    SheetStatus,
    Tier,
)
from .models import (
    Assignment,
    ExpertConflict,
    ExpertProfile,
    JointDecision,
    JointReview,
    Recommendation,
    ReviewOpinion,
    ScoreSheet,
    SiteCheck,
    SpotCheckDraw,
    StoredFile,
)
from .permissions import (
    can_act_on_assignment,
    can_manage_decision,
    can_submit_recommendation,
    require_province,
)
from .selectors import proposed_list

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
    written = []

    def record(locked):
        if locked.state != TIER_STATE[tier]:
            raise Conflict(f"该申报当前为“{locked.get_state_display()}”，不在{tier.label}环节。")
        last = locked.versions.order_by("-number").first()
        written.append(
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
        )

    return cluster_services.application_transition(
        application=application,
        actor=actor,
        verb=verb,
        method=method,
        comment=comment or str(decision.label),
        expected_state=expected,
        before=record,
        freeze=lambda _locked: written[-1],
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
            rec = transitions.transition(
                rec, "submit", actor=actor, permission=can_submit_recommendation, comment=doc_number, freeze=True
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
            enqueue("reviews.tasks.render_recommendation_pdf", rec.pk)
    except IntegrityError as exc:
        raise ServiceError(
            f"文号“{doc_number}”已被本市的另一份推荐文件使用。", errors={"doc_number": ["文号重复。"]}
        ) from exc
    return rec


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


REMIND_DAYS_BEFORE = 3


def remind_city_deadlines(now=None) -> int:
    """Daily sweep: remind county and city authorities of applications still waiting as a call's city
    deadline nears. Deadlines come from the calls in the database; a reminder already sent to a user for a call
    is not sent again. Queries do not grow with the number of waiting applications."""
    from datetime import timedelta

    from accounts.models import User
    from clusters.constants import CallStatus
    from clusters.models import Call
    from core.models import Notification

    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(
        status=CallStatus.PUBLISHED, city_deadline__gt=now, city_deadline__lte=now + timedelta(days=REMIND_DAYS_BEFORE)
    )
    for call in calls:
        deadline = timezone.localtime(call.city_deadline)
        title = f"{call.year}年度设区市推荐将于 {deadline:%m月%d日 %H:%M} 截止"
        waiting = list(
            Application.objects.filter(call=call, state__in=[S.COUNTY_REVIEW, S.CITY_REVIEW])
            .select_related("cluster__division")
            .order_by("pk")
        )
        if not waiting:
            continue
        # One query for every authority user concerned, keyed by (role, division code).
        wanted = {(Role.COUNTY, a.cluster.division_id) for a in waiting if a.state == S.COUNTY_REVIEW}
        wanted |= {(Role.CITY, a.cluster.division.parent_id) for a in waiting if a.state == S.CITY_REVIEW}
        users = User.objects.filter(
            is_active=True,
            role__in=[Role.COUNTY, Role.CITY],
            organisation__division_id__in={code for _role, code in wanted},
        ).select_related("organisation")
        by_key: dict = {}
        for user in users:
            by_key.setdefault((user.role, user.organisation.division_id), []).append(user)
        per_user: dict = {}
        for app in waiting:
            key = (
                (Role.COUNTY, app.cluster.division_id)
                if app.state == S.COUNTY_REVIEW
                else (Role.CITY, app.cluster.division.parent_id)
            )
            for user in by_key.get(key, []):
                per_user.setdefault(user.pk, (user, []))[1].append(app)
        already = set(
            Notification.objects.filter(title=title, recipient_id__in=per_user).values_list("recipient_id", flat=True)
        )
        for user_id, (user, apps) in per_user.items():
            if user_id in already:
                continue
            names = "、".join(a.cluster.name for a in apps[:10])
            more = f"等 {len(apps)} 个" if len(apps) > 10 else f"共 {len(apps)} 个"
            with transaction.atomic():
                notify(recipients=[user], title=title, body=f"仍待您办理的申报：{names}（{more}）。", url="/review/")
            sent += 1
    return sent


# ================================================================ province decision (Art. 10)

VIEW_PERM = "clusters.view_application"


def assignment_conflicts(expert: ExpertProfile, application, *, roster_codes=None, load=None) -> list[tuple[str, str]]:
    """Every conflict rule that refuses this expert for this application, with the reason in words."""
    found = []
    cluster = application.cluster
    if not expert.active:
        found.append((ConflictRule.INACTIVE, str(ConflictRule.INACTIVE.label)))
    if expert.city_id == cluster.division.parent_id:
        found.append((ConflictRule.SAME_CITY, f"专家所在设区市（{expert.city.name}）与集群所在设区市相同"))
    employer = expert.user.organisation
    applicant = application.applicant
    if employer is not None and (
        employer.pk == applicant.pk or (employer.credit_code and employer.credit_code == applicant.credit_code)
    ):
        found.append((ConflictRule.SAME_EMPLOYER, f"专家工作单位“{employer.name}”是申报主体"))
    if roster_codes is None:
        roster_codes = set(application.enterprises.values_list("credit_code", flat=True))
    if employer is not None and employer.credit_code and employer.credit_code in roster_codes:
        found.append((ConflictRule.ROSTER_EMPLOYER, f"专家工作单位“{employer.name}”在集群企业名册中"))
    for conflict in expert.conflicts.all():
        if conflict.withdrawn_at is None and (
            conflict.cluster_id == cluster.pk
            or conflict.organisation_id == applicant.pk
            or (
                conflict.credit_code
                and (conflict.credit_code in roster_codes or conflict.credit_code == applicant.credit_code)
            )
        ):
            found.append((ConflictRule.DECLARED, f"专家已声明利益冲突：{conflict.reason}"))
            break
    if load is None:
        load = Assignment.objects.filter(
            expert=expert, status=AssignmentStatus.ACTIVE, application__call_id=application.call_id
        ).count()
    if load >= expert.max_assignments:
        found.append((ConflictRule.CAP, f"专家本批次已有 {load} 项评审任务，达到上限 {expert.max_assignments}"))
    return found


def expert_save(*, actor, profile=None, data: dict) -> ExpertProfile:
    """Create or update an expert's account and pool profile (and a new employer, if one was typed)."""
    from accounts.constants import OrganisationKind
    from accounts.models import Organisation, User

    require_province(actor, "管理专家库")
    with transaction.atomic():
        employer = data["employer"]
        if employer is None:
            employer = Organisation.objects.create(
                name=data["new_employer_name"].strip(),
                kind=OrganisationKind.EXPERT_EMPLOYER,
                credit_code=data.get("new_employer_credit_code") or None,
                division=data["city"],
            )
        user = profile.user if profile else User(role=Role.EXPERT)
        user.username = data["username"]
        user.full_name = data["full_name"].strip()
        user.phone = data["phone"].strip()
        user.email = data["email"]
        user.organisation = employer
        if data.get("password"):
            user.set_password(data["password"])
        user.full_clean(exclude=["password"])
        user.save()
        profile = profile or ExpertProfile(user=user)
        profile.city = data["city"]
        profile.title = data["title"].strip()
        profile.keywords = data["keywords"].strip()
        profile.active = data["active"]
        profile.max_assignments = data["max_assignments"]
        profile.full_clean()
        profile.save()
        profile.specialities.set(data["specialities"])
    return profile


def expert_conflict_add(*, actor, expert, cluster=None, organisation=None, credit_code="", reason) -> ExpertConflict:
    """Record a conflict of interest; future assignments avoid it."""
    require_province(actor, "管理专家库")
    if not (reason or "").strip():
        raise ServiceError("请填写利益冲突的说明。")
    conflict = ExpertConflict.objects.create(
        expert=expert, cluster=cluster, organisation=organisation, credit_code=credit_code or "", reason=reason.strip()
    )
    transitions.record_event(conflict, "declare", actor=actor, to_state=conflict.status, comment=conflict.reason)
    return conflict


def expert_conflict_withdraw(*, actor, conflict) -> ExpertConflict:
    """Withdraw a recorded conflict; the record stays, marked withdrawn."""
    require_province(actor, "管理专家库")
    try:
        return transitions.transition(
            conflict,
            "withdraw",
            actor=actor,
            permission=can_manage_decision,
            expected_state=ConflictStatus.ACTIVE,
            args={"by": actor},
            comment=conflict.reason,
        )
    except Conflict as exc:
        raise Conflict("该利益冲突记录已撤回。") from exc


def expert_assign(*, application, expert, actor, method="manual") -> Assignment:
    """Assign an expert after checking every conflict rule; grants the object permission."""
    require_province(actor, "分配评审专家")
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("cluster__division", "applicant")
            .get(pk=application.pk)
        )
        if locked.state != S.EXPERT_REVIEW:
            raise Conflict(f"该申报当前为“{locked.get_state_display()}”，不在专家评审环节。")
        if Assignment.objects.filter(application=locked, expert=expert, status=AssignmentStatus.ACTIVE).exists():
            raise ServiceError(f"{expert} 已分配评审该申报。")
        conflicts = assignment_conflicts(expert, locked)
        if conflicts:
            raise ServiceError(
                f"不能分配 {expert}：" + "；".join(msg for _rule, msg in conflicts),
                errors={"rules": [r for r, _m in conflicts]},
            )
        assignment = Assignment.objects.create(application=locked, expert=expert, method=method, assigned_by=actor)
        ScoreSheet.objects.create(assignment=assignment)
        assign_perm(VIEW_PERM, expert.user, locked)
        transitions.record_event(
            assignment, "assign", actor=actor, to_state=AssignmentStatus.ACTIVE, comment=f"{expert} → {locked}"
        )
        notify(
            recipients=[expert.user],
            title="新的评审任务",
            body=f"请评审编号为 {locked.pk} 的申报。",
            url=f"/review/scoring/{assignment.pk}/",
        )
    return assignment


def expert_unassign(*, assignment, actor, reason: str) -> Assignment:
    """Revoke an assignment and the expert's permission; a submitted score sheet cannot be revoked."""
    require_province(actor, "撤销评审分配")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤销原因。")

    def check(locked):
        if locked.sheet.status == SheetStatus.SUBMITTED:
            raise ServiceError("专家已提交评分，不能撤销分配（评分须保留）。")

    try:
        return transitions.transition(
            assignment,
            "revoke",
            actor=actor,
            permission=can_manage_decision,
            expected_state=AssignmentStatus.ACTIVE,
            args={"by": actor},
            comment=reason,
            queryset=Assignment.objects.select_related("expert__user", "application"),
            before=check,
            after=lambda locked, _row: remove_perm(VIEW_PERM, locked.expert.user, locked.application),
        )
    except Conflict as exc:
        raise Conflict("该分配已撤销。") from exc


def _match_score(expert, cluster, cluster_tag_ids) -> int:
    tags = len({t.pk for t in expert.specialities.all()} & cluster_tag_ids)
    text = f"{cluster.lead_industry} {cluster.segment}"
    keywords = sum(1 for k in expert.keyword_list() if k in text)
    return tags * 2 + keywords


def auto_assign(*, call, actor, per_application=None) -> dict:
    """Give every application in expert review N experts: best speciality match first, lightest load next,
    never against a conflict rule. Returns {application id: [assigned expert names]} and the shortfalls."""
    require_province(actor, "分配评审专家")
    per_application = per_application or call.experts_per_application
    experts = list(
        ExpertProfile.objects.filter(active=True)
        .select_related("user__organisation", "city")
        .prefetch_related("specialities", "conflicts")
    )
    load = dict(
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE, application__call=call)
        .values_list("expert_id")
        .annotate(n=Count("id"))
    )
    report, shortfalls = {}, {}
    apps = (
        Application.objects.filter(call=call, state=S.EXPERT_REVIEW)
        .select_related("cluster__division", "applicant")
        .prefetch_related("cluster__tags")
        .order_by("pk")
    )
    for app in apps:
        have = set(
            Assignment.objects.filter(application=app, status=AssignmentStatus.ACTIVE).values_list(
                "expert_id", flat=True
            )
        )
        need = per_application - len(have)
        if need <= 0:
            continue
        roster = set(app.enterprises.values_list("credit_code", flat=True))
        tag_ids = {t.pk for t in app.cluster.tags.all()}
        ranked = sorted(
            (e for e in experts if e.pk not in have),
            key=lambda e: (-_match_score(e, app.cluster, tag_ids), load.get(e.pk, 0), e.pk),
        )
        assigned = []
        for expert in ranked:
            if len(assigned) == need:
                break
            if assignment_conflicts(expert, app, roster_codes=roster, load=load.get(expert.pk, 0)):
                continue
            expert_assign(application=app, expert=expert, actor=actor, method="auto")
            load[expert.pk] = load.get(expert.pk, 0) + 1
            assigned.append(str(expert))
        report[app.pk] = assigned
        if len(assigned) < need:
            shortfalls[app.pk] = need - len(assigned)
    return {"assigned": report, "shortfalls": shortfalls}


def _expert_assignment(assignment, actor):
    locked = (
        Assignment.objects.select_for_update().select_related("expert__user", "application__call").get(pk=assignment.pk)
    )
    if locked.status != AssignmentStatus.ACTIVE or locked.expert.user_id != actor.pk:
        raise NotAllowed("该评审任务不存在或已撤销。")
    return locked


def declare_no_conflict(*, assignment, actor) -> Assignment:
    """The expert states there is no conflict of interest before seeing who applied."""
    with transaction.atomic():
        locked = _expert_assignment(assignment, actor)
        if locked.no_conflict_declared_at is not None:
            return locked
        return transitions.transition(
            locked,
            "declare_no_conflict",
            actor=actor,
            permission=can_act_on_assignment,
            expected_state=AssignmentStatus.ACTIVE,
            comment="专家声明无利益冲突",
            queryset=Assignment.objects.select_related("expert__user", "application__call"),
        )


def declare_conflict(*, assignment, actor, reason: str) -> Assignment:
    """The expert declares a conflict: it is recorded for the future and the assignment is revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请说明利益冲突的情况。")
    with transaction.atomic():
        locked = _expert_assignment(assignment, actor)
        conflict = ExpertConflict.objects.create(
            expert=locked.expert, cluster=locked.application.cluster, reason=reason
        )
        transitions.record_event(conflict, "declare", actor=actor, to_state=conflict.status, comment=reason)
        return transitions.transition(
            locked,
            "revoke",
            actor=actor,
            permission=can_act_on_assignment,
            expected_state=AssignmentStatus.ACTIVE,
            args={"by": actor},
            comment=f"专家声明存在利益冲突：{reason}",
            queryset=Assignment.objects.select_related("expert__user", "application"),
            after=lambda locked, _row: remove_perm(VIEW_PERM, actor, locked.application),
        )


def weighted_total(rubric, scores: dict) -> Decimal | None:
    """Σ score ÷ max points × weight: 0–100 when the weights sum to 100%; None until every criterion is scored."""
    total = Decimal("0")
    for criterion in rubric:
        value = scores.get(str(criterion.pk))
        if value in (None, ""):
            return None
        total += Decimal(str(value)) / criterion.max_points * criterion.weight
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _parse_scores(rubric, scores: dict) -> tuple[dict, dict]:
    cleaned, errors = {}, {}
    for criterion in rubric:
        raw = scores.get(str(criterion.pk), scores.get(criterion.pk))
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors[f"score_{criterion.pk}"] = [f"“{criterion.name}”的得分应为数字。"]
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_points:
            errors[f"score_{criterion.pk}"] = [
                f"“{criterion.name}”的得分应在 0 至 {format(criterion.max_points.normalize(), 'f')} 之间。"
            ]
            continue
        cleaned[str(criterion.pk)] = str(value)
    return cleaned, errors


def scoresheet_save(*, sheet, actor, scores: dict, comments=None, recommendation="", overall_comment="") -> ScoreSheet:
    """Save an expert's draft scores; out-of-range values are refused and nothing is changed."""
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
        assignment = _expert_assignment(locked.assignment, actor)
        if assignment.no_conflict_declared_at is None:
            raise NotAllowed("请先声明无利益冲突。")
        if locked.status != SheetStatus.DRAFT:
            raise Conflict("评分表已提交，不能修改。")
        rubric = list(assignment.application.call.rubric.all())
        cleaned, errors = _parse_scores(rubric, scores or {})
        if recommendation and recommendation not in Recommend.values:
            errors["recommendation"] = ["请选择总体意见。"]
        if errors:
            raise ServiceError(f"有 {len(errors)} 处评分需要修改。", errors=errors)
        locked.scores = cleaned
        locked.comments = {str(k): (v or "").strip()[:2000] for k, v in (comments or {}).items() if (v or "").strip()}
        locked.recommendation = recommendation or ""
        locked.overall_comment = (overall_comment or "").strip()
        locked.weighted_total = weighted_total(rubric, cleaned)
        locked.save()
    return locked


def scoresheet_submit(*, sheet, actor) -> ScoreSheet:
    """Submit once: every criterion scored and an overall recommendation; read-only afterwards."""
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
        assignment = _expert_assignment(locked.assignment, actor)
        if locked.status != SheetStatus.DRAFT:
            raise Conflict("评分表已提交，不能重复提交。")
        rubric = list(assignment.application.call.rubric.all())
        missing = [c.name for c in rubric if locked.scores.get(str(c.pk)) in (None, "")]
        if missing:
            raise ServiceError("以下评分项尚未打分：" + "、".join(missing))
        if not locked.recommendation:
            raise ServiceError("请选择总体意见。")
        total = weighted_total(rubric, locked.scores)

        def set_total(sheet):
            sheet.weighted_total = total

        return transitions.transition(
            locked,
            "submit",
            actor=actor,
            permission=lambda user, sheet: can_act_on_assignment(user, sheet.assignment),
            expected_state=SheetStatus.DRAFT,
            comment=f"加权总分 {total}",
            queryset=ScoreSheet.objects.select_related("assignment__expert"),
            before=set_total,
            freeze=True,
        )


# ---------------------------------------------------------------- spot checks

DRAW_ALGORITHM = "按 SHA-256(种子:申报编号) 的十六进制值升序排列候选名单，取前 N 个"


def draw_key(seed: str, application_id: int) -> str:
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()


def draw_sample(seed: str, candidates: list[int], size: int) -> list[int]:
    """Reproducible anywhere: sort the candidates by SHA-256 of "seed:id" and take the first `size`."""
    return sorted(candidates, key=lambda pk: draw_key(seed, pk))[:size]


def _positive_int(value, label) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"{label}应为正整数。") from None
    if number <= 0:
        raise ServiceError(f"{label}应为正整数。")
    return number


def spot_check_draw(*, call, actor, seed, size=None, fraction=None) -> SpotCheckDraw:
    """Draw the site-check sample from every application in expert review; the rest go to joint review."""
    require_province(actor, "抽取实地抽查名单")
    seed = str(_positive_int(seed, "随机种子"))
    with transaction.atomic():
        candidates = list(
            Application.objects.select_for_update()
            .filter(call=call, state=S.EXPERT_REVIEW)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not candidates:
            raise ServiceError("本批次没有处于专家评审环节的申报。")
        if size not in (None, ""):
            k = _positive_int(size, "抽取数量")
        elif fraction not in (None, ""):
            try:
                f = Decimal(str(fraction))
            except InvalidOperation:
                raise ServiceError("抽取比例应为 0 至 1 之间的数。") from None
            if not (0 < f <= 1):
                raise ServiceError("抽取比例应为 0 至 1 之间的数（不含 0）。")
            k = max(1, math.ceil(f * len(candidates)))
        else:
            raise ServiceError("请填写抽取数量或抽取比例。")
        if k > len(candidates):
            raise ServiceError(f"抽取数量 {k} 超过候选申报数 {len(candidates)}。")
        drawn = draw_sample(seed, candidates, k)
        draw = SpotCheckDraw.objects.create(
            call=call,
            seed=seed,
            sample_size=k,
            candidates=candidates,
            drawn=drawn,
            algorithm=DRAW_ALGORITHM,
            drawn_by=actor,
        )
        transitions.record_event(
            draw,
            "draw",
            actor=actor,
            to_state="drawn",
            comment=f"种子 {seed}，候选 {len(candidates)}，抽中 {drawn}",
            freeze=True,
        )
        for app in Application.objects.filter(pk__in=candidates).order_by("pk"):
            if app.pk in drawn:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="manage_province",
                    method="start_site_check",
                    comment=f"被抽中实地抽查（种子 {seed}）",
                )
            else:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="manage_province",
                    method="to_joint_review",
                    comment=f"未被抽中实地抽查（种子 {seed}）",
                )
    return draw


def spot_check_verify(draw) -> bool:
    """Re-draw from the recorded seed and candidates; True when the same sample comes out."""
    return draw_sample(draw.seed, list(draw.candidates), draw.sample_size) == list(draw.drawn)


def _store_file(uploaded, actor, **owner) -> StoredFile:
    try:
        file_type = check_upload(uploaded, settings.ATTACHMENT_MAX_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages)) from exc
    saved = save_upload(uploaded, "reviews", file_type)
    return StoredFile.objects.create(
        original_name=saved.original_name,
        stored_name=saved.stored_name,
        file_type=file_type,
        size=saved.size,
        uploaded_by=actor,
        **owner,
    )


def _store_files(files, actor, **owner) -> list[StoredFile]:
    """Store several uploads; if one is refused, the ones already written are removed with the rows."""
    stored = []
    try:
        for f in files:
            stored.append(_store_file(f, actor, **owner))
    except Exception:
        for row in stored:
            stored_file_path(row).unlink(missing_ok=True)
        raise
    return stored


def stored_file_path(stored: StoredFile) -> Path:
    return private_dir("reviews") / stored.stored_name


def site_check_record(*, application, actor, check_date, inspectors, findings, result, files=()) -> SiteCheck:
    """Record a site check with its evidence and return the application to the flow (joint review)."""
    require_province(actor, "记录实地核查")
    if not (inspectors or "").strip() or not (findings or "").strip():
        raise ServiceError("请填写核查人员和核查情况。")
    if result not in ("pass", "fail"):
        raise ServiceError("请选择核查结论。")
    if check_date is None or check_date > timezone.localdate():
        raise ServiceError("核查日期不能为空，也不能晚于今天。")
    with transaction.atomic():
        draw = SpotCheckDraw.objects.filter(call=application.call).order_by("-drawn_at").first()
        if draw is None or application.pk not in draw.drawn:
            raise ServiceError("该申报未被抽中实地抽查。")
        check = SiteCheck.objects.create(
            application=application,
            draw=draw,
            check_date=check_date,
            inspectors=inspectors.strip(),
            findings=findings.strip(),
            result=result,
            recorded_by=actor,
        )
        _store_files(files, actor, site_check=check)
        transitions.record_event(
            check, "record", actor=actor, to_state=check.result, comment=check.get_result_display(), freeze=True
        )
        cluster_services.application_transition(
            application=application,
            actor=actor,
            verb="manage_province",
            method="to_joint_review",
            comment=f"实地核查：{check.get_result_display()}",
            expected_state=S.SITE_CHECK,
        )
    return check


# ---------------------------------------------------------------- joint review


def meeting_create(*, call, actor, meeting_date, attendees, minutes="", files=()) -> JointReview:
    require_province(actor, "组织会审")
    if not (attendees or "").strip():
        raise ServiceError("请填写参会人员。")
    if meeting_date is None:
        raise ServiceError("请填写会议日期。")
    with transaction.atomic():
        meeting = JointReview.objects.create(
            call=call, meeting_date=meeting_date, attendees=attendees.strip(), minutes=minutes, created_by=actor
        )
        _store_files(files, actor, meeting=meeting)
        transitions.record_event(meeting, "open", actor=actor, to_state=MeetingStatus.OPEN, comment=str(meeting))
    return meeting


def meeting_decide(*, meeting, application, actor, decision, reason="") -> JointDecision:
    """Record (or change, while the meeting is open) the decision on one application."""
    require_province(actor, "会审")
    if decision not in JointDecisionChoice.values:
        raise ServiceError("请选择会审结论。")
    reason = (reason or "").strip()
    if decision == JointDecisionChoice.REJECT and not reason:
        raise ServiceError("不予认定须写明理由。")
    with transaction.atomic():
        locked = JointReview.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.OPEN:
            raise Conflict("会审已结束，不能修改结论。")
        application = Application.objects.get(pk=application.pk)
        if application.call_id != locked.call_id or application.state != S.JOINT_REVIEW:
            raise ServiceError("该申报不在本批次的会审环节。")
        row, _created = JointDecision.objects.update_or_create(
            meeting=locked,
            application=application,
            defaults={"decision": decision, "reason": reason, "decided_by": actor},
        )
    return row


def meeting_close(*, meeting, actor) -> JointReview:
    """Close the meeting: every application decided, departures from the ranking explained; then move them."""
    from .selectors import call_score_table

    require_province(actor, "会审")
    with transaction.atomic():
        locked = JointReview.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.OPEN:
            raise Conflict("会审已结束。")
        # Applications already on an earlier meeting's proposed list are not decided again.
        waiting = list(
            Application.objects.filter(call=locked.call, state=S.JOINT_REVIEW)
            .exclude(pk__in=proposed_list(locked.call))
            .order_by("pk")
        )
        decisions = {d.application_id: d for d in locked.decisions.select_related("application")}
        undecided = [str(a) for a in waiting if a.pk not in decisions]
        if undecided:
            raise ServiceError("以下申报尚未形成会审结论：" + "、".join(undecided))
        ranks = {row["application"].pk: row for row in call_score_table(locked.call)}
        approved = [d for d in decisions.values() if d.decision == JointDecisionChoice.APPROVE]
        departures = []
        for d in decisions.values():
            row = ranks.get(d.application_id, {})
            d.rank_raw, d.rank_normalised = row.get("rank_raw"), row.get("rank_normalised")
        # The ranking implies approving its top k (k = how many are approved); an approved application
        # outside the top k on either ranking departs from it and needs a written reason.
        k = len(approved)
        for a in approved:
            outside = (a.rank_raw is not None and a.rank_raw > k) or (
                a.rank_normalised is not None and a.rank_normalised > k
            )
            if outside and not a.reason:
                departures.append(str(a.application))
        if departures:
            raise ServiceError(
                f"以下申报不在评分排名前 {k} 名内却拟列入名单，与排名不一致，须写明理由：" + "、".join(departures)
            )
        # Rejections take effect now; approved applications stay in joint review as the proposed list
        # until the public notice is published (Art. 10).
        for d in decisions.values():
            d.save(update_fields=["rank_raw", "rank_normalised"])
            if d.decision == JointDecisionChoice.REJECT:
                cluster_services.application_transition(
                    application=d.application,
                    actor=actor,
                    verb="reject",
                    method="reject",
                    comment=f"会审：{d.get_decision_display()}；{d.reason}",
                    expected_state=S.JOINT_REVIEW,
                )
        return transitions.transition(
            locked,
            "close",
            actor=actor,
            permission=can_manage_decision,
            expected_state=MeetingStatus.OPEN,
            comment=f"拟认定 {len(approved)} 个",
            freeze=True,
        )
