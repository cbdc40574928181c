"""The joint review (会审, Art. 10): a call's meetings (and a new one), and one meeting's page where each
application is decided and the meeting is closed into the proposed list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.decorators import province_required
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState, CallStatus
from core.exceptions import ServiceError
from core.forms import apply_service_error

from .. import ranking, selectors, services
from ..constants import JointDecisionChoice, MeetingStatus
from ..forms.joint_review import DecisionForm, MeetingForm
from ..models import JointReview, SiteCheck
from .common import call_or_404, form_status

S = ApplicationState


@province_required
def meetings(request, call_pk):
    call = call_or_404(call_pk)
    form = MeetingForm(initial={"meeting_date": timezone.localdate()})
    if request.method == "POST":
        form = MeetingForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    call=call,
                    actor=request.user,
                    meeting_date=d["meeting_date"],
                    attendees=d["attendees"],
                    minutes=d["minutes"],
                    files=d["files"],
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已创建会审会议（{meeting.meeting_date:%Y-%m-%d}）。")
                return redirect("reviews:meeting_detail", pk=meeting.pk)
        else:
            messages.error(request, "会议信息有误，请按提示修改。")
    qs = (
        JointReview.objects.filter(call=call)
        .select_related("created_by")
        .annotate(
            n_decisions=Count("decisions", distinct=True),
            n_approved=Count("decisions", filter=Q(decisions__decision=JointDecisionChoice.APPROVE), distinct=True),
        )
        .order_by("-meeting_date", "-pk")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    waiting = selectors.applications_in(call, S.JOINT_REVIEW).count()
    return render(
        request,
        "reviews/province/meetings.html",
        {"call": call, "form": form, "page": page, "waiting": waiting},
        status=form_status(form),
    )


@province_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        JointReview.objects.select_related("call", "created_by").prefetch_related("files"),
        pk=pk,
        call__status=CallStatus.PUBLISHED,
    )
    call = meeting.call
    is_open = meeting.status == MeetingStatus.OPEN
    row_forms, close_error, bad = {}, None, False
    if request.method == "POST":
        action = request.POST.get("action")
        if not is_open:
            messages.error(request, "会审已结束，不能修改。")
            bad = True
        elif action == "decide":
            row_forms = _post_decide(request, meeting)
            bad = bool(row_forms)
        elif action == "close":
            try:
                services.meeting_close(meeting=meeting, actor=request.user)
            except ServiceError as exc:
                messages.error(request, exc.message)
                close_error, bad = exc.message, True
            else:
                messages.success(request, "会审已结束，已形成拟认定名单。")
        else:
            messages.error(request, "未知的操作。")
            bad = True
        if not bad:
            return redirect("reviews:meeting_detail", pk=meeting.pk)
    decisions = {
        d.application_id: d
        for d in meeting.decisions.select_related("application__cluster__division__parent", "decided_by")
    }
    ranks = {r["application_id"]: r for r in ranking.cached_ranking(call)}
    rows = []
    if is_open:
        waiting = selectors.applications_in(call, S.JOINT_REVIEW).prefetch_related(
            Prefetch("site_checks", queryset=SiteCheck.objects.order_by("-recorded_at"), to_attr="checks")
        )
        for app in waiting:
            decision = decisions.get(app.pk)
            form = row_forms.get(app.pk)
            if form is None:
                initial = {"application": app.pk}
                if decision is not None:
                    initial.update({"decision": decision.decision, "reason": decision.reason})
                form = DecisionForm(initial=initial, auto_id=f"id_d{app.pk}_%s")
            rows.append({"application": app, "score": ranks.get(app.pk, {}), "decision": decision, "form": form})
        rows.sort(key=_rank_key)
    closed_rows = []
    if not is_open:
        for d in decisions.values():
            closed_rows.append({"application": d.application, "decision": d, "score": ranks.get(d.application_id, {})})
        closed_rows.sort(
            key=lambda r: (r["decision"].rank_raw is None, r["decision"].rank_raw or 0, r["application"].pk)
        )
    return render(
        request,
        "reviews/province/meeting_detail.html",
        {
            "meeting": meeting,
            "call": call,
            "is_open": is_open,
            "rows": rows,
            "closed_rows": closed_rows,
            "proposed": [r for r in closed_rows if r["decision"].decision == JointDecisionChoice.APPROVE],
            "undecided": sum(1 for r in rows if r["decision"] is None),
            # Applications of the call not yet in joint review are not part of this meeting's list.
            "elsewhere": cluster_selectors.application_state_counts(
                selectors.applications_in(call, S.SITE_CHECK) | selectors.applications_in(call, S.EXPERT_REVIEW)
            )
            if is_open
            else {},
            "close_error": close_error,
        },
        status=400 if bad else 200,
    )


def _rank_key(row):
    rank = row["score"].get("rank_raw") if row["score"] else None
    return (rank is None, rank or 0, row["application"].pk)


def _post_decide(request, meeting) -> dict:
    """{application pk: the bound form with its errors} on a refusal; {} when recorded."""
    app_pk = request.POST.get("application", "")
    application = None
    if app_pk.isdigit():
        application = selectors.applications_in(meeting.call, S.JOINT_REVIEW).filter(pk=int(app_pk)).first()
    if application is None:
        messages.error(request, "该申报不在本批次的会审环节。")
        return {0: None}  # nothing to show next to a row; the page still answers 400
    form = DecisionForm(request.POST, auto_id=f"id_d{application.pk}_%s")
    if not form.is_valid():
        messages.error(request, "请选择会审结论。")
        return {application.pk: form}
    try:
        services.meeting_decide(
            meeting=meeting,
            application=application,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("reason", exc.message)
        return {application.pk: form}
    messages.success(request, f"已记录对 {application.cluster.name} 的会审结论。")
    return {}
