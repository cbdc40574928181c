"""The city's recommendation documents: the list (city and province), the form that submits one, its page, its
stored PDF and its summary table in Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.decorators import role_required
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState
from clusters.models import Call
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES
from core.forms import apply_service_error
from core.storage import serve
from core.transitions import history_for

from .. import selectors, services
from ..forms.recommendations import RecommendationForm
from .common import attachment_response

S = ApplicationState


@role_required(lambda user: user.is_province or user.role == "city")
def recommendation_list(request):
    # The number of applications counted by the database (not every application loaded to count it).
    recs = (
        selectors.recommendation_list_for_user(user=request.user)
        .annotate(n_applications=Count("applications"))
        .order_by("-created_at", "-pk")
    )
    open_calls = list(Call.objects.filter(status="published", city_deadline__gte=timezone.now()).order_by("-year"))
    return render(
        request,
        "reviews/recommendation_list.html",
        {"page": Paginator(recs, 20).get_page(request.GET.get("page")), "open_calls": open_calls},
    )


@role_required(lambda user: user.role == "city")
def recommendation_create(request, call_pk):
    """Validate → preview the letter and its summary table (the values in hidden fields) → confirm. The step that
    cannot be undone comes only after every problem has been shown and the document itself has been seen."""
    call = get_object_or_404(Call, pk=call_pk, status="published")
    candidates = (
        cluster_selectors.application_list_for_user(user=request.user)
        .filter(call=call, state=S.CITY_REVIEW)
        .order_by("cluster__division_id", "cluster__name")
    )
    form = RecommendationForm(request.POST or None, candidates=candidates, initial={"doc_date": timezone.localdate()})
    context = {"form": form, "call": call, "deadline_passed": timezone.now() > call.city_deadline}
    if request.method == "POST" and request.POST.get("action") == "edit":
        return render(request, "reviews/recommendation_form.html", context)  # back from the preview, values kept
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = {
            "doc_number": d["doc_number"],
            "doc_date": d["doc_date"],
            "application_ids": d["applications"],
        }
        try:
            if request.POST.get("action") == "confirm":
                rec = services.recommendation_submit(
                    call=call, actor=request.user, title=d["title"], body=d["body"], **values
                )
            else:
                apps = services.recommendation_check(call=call, actor=request.user, **values)
        except ServiceError as exc:
            messages.error(request, exc.message)
            apply_service_error(form, exc)
        else:
            if request.POST.get("action") == "confirm":
                messages.success(
                    request,
                    f"推荐文件 {rec.doc_number} 已报送省工业和信息化厅，{rec.applications.count()} 个申报进入形式审查。",
                )
                return redirect("reviews:recommendation_detail", pk=rec.pk)
            return render(
                request,
                "reviews/recommendation_preview.html",
                {
                    **context,
                    "title": d["title"] or services.default_title(call),
                    "rows": services.summary_rows(apps),
                    "authority": f"{request.user.division.name}工业和信息化局",
                },
            )
    return render(request, "reviews/recommendation_form.html", context, status=400 if form.errors else 200)


def _recommendation_for(request, pk):
    """The document if the user may see it (the selector is the predicate: its city, or the province), else 404."""
    try:
        # The summary rows are read by their own query: prefetching the applications would only load them twice.
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
    return serve(
        services.recommendation_pdf(rec),
        filename=f"{rec.city.name}推荐文件-{rec.doc_number}.pdf",
        file_type="pdf",
        inline=request.GET.get("inline") == "1",
    )


@login_required
def recommendation_xlsx(request, pk):
    rec = _recommendation_for(request, pk)
    return attachment_response(
        services.recommendation_xlsx(rec), f"{rec.city.name}推荐汇总表-{rec.doc_number}.xlsx", CONTENT_TYPES["xlsx"]
    )
