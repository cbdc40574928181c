"""Objections (异议, Art. 10): the public's objection form and its receipt (no login), and the staff's record that
a phone-only objector was told the result. Viewing the filer in full and handling an objection are on the
notice's management page (`notices.py`).

The form posts, then redirects to the receipt (POST → redirect → GET): reloading the receipt files nothing. The
receipt page answers only the browser that filed the objection (its session keeps the receipt numbers it was
given), so guessing a number shows nothing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import province_required
from core import clientip, throttle
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error

from .. import services
from ..forms.notices import ObjectionForm
from ..models import Objection
from . import common

OBJECTION_LIMIT = 5
OBJECTION_WINDOW_SECONDS = 3600
THROTTLED_MESSAGE = "提交过于频繁，请一小时后再试。"
UNAVAILABLE_MESSAGE = "系统繁忙，暂时无法受理异议，请稍后再试；您填写的内容未提交，可稍后重新提交。"
RECEIPTS_SESSION_KEY = "objection_receipts"
RECEIPTS_KEPT = 10


def _client_key(request) -> str:
    # The real client behind NUM_PROXIES trusted proxies (core.clientip): a forged X-Forwarded-For counts nothing.
    return f"objection:{clientip.client_ip(request) or 'unknown'}"


def _refuse(request, context, form, message, status):
    return render(
        request, "reviews/public/objection_form.html", {**context, "form": form, "throttled": message}, status=status
    )


def _context(notice, now):
    return {
        "notice": notice,
        "period": common.period_text(notice),
        "accepting": notice.accepting_objections(now),
        "phase": common.phase(notice, now)[0],
    }


def _remember_receipt(request, number: str) -> None:
    kept = [n for n in request.session.get(RECEIPTS_SESSION_KEY, []) if n != number]
    request.session[RECEIPTS_SESSION_KEY] = [*kept, number][-RECEIPTS_KEPT:]


@never_cache
def objection_form(request, pk):
    notice = get_object_or_404(common.public_notices().select_related("call"), pk=pk)
    applications = common.listed(notice)
    now = timezone.now()
    context = _context(notice, now)
    if request.method == "POST":
        # Accepted objections are counted per real client; when the counter cannot be read, nothing is accepted
        # (fail closed) rather than letting a flood through.
        try:
            filed = throttle.count(_client_key(request), window_seconds=OBJECTION_WINDOW_SECONDS)
        except throttle.ThrottleUnavailable:
            form = ObjectionForm(request.POST, applications=applications)
            return _refuse(request, context, form, UNAVAILABLE_MESSAGE, 503)
        if filed >= OBJECTION_LIMIT:
            form = ObjectionForm(request.POST, applications=applications)
            return _refuse(request, context, form, THROTTLED_MESSAGE, 429)
        form = ObjectionForm(request.POST, request.FILES, applications=applications)
        if not context["accepting"]:
            # The service owns the deadline; it refuses with the period in its message.
            try:
                services.objection_file(notice=notice, application_id=request.POST.get("application"), name="", now=now)
            except ServiceError as exc:
                return render(
                    request,
                    "reviews/public/objection_form.html",
                    {**context, "form": None, "refused": exc.message},
                    status=400,
                )
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.objection_file(
                    notice=notice,
                    application_id=data["application"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    content=data["content"],
                    files=data["files"],
                    now=now,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                try:
                    throttle.hit(_client_key(request), window_seconds=OBJECTION_WINDOW_SECONDS)
                except throttle.ThrottleUnavailable:
                    pass  # filed already: the objection stands; only the count for this client is lost
                _remember_receipt(request, objection.receipt_number)
                return redirect("public:objection_receipt", pk=notice.pk, number=objection.receipt_number)
        return render(
            request,
            "reviews/public/objection_form.html",
            {**context, "form": form, "had_files": bool(request.FILES)},
            status=400,
        )
    form = ObjectionForm(applications=applications) if context["accepting"] else None
    return render(request, "reviews/public/objection_form.html", {**context, "form": form})


@never_cache
@require_GET
def objection_receipt(request, pk, number):
    """The receipt of an objection this browser filed; 404 for any other number, filed or not."""
    if number not in request.session.get(RECEIPTS_SESSION_KEY, []):
        raise Http404
    notice = get_object_or_404(common.public_notices().select_related("call"), pk=pk)
    objection = get_object_or_404(
        Objection.objects.select_related("application__cluster"), notice=notice, receipt_number=number
    )
    return render(
        request,
        "reviews/public/objection_receipt.html",
        {
            **_context(notice, timezone.now()),
            "receipt_number": objection.receipt_number,
            "cluster_name": objection.application.cluster.name,
            "emailed": bool(objection.email),
            "submitted_at": objection.submitted_at,
        },
    )


@province_required
@require_POST
def objection_phoned(request, pk):
    """The staff record that they told a phone-only objector the result."""
    objection = get_object_or_404(Objection, pk=pk)
    try:
        services.objection_result_phoned(objection=objection, actor=request.user, note=request.POST.get("note", ""))
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"已记录：异议 {objection.receipt_number} 的处理结果已电话告知异议人。")
    return redirect(f"{reverse('public:notice_admin', args=[objection.notice_id])}#objection-{objection.pk}")
