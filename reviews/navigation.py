"""What waits on the home page (我的待办) from the reviews app: the city's recommendation document, the expert's
declarations and score sheets, and every step of the province's decision (experts, scores, the spot-check draw,
site checks, the joint review, the notice, objections and the publication). Each item is one query whatever the
number of applications; a link goes to the call's own page when a single call is concerned."""

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.models import Application, Call

from .constants import AssignmentStatus, JointDecisionChoice, MeetingStatus, NoticeStatus, ObjectionStatus, SheetStatus
from .models import Assignment, JointDecision, Notice, Objection, ScoreSheet

S = ApplicationState
ACTIVE = AssignmentStatus.ACTIVE


def _per_call(rows) -> tuple[int, list[int]]:
    """(total, call ids) from rows of {"call_pk": id, "n": count}."""
    rows = list(rows)
    return sum(r["n"] for r in rows), sorted(r["call_pk"] for r in rows)


def _call_url(call_ids, name: str, fallback: str) -> str:
    return reverse(name, args=[call_ids[0]]) if len(call_ids) == 1 else reverse(fallback)


def _decision_url(call_ids) -> str:
    url = reverse("reviews:province_decision")
    return f"{url}?call={call_ids[0]}" if len(call_ids) == 1 else url


def city_todos(user) -> list[dict]:
    """The recommendation document (推荐文件) the city still has to send for each call with applications at its
    tier, before the call's city deadline."""
    city = user.division
    if city is None:
        return []
    rows = (
        Application.objects.filter(state=S.CITY_REVIEW, cluster__division__parent=city)
        .values(call_pk=F("call_id"))
        .annotate(n=Count("id"), due=Min("call__city_deadline"))
        .order_by("call_pk")
    )
    rows = list(rows)
    if not rows:
        return []
    calls = [r["call_pk"] for r in rows]
    url = (
        reverse("reviews:recommendation_create", args=[calls[0]])
        if len(calls) == 1
        else reverse("reviews:recommendation_list")
    )
    return [
        {
            "label": "待报送的推荐文件（行文推荐本市申报）",
            "count": len(calls),
            "url": url,
            "deadline": min(r["due"] for r in rows),
            "note": f"本市待推荐的申报 {sum(r['n'] for r in rows)} 个",
        }
    ]


def expert_todos(user) -> list[dict]:
    """The expert's assignments still in expert review: declarations of (no) conflict of interest not yet made,
    and score sheets not yet submitted. The call has no scoring deadline of its own, so none is shown."""
    waiting = Q(application__state=S.EXPERT_REVIEW)
    undeclared = waiting & Q(no_conflict_declared_at__isnull=True)
    unscored = waiting & Q(no_conflict_declared_at__isnull=False, sheet__status=SheetStatus.DRAFT)
    counts = Assignment.objects.filter(expert__user=user, status=ACTIVE).aggregate(
        undeclared=Count("id", filter=undeclared),
        unscored=Count("id", filter=unscored),
        one_unscored=Min("id", filter=unscored),
    )
    tasks = reverse("reviews:expert_tasks")
    return [
        {"label": "待声明是否存在利益冲突的评审任务", "count": counts["undeclared"], "url": tasks},
        {
            "label": "待提交的专家评分表",
            "count": counts["unscored"],
            "url": reverse("reviews:scoring", args=[counts["one_unscored"]]) if counts["unscored"] == 1 else tasks,
        },
    ]


def _short_of_experts():
    active = Count("assignments", filter=Q(assignments__status=ACTIVE))
    short = (
        Application.objects.filter(state=S.EXPERT_REVIEW)
        .annotate(active=active)
        .filter(active__lt=F("call__experts_per_application"))
        .values("pk")
    )
    return Application.objects.filter(pk__in=short).values(call_pk=F("call_id")).annotate(n=Count("id")).order_by()


def _draws_due():
    """Calls whose applications in expert review all have their score sheets in (none outstanding, at least one
    submitted each) and have not been drawn yet (the draw moves them all out of expert review)."""
    in_review = Application.objects.filter(call=OuterRef("pk"), state=S.EXPERT_REVIEW)
    sheets = ScoreSheet.objects.filter(assignment__application=OuterRef("pk"), assignment__status=ACTIVE)
    pending = Application.objects.filter(call=OuterRef("pk"), state=S.EXPERT_REVIEW).filter(
        Exists(sheets.exclude(status=SheetStatus.SUBMITTED)) | ~Exists(sheets.filter(status=SheetStatus.SUBMITTED))
    )
    return Call.objects.filter(Exists(in_review)).exclude(Exists(pending)).values_list("pk", flat=True)


