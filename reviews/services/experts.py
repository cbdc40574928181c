"""The province's expert pool and who scores what (Art. 10): experts' accounts and profiles, declared conflicts of
interest, manual and automatic assignment against every conflict rule, and the expert's own declaration (no
conflict, which opens the application to them, or a conflict, which ends the assignment)."""

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters.constants import ApplicationState
from clusters.models import Application
from core import transitions
from core.cache import bump_data_version
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import notify

from ..constants import AssignmentStatus, ConflictRule, ConflictStatus, SheetStatus
from ..models import Assignment, ExpertConflict, ExpertProfile, ScoreSheet
from ..permissions import can_act_on_assignment, can_manage_decision, require_province

S = ApplicationState
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
        elif profile is None:  # invited to choose a password (the Excel import); nobody can sign in meanwhile
            user.set_unusable_password()
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
        bump_data_version("reviews.expertprofile")  # names in cached results (reviews.ranking)
    return profile


def expert_conflict_add(*, actor, expert, cluster=None, organisation=None, credit_code="", reason) -> ExpertConflict:
    """Record a conflict of interest; future assignments avoid it."""
    require_province(actor, "管理专家库")
    if not (reason or "").strip():
        raise ServiceError("请填写利益冲突的说明。")
    conflict = ExpertConflict.objects.create(
        expert=expert, cluster=cluster, organisation=organisation, credit_code=credit_code or "", reason=reason.strip()
    )
    transitions.record_event(
        conflict, "declare", actor=actor, to_state=conflict.status, comment=conflict.reason, freeze=True
    )
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
    """Assign an expert after checking every conflict rule. The object permission on the application is granted
    only when the expert declares no conflict of interest (`declare_no_conflict`)."""
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
            freeze=True,
        )
    except Conflict as exc:
        raise Conflict("该分配已撤销。") from exc


def expert_match_score(expert, cluster, cluster_tag_ids) -> int:
    """How well an expert fits a cluster: shared speciality tags count twice, keywords in its industry once."""
    tags = len({t.pk for t in expert.specialities.all()} & cluster_tag_ids)
    text = f"{cluster.lead_industry} {cluster.segment}"
    keywords = sum(1 for k in expert.keyword_list() if k in text)
    return tags * 2 + keywords


def call_expert_loads(call) -> dict[int, int]:
    """{expert id: active assignments in this call} (one grouped query), the load the cap is checked against."""
    return dict(
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE, application__call=call)
        .values_list("expert_id")
        .annotate(n=Count("id"))
    )


def ranked_candidates(application, experts, *, load: dict, exclude=()):
    """The experts (with `user__organisation`, `city`, `specialities` and `conflicts` loaded) who may review this
    application, best speciality match first, then lightest `load`, then id; those in `exclude` (already on it)
    or refused by a conflict rule are left out. A generator: the rules are checked only as far as it is read
    (`auto_assign` takes the first few, the assignment picker all)."""
    roster = set(application.enterprises.values_list("credit_code", flat=True))
    tag_ids = {t.pk for t in application.cluster.tags.all()}
    ranked = sorted(
        (e for e in experts if e.pk not in exclude),
        key=lambda e: (-expert_match_score(e, application.cluster, tag_ids), load.get(e.pk, 0), e.pk),
    )
    for expert in ranked:
        if not assignment_conflicts(expert, application, roster_codes=roster, load=load.get(expert.pk, 0)):
            yield expert


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
    load = call_expert_loads(call)
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
        assigned = []
        for expert in ranked_candidates(app, experts, load=load, exclude=have):
            if len(assigned) == need:
                break
            expert_assign(application=app, expert=expert, actor=actor, method="auto")
            load[expert.pk] = load.get(expert.pk, 0) + 1
            assigned.append(str(expert))
        report[app.pk] = assigned
        if len(assigned) < need:
            shortfalls[app.pk] = need - len(assigned)
    return {"assigned": report, "shortfalls": shortfalls}


def lock_own_assignment(assignment, actor) -> Assignment:
    """The expert's own active assignment, locked for the caller's transaction; refused otherwise."""
    locked = (
        Assignment.objects.select_for_update().select_related("expert__user", "application__call").get(pk=assignment.pk)
    )
    if locked.status != AssignmentStatus.ACTIVE or locked.expert.user_id != actor.pk:
        raise NotAllowed("该评审任务不存在或已撤销。")
    return locked


def declare_no_conflict(*, assignment, actor) -> Assignment:
    """The expert states there is no conflict of interest before seeing the application: only now is the object
    permission on it granted (removed again when the assignment ends)."""
    with transaction.atomic():
        locked = lock_own_assignment(assignment, actor)
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
            after=lambda locked, _row: assign_perm(VIEW_PERM, locked.expert.user, locked.application),
            freeze=True,
        )


def declare_conflict(*, assignment, actor, reason: str) -> Assignment:
    """The expert declares a conflict (before seeing the application, or later from the scoring page): it is
    recorded for the future, the assignment ends (a score already submitted leaves the ranking) and the province
    is told, so that it can assign another expert."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请说明利益冲突的情况。")
    with transaction.atomic():
        locked = lock_own_assignment(assignment, actor)
        if locked.application.state != S.EXPERT_REVIEW:
            raise ServiceError("该申报已离开专家评审环节，不能在此声明；如发现利益冲突，请直接联系省工业和信息化厅。")
        conflict = ExpertConflict.objects.create(
            expert=locked.expert, cluster=locked.application.cluster, reason=reason
        )
        transitions.record_event(
            conflict, "declare", actor=actor, to_state=conflict.status, comment=reason, freeze=True
        )
        return transitions.transition(
            locked,
            "revoke",
            actor=actor,
            permission=can_act_on_assignment,
            expected_state=AssignmentStatus.ACTIVE,
            args={"by": actor},
            comment=f"专家声明存在利益冲突：{reason}",
            queryset=Assignment.objects.select_related("expert__user", "application__cluster__division"),
            after=lambda locked, _row: remove_perm(VIEW_PERM, actor, locked.application),
            notify=lambda locked, _row: _tell_province_of_conflict(locked, reason),
            freeze=True,
        )


def _tell_province_of_conflict(assignment, reason: str) -> None:
    application = assignment.application
    notify(
        recipients=list(authority_users_for_division(application.cluster.division, Role.PROVINCE)),
        title=f"专家声明利益冲突：{application.cluster.name}",
        body=f"专家 {assignment.expert} 声明与“{application.cluster.name}”存在利益冲突（{reason}），"
        "该评审任务已撤销，请另行安排专家。",
        url=reverse("reviews:assignments", args=[application.call_id]),
    )
