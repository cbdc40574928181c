"""The assignment page of a call: manual assignment with an expert picker whose candidates are loaded on demand,
revocation and automatic assignment.

The page carries no list of the pool: each application's picker asks `assignment_candidates` (htmx, as the
user types) for the experts who may review that application — active, not already on it, clear of every conflict
rule and under their cap — best speciality match first. Without JavaScript an expert's number or full name is
typed and resolved on the server, which checks every rule again (`services.expert_assign`)."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import province_required
from clusters.constants import ApplicationState
from clusters.models import Application
from core.exceptions import ServiceError
from core.forms import apply_service_error

from .. import selectors, services
from ..constants import AssignmentStatus, SheetStatus
from ..forms.experts import AssignForm, AutoAssignForm, UnassignForm, expert_choice_label
from ..models import Assignment, ExpertProfile
from .common import call_or_404

S = ApplicationState
ROWS_PER_PAGE = 10
CANDIDATES_SHOWN = 20
QUERY_MAX_LENGTH = 50
ASSIGNMENT_COLUMNS = (
    "pk",
    "application_id",
    "method",
    "assigned_at",
    "no_conflict_declared_at",
    "expert__user__full_name",
    "expert__user__username",
    "expert__user__organisation__name",
    "expert__city__name",
    "sheet__status",
    "sheet__weighted_total",
)
METHODS = dict(Assignment._meta.get_field("method").flatchoices)
APPLICATION_COLUMNS = (
    "id",
    "call_id",
    "state",
    "cluster__name",
    "cluster__lead_industry",
    "cluster__division__name",
    "cluster__division__parent__name",
    "applicant__name",
)


@province_required
def assignments(request, call_pk):
    call = call_or_404(call_pk)
    assign_forms, unassign_forms, report = {}, {}, None
    auto_form = AutoAssignForm(initial={"per_application": call.experts_per_application})
    bad = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign":
            assign_forms = _post_assign(request, call)
        elif action == "unassign":
            unassign_forms = _post_unassign(request, call)
        elif action == "auto":
            auto_form = AutoAssignForm(request.POST)
            if auto_form.is_valid():
                try:
                    result = services.auto_assign(
                        call=call, actor=request.user, per_application=auto_form.cleaned_data["per_application"]
                    )
                except ServiceError as exc:
                    apply_service_error(auto_form, exc)
                    messages.error(request, exc.message)
                else:
                    report = _auto_report(result)
                    n = sum(len(names) for _pk, _name, names in report["assigned"])
                    messages.success(request, f"自动分配完成：新分配 {n} 人次。")
            else:
                messages.error(request, "请填写 1 至 15 的专家人数。")
        else:
            messages.error(request, "未知的操作。")
            bad = True
        bad = bad or bool(auto_form.errors) or bool(assign_forms) or bool(unassign_forms)
        if not bad and report is None:
            return redirect(request.get_full_path())

    # Only the columns the rows show: the applications' wide columns stay in the database, and the page's
    # assignments come as plain values in one query (a page holds ~50; model instances cost more than the rows).
    apps = selectors.applications_in(call, S.EXPERT_REVIEW).only(*APPLICATION_COLUMNS)
    page = Paginator(apps, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    by_app: dict[int, list[dict]] = {app.pk: [] for app in page}
    for a in (
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE, application_id__in=list(by_app))
        .order_by("assigned_at", "pk")
        .values(*ASSIGNMENT_COLUMNS)
    ):
        by_app[a["application_id"]].append(_assignment_row(a, unassign_forms.get(a["pk"])))
    rows = [
        {
            "application": app,
            "assignments": by_app[app.pk],
            "assign_form": assign_forms.get(app.pk),
            "missing": max(0, call.experts_per_application - len(by_app[app.pk])),
        }
        for app in page
    ]
    return render(
        request,
        "reviews/province/assignments.html",
        {"call": call, "page": page, "rows": rows, "auto_form": auto_form, "report": report},
        status=400 if bad else 200,
    )


def _assignment_row(a: dict, form) -> dict:
    """What a row shows of an assignment (ASSIGNMENT_COLUMNS), ready to print. Only a refused revocation carries
    a form (its typed reason and error); the others are plain markup."""
    return {
        "pk": a["pk"],
        "name": a["expert__user__full_name"] or a["expert__user__username"],
        "where": f"{a['expert__city__name']} · {a['expert__user__organisation__name'] or '未填写单位'}",
        "method": str(METHODS.get(a["method"], a["method"])),
        "assigned_at": _local(a["assigned_at"]),
        "declared_at": _local(a["no_conflict_declared_at"]),
        "sheet": str(SheetStatus(a["sheet__status"]).label) if a["sheet__status"] else "",
        "submitted": a["sheet__status"] == SheetStatus.SUBMITTED,
        "total": a["sheet__weighted_total"],
        "form": form,
    }


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@province_required
def assignment_candidates(request, call_pk):
    """The picker's options (an htmx fragment of <option>s): with `application`, the experts who may review it
    (every conflict rule applied, best speciality match, then lightest load); without, the pool by name. `expert`
    (what has been typed) narrows by name, city, employer or keyword."""
    call = call_or_404(call_pk)
    typed = (request.GET.get("expert") or "").strip()[:QUERY_MAX_LENGTH]
    if _PICKER_NUMBER_RE.search(typed):  # a complete picker value: narrow by the name before it
        typed = typed.split("（", 1)[0].strip()
    application = None
    app_pk = request.GET.get("application", "")
    if app_pk:
        application = (
            selectors.applications_in(call, S.EXPERT_REVIEW)
            .select_related("applicant")
            .prefetch_related("cluster__tags")
            .filter(pk=int(app_pk) if app_pk.isdigit() else 0)
            .first()
        )
        if application is None:
            return render(request, "reviews/province/_expert_options.html", {"options": []}, status=404)
    experts = selectors.expert_pool().filter(active=True).prefetch_related("conflicts")
    if typed:
        experts = experts.filter(
            Q(user__full_name__icontains=typed)
            | Q(user__username__icontains=typed)
            | Q(city__name__icontains=typed)
            | Q(user__organisation__name__icontains=typed)
            | Q(keywords__icontains=typed)
        )
    load = services.call_expert_loads(call)
    experts = list(experts.order_by("user__full_name", "pk"))
    for e in experts:
        e.call_load = load.get(e.pk, 0)  # shown in the label
    if application is not None:
        on_it = set(application.assignments.filter(status=AssignmentStatus.ACTIVE).values_list("expert_id", flat=True))
        experts = list(services.ranked_candidates(application, experts, load=load, exclude=on_it))
    options = [_picker_value(e) for e in experts[:CANDIDATES_SHOWN]]
    return render(
        request,
        "reviews/province/_expert_options.html",
        {"options": options, "more": max(0, len(experts) - CANDIDATES_SHOWN)},
    )


PICKER_NUMBER = "编号"
_PICKER_NUMBER_RE = re.compile(rf"{PICKER_NUMBER}\s*(\d+)")


def _picker_value(profile) -> str:
    """What the picker offers and sends back for an expert: their label, ending with the profile's number (which
    is all the server reads, so the name and the load may be out of date by the time the form is posted)."""
    return f"{expert_choice_label(profile)} {PICKER_NUMBER} {profile.pk}"


def _picked_expert(raw: str) -> str:
    """The expert's id in what the picker posted: a bare id, a picker value ending in "编号 <id>", or a name
    typed in full that only one active expert has. Anything else is returned as typed, for the form to refuse."""
    raw = (raw or "").strip()
    if raw.isdigit():
        return raw
    found = _PICKER_NUMBER_RE.findall(raw)
    if found:
        return found[-1]
    if not raw or len(raw) > QUERY_MAX_LENGTH:
        return raw
    named = list(
        ExpertProfile.objects.filter(active=True)
        .filter(Q(user__full_name=raw) | Q(user__full_name="", user__username=raw))
        .values_list("pk", flat=True)[:2]
    )
    return str(named[0]) if len(named) == 1 else raw


def _post_assign(request, call) -> dict:
    """{application pk: the bound form with its errors} on a refusal; {} when assigned."""
    app_pk = request.POST.get("application", "")
    application = None
    if app_pk.isdigit():
        application = selectors.applications_in(call, S.EXPERT_REVIEW).filter(pk=int(app_pk)).first()
    if application is None:
        messages.error(request, "该申报不在本批次的专家评审环节，未分配。")
        return {0: None}  # nothing to show next to a row; the page still answers 400
    data = request.POST.copy()
    typed = data.get("expert", "")
    data["expert"] = picked = _picked_expert(typed)
    pool = selectors.expert_pool().filter(active=True)
    expert = pool.filter(pk=int(picked)).first() if picked.isdigit() and len(picked) < 10 else None
    choices = [(expert.pk, "")] if expert else []
    form = AssignForm(data, expert_choices=choices, auto_id=f"id_a{application.pk}_%s")
    form.typed = typed  # shown again in the row's picker, as the user left it
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return {application.pk: form}
    try:
        services.expert_assign(application=application, expert=expert, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("expert", exc.message)
        return {application.pk: form}
    messages.success(request, f"已分配 {expert} 评审 {application.cluster.name}。")
    return {}


def _post_unassign(request, call) -> dict:
    pk = request.POST.get("assignment", "")
    assignment = None
    if pk.isdigit():
        assignment = (
            Assignment.objects.filter(pk=int(pk), application__call=call)
            .select_related("expert__user", "application__cluster")
            .first()
        )
    if assignment is None:
        raise Http404
    form = UnassignForm(request.POST, auto_id=f"id_u{assignment.pk}_%s")
    if not form.is_valid():
        messages.error(request, "请填写撤销原因。")
        return {assignment.pk: form}
    try:
        services.expert_unassign(assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("reason", exc.message)
        return {assignment.pk: form}
    messages.success(request, f"已撤销 {assignment.expert} 对 {assignment.application.cluster.name} 的评审分配。")
    return {}


def _auto_report(report):
    ids = set(report["assigned"]) | set(report["shortfalls"])
    names = dict(Application.objects.filter(pk__in=ids).values_list("pk", "cluster__name"))
    return {
        "assigned": [(pk, names.get(pk, pk), experts) for pk, experts in sorted(report["assigned"].items())],
        "shortfalls": [(pk, names.get(pk, pk), n) for pk, n in sorted(report["shortfalls"].items())],
    }
