"""The review tiers' pages: the queue of applications waiting for the user's tier, and the review page where the
county passes, the city returns or rejects (it recommends by document), and the province's formal review passes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import role_required
from clusters import permissions
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState
from core.excel import Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.pagination import IdFirstPaginator
from core.transitions import history_for

from .. import selectors, services
from ..constants import Tier
from ..filters import ApplicationQueueFilter, export_query, filters_applied
from ..forms.tiers import OpinionForm

S = ApplicationState
STATE_TIER = {S.COUNTY_REVIEW: Tier.COUNTY, S.CITY_REVIEW: Tier.CITY, S.FORMAL_REVIEW: Tier.FORMAL}
ROLE_WAITING = {"county": S.COUNTY_REVIEW, "city": S.CITY_REVIEW, "province": S.FORMAL_REVIEW}

reviewer_required = role_required(lambda user: user.is_province or user.role in ("county", "city"))


# What a queue row shows (queue.html): ordering and paging then move narrow rows, not every column of the
# application, its call, cluster and applicant (issue #17: wide rows sorted on disk on deep pages).
QUEUE_COLUMNS = (
    "state",
    "state_changed_at",
    "submission_count",
    "call__year",
    "call__status",  # a state field: django-fsm reads it when the call is built (deferred, a query per row)
    "cluster__name",
    "cluster__lead_industry",
    "cluster__division__name",
    "cluster__division__parent__name",
    "applicant__name",
)
# Filters other than the state: when none is given, the per-state counts already hold the page count.
NARROWING_FILTERS = ("call", "city", "county", "lead_industry", "q")


@reviewer_required
def queue(request):
    base = cluster_selectors.application_list_for_user(user=request.user)
    role = "province" if request.user.is_province else request.user.role
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = ROLE_WAITING[role]
    flt = ApplicationQueueFilter(data, queryset=base, user=request.user)
    if request.GET.get("format") == "xlsx":
        return _queue_xlsx(flt)
    qs = flt.qs.only(*QUEUE_COLUMNS)
    counts = cluster_selectors.application_state_counts(base)  # one GROUP BY for every state's tab
    paginator = IdFirstPaginator(qs, 25)  # deep pages order and skip ids, not joined rows
    if flt.form.is_valid() and not any(flt.form.cleaned_data.get(name) for name in NARROWING_FILTERS):
        state = flt.form.cleaned_data.get("state")
        paginator.count = counts.get(state, 0) if state else sum(counts.values())  # no COUNT(*) of its own
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    for app in page:
        app.days_waiting = (now - app.state_changed_at).days
    return render(
        request,
        "reviews/queue.html",
        {
            "filter": flt,
            "page": page,
            "state_counts": [
                (value, label, counts.get(value, 0))
                for value, label in S.choices
                if value != S.DRAFT or counts.get(value)
            ],
            "current_state": data.get("state", ""),
            "export_query": export_query(request),
        },
    )


QUEUE_EXPORT_COLUMNS = [
    Column("申报编号", 10, "int"),
    Column("集群名称", 30),
    Column("申报主体", 30),
    Column("设区市", 10),
    Column("县（市、区）", 12),
    Column("主导产业", 16),
    Column("申报年度", 10, "int"),
    Column("状态", 12),
    Column("曾被退回", 9),
    Column("最近提交时间", 18, "datetime"),
    Column("进入当前状态时间", 18, "datetime"),
    Column("已等待（天）", 12, "int"),
]


def _queue_xlsx(flt):
    """The whole filtered queue (every page), scoped and filtered exactly as the page, with the filters named."""
    now = timezone.now()
    rows = []
    for app in flt.qs.only(*QUEUE_COLUMNS, "submitted_at"):
        division = app.cluster.division
        rows.append(
            [
                app.pk,
                app.cluster.name,
                app.applicant.name,
                division.parent.name if division.parent_id else "",
                division.name,
                app.cluster.lead_industry,
                app.call.year,
                app.get_state_display(),
                app.state == S.DRAFT and app.submission_count > 0,
                app.submitted_at,
                app.state_changed_at,
                (now - app.state_changed_at).days,
            ]
        )
    sheet = Sheet("审核队列", QUEUE_EXPORT_COLUMNS, rows, title="审核队列", filters=filters_applied(flt.form))
    return xlsx_response(f"审核队列-{timezone.localdate():%Y%m%d}.xlsx", [sheet])


@reviewer_required
def review(request, pk):
    application = cluster_selectors.get_application_for_user(user=request.user, pk=pk)
    if not permissions.can_view_application(request.user, application):
        raise Http404
    full = cluster_selectors.application_with_sections(application.pk)
    results = cluster_selectors.evaluate_application(full)
    tier = STATE_TIER.get(full.state)
    can_act = tier is not None and permissions.can_review_application(request.user, full)
    form = None
    if can_act:
        # From the application loaded above: the service would load it again with every section.
        suggestion = selectors.formal_checklist_for(full) if tier == Tier.FORMAL else None
        form = OpinionForm(
            request.POST or None,
            rows=cluster_selectors.condition_rows(full, results),
            tier=tier,
            checklist_initial=suggestion,
            allow_pass=tier != Tier.CITY,
            initial={"expected_state": full.state},
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.review_decide(
                        application=full,
                        actor=request.user,
                        tier=tier,
                        decision=form.cleaned_data["decision"],
                        comment=form.cleaned_data["comment"],
                        conditions=form.conditions(),
                        checklist=form.checklist(),
                        expected_state=form.cleaned_data["expected_state"],
                    )
                except ServiceError as exc:
                    messages.error(request, exc.message)
                    apply_service_error(form, exc)
                else:
                    messages.success(request, f"已办理：{full.cluster.name}。")
                    return redirect("reviews:queue")
            else:
                messages.error(request, "审核结论未提交：请按提示对每项条件表态、补全必填内容。")
    elif request.method == "POST":
        messages.error(request, "该申报当前不在您的审核环节，操作未执行。")
    versions = list(full.versions.order_by("-number"))
    changes = []
    if len(versions) > 1:
        changes = cluster_selectors.diff_snapshots(versions[1].snapshot, versions[0].snapshot)
    return render(
        request,
        "reviews/review.html",
        {
            "application": full,
            "results": results,
            "form": form,
            "tier": tier,
            "history": history_for(full),
            "opinions": selectors.opinions_for(full),
            "versions": versions,
            "changes": changes,
        },
        status=400 if form is not None and form.errors else 200,
    )
