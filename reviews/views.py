from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clusters import permissions
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState
from clusters.models import Call
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES
from core.transitions import history_for

from . import selectors, services
from .constants import Tier
from .filters import ApplicationQueueFilter
from .forms import OpinionForm, RecommendationForm

S = ApplicationState
STATE_TIER = {S.COUNTY_REVIEW: Tier.COUNTY, S.CITY_REVIEW: Tier.CITY, S.FORMAL_REVIEW: Tier.FORMAL}
ROLE_WAITING = {"county": S.COUNTY_REVIEW, "city": S.CITY_REVIEW, "province": S.FORMAL_REVIEW}


def _reviewer_only(user):
    if not (user.is_province or user.role in ("county", "city")):
        raise Http404


@login_required
def queue(request):
    _reviewer_only(request.user)
    base = cluster_selectors.application_list_for_user(user=request.user)
    role = "province" if request.user.is_province else request.user.role
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = ROLE_WAITING[role]
    flt = ApplicationQueueFilter(data, queryset=base, user=request.user)
    page = Paginator(flt.qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    for app in page:
        app.days_waiting = (now - app.state_changed_at).days
    counts = cluster_selectors.application_state_counts(base)
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
        },
    )


@login_required
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
        suggestion = services.formal_checklist_suggestion(full) if tier == Tier.FORMAL else None
        form = OpinionForm(
            request.POST or None,
            results=results,
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
                    for field, errs in exc.errors.items():
                        for err in errs:
                            form.add_error(field if field in form.fields else None, err)
                    if not exc.errors:
                        form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已办理：{full.cluster.name}。")
                    return redirect("reviews:queue")
            else:
                messages.error(request, "请选择审核结论并补全必填内容。")
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


@login_required
def recommendation_list(request):
    if not (request.user.is_province or request.user.role == "city"):
        raise Http404
    recs = selectors.recommendation_list_for_user(user=request.user)
    open_calls = list(Call.objects.filter(status="published", city_deadline__gte=timezone.now()).order_by("-year"))
    return render(
        request,
        "reviews/recommendation_list.html",
        {"page": Paginator(recs, 20).get_page(request.GET.get("page")), "open_calls": open_calls},
    )


@login_required
def recommendation_create(request, call_pk):
    if request.user.role != "city":
        raise Http404
    call = get_object_or_404(Call, pk=call_pk, status="published")
    candidates = (
        cluster_selectors.application_list_for_user(user=request.user)
        .filter(call=call, state=S.CITY_REVIEW)
        .order_by("cluster__division_id", "cluster__name")
    )
    form = RecommendationForm(request.POST or None, candidates=candidates, initial={"doc_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_submit(
                call=call,
                actor=request.user,
                doc_number=form.cleaned_data["doc_number"],
                doc_date=form.cleaned_data["doc_date"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                application_ids=form.cleaned_data["applications"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            for field, errs in exc.errors.items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        else:
            messages.success(
                request,
                f"推荐文件 {rec.doc_number} 已报送省工业和信息化厅，{rec.applications.count()} 个申报进入形式审查。",
            )
            return redirect("reviews:recommendation_detail", pk=rec.pk)
    return render(
        request,
        "reviews/recommendation_form.html",
        {"form": form, "call": call, "deadline_passed": timezone.now() > call.city_deadline},
        status=400 if form.errors else 200,
    )


def _recommendation_for(request, pk):
    try:
        return selectors.recommendation_list_for_user(user=request.user).get(pk=pk)
    except Exception:  # noqa: BLE001 - DoesNotExist or a malformed id: 404 either way
        raise Http404 from None


@login_required
def recommendation_detail(request, pk):
    rec = _recommendation_for(request, pk)
    return render(
        request,
        "reviews/recommendation_detail.html",
        {"rec": rec, "rows": services.recommendation_rows(rec), "history": history_for(rec)},
    )


@login_required
def recommendation_pdf(request, pk):
    rec = _recommendation_for(request, pk)
    path = services.recommendation_pdf_path(rec)
    return FileResponse(
        path.open("rb"),
        filename=f"{rec.city.name}推荐文件-{rec.doc_number}.pdf",
        content_type="application/pdf",
        as_attachment=request.GET.get("inline") != "1",
    )


@login_required
def recommendation_xlsx(request, pk):
    rec = _recommendation_for(request, pk)
    response = HttpResponse(services.recommendation_xlsx(rec), content_type=CONTENT_TYPES["xlsx"])
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'{rec.city.name}推荐汇总表-{rec.doc_number}.xlsx')}"
    )
    return response