def _awaiting_meeting():
    """Applications in joint review with no approval by a closed meeting (the proposed list waits for the notice)."""
    approved = JointDecision.objects.filter(
        application=OuterRef("pk"), decision=JointDecisionChoice.APPROVE, meeting__status=MeetingStatus.CLOSED
    )
    return (
        Application.objects.filter(state=S.JOINT_REVIEW)
        .exclude(Exists(approved))
        .values(call_pk=F("call_id"))
        .annotate(n=Count("id"))
        .order_by()
    )


def _proposed_without_notice():
    approved = JointDecision.objects.filter(
        application=OuterRef("pk"), decision=JointDecisionChoice.APPROVE, meeting__status=MeetingStatus.CLOSED
    )
    noticed = Notice.objects.filter(
        applications=OuterRef("pk"),
        status__in=[NoticeStatus.DRAFT, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED],
    )
    return (
        Application.objects.filter(state=S.JOINT_REVIEW)
        .filter(Exists(approved))
        .exclude(Exists(noticed))
        .values(call_pk=F("call_id"))
        .annotate(n=Count("id"))
        .order_by()
    )


def province_todos(user) -> list[dict]:
    today = timezone.localdate()
    items = []

    n, calls = _per_call(_short_of_experts())
    items.append(
        {
            "label": "专家人数不足、待分配评审专家的申报",
            "count": n,
            "url": _call_url(calls, "reviews:assignments", "reviews:province_decision"),
        }
    )
    n, calls = _per_call(
        ScoreSheet.objects.filter(
            status=SheetStatus.DRAFT,
            assignment__status=ACTIVE,
            assignment__application__state=S.EXPERT_REVIEW,
        )
        .values(call_pk=F("assignment__application__call_id"))
        .annotate(n=Count("id"))
        .order_by()
    )
    items.append(
        {
            "label": "专家尚未提交的评分表",
            "count": n,
            "url": _call_url(calls, "reviews:score_table", "reviews:province_decision"),
        }
    )
    calls = sorted(_draws_due())
    items.append(
        {
            "label": "评分已全部提交、待抽取实地抽查名单的批次",
            "count": len(calls),
            "url": _call_url(calls, "reviews:spot_check", "reviews:province_decision"),
        }
    )
    site = Application.objects.filter(state=S.SITE_CHECK).aggregate(n=Count("id"), one=Min("id"))
    items.append(
        {
            "label": "被抽中、待记录实地核查结果的申报",
            "count": site["n"],
            "url": reverse("reviews:site_check", args=[site["one"]])
            if site["n"] == 1
            else reverse("reviews:province_decision"),
        }
    )
    n, calls = _per_call(_awaiting_meeting())
    items.append(
        {
            "label": "待会审（会审报批）的申报",
            "count": n,
            "url": _call_url(calls, "reviews:meetings", "reviews:province_decision"),
        }
    )
    n, calls = _per_call(_proposed_without_notice())
    items.append(
        {
            "label": "会审通过、待发布公示的拟认定集群",
            "count": n,
            "url": _call_url(calls, "public:notice_create", "public:notice_manage"),
        }
    )
    published = Q(status=NoticeStatus.PUBLISHED)
    notices = Notice.objects.aggregate(
        open=Count("id", filter=published & Q(end_date__gte=today)),
        open_due=Min("end_date", filter=published & Q(end_date__gte=today)),
        ended=Count("id", filter=(published & Q(end_date__lt=today)) | Q(status=NoticeStatus.CLOSED)),
        one_ended=Min("id", filter=(published & Q(end_date__lt=today)) | Q(status=NoticeStatus.CLOSED)),
    )
    manage = reverse("public:notice_manage")
    items.append(
        {
            "label": "公示中的拟认定名单（受理异议）",
            "count": notices["open"],
            "url": manage,
            "deadline": notices["open_due"],
            "note": "公示期满后处理异议、公布名单",
        }
    )
    items.append(
        {
            "label": "公示期已满、待公布认定名单的公示",
            "count": notices["ended"],
            "url": reverse("public:publication_create", args=[notices["one_ended"]])
            if notices["ended"] == 1
            else manage,
        }
    )
    pending = Objection.objects.filter(status=ObjectionStatus.RECEIVED).count()
    items.append({"label": "待处理的异议", "count": pending, "url": manage})
    return items


def todos_for_user(user):
    if not (user.is_authenticated and user.is_active):
        return []
    if user.is_province:
        return province_todos(user)
    if user.role == Role.CITY:
        return city_todos(user)
    if user.role == Role.EXPERT:
        return expert_todos(user)
    return []
