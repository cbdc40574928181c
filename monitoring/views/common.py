"""Helpers shared by the monitoring views."""

import math

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import redirect

from accounts.decorators import role_required
from core.exceptions import ServiceError
from core.forms import message_service_error

from .. import permissions
from ..forms import AttachmentForm

PAGE_SIZE = 20

monitoring_required = role_required(permissions.may_use_monitoring)
province_only = role_required(permissions.is_province)
county_or_province = role_required(lambda u: permissions.is_county(u) or permissions.is_province(u))


def page_of(request, qs, size: int = PAGE_SIZE, param: str = "page"):
    return Paginator(qs, size).get_page(request.GET.get(param))


def counted_page(request, qs, size: int = PAGE_SIZE, param: str = "page"):
    """A page of `qs` and the list's total in one query (a window count beside the page's rows).

    Django's paginator counts first and then skips the fetch of an empty page, so a list costs one query while it
    is empty and two once it has rows: a page's query count would grow with the data. Here it is one query either
    way (a page number past the end costs a count and a second fetch, as it should be rare). `qs` may be a
    `.values()` queryset: its rows are dicts (with the total under "_window_total")."""
    try:
        number = max(1, int(request.GET.get(param, 1)))
    except (TypeError, ValueError):
        number = 1
    annotated = qs.annotate(_window_total=Window(Count("pk")))
    rows = list(annotated[(number - 1) * size : number * size])
    if rows:
        first = rows[0]
        total = first["_window_total"] if isinstance(first, dict) else first._window_total
    elif number > 1:
        total = qs.count()
        number = max(1, math.ceil(total / size))
        rows = list(annotated[(number - 1) * size : number * size])
    else:
        total = 0
    paginator = Paginator(qs, size)
    paginator.count = total  # a cached_property: the paginator never counts again
    return paginator._get_page(rows, number, paginator)


def is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def error_dict(errors) -> dict:
    return {k: [str(m) for m in v] for k, v in errors.items()}


def year_param(request, default: int) -> int:
    """The ?year= of a list page, or the default; a bad value falls back to the default."""
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def upload_then_redirect(request, upload, *, to: str, done: str):
    """A file posted with AttachmentForm and stored by the service `upload(uploaded_file=, description=)`; the
    outcome as a message ("{name}" in `done` is the file's name), then back to the page `to`."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(m for msgs in form.errors.values() for m in msgs))
        return redirect(to)
    try:
        item = upload(uploaded_file=form.cleaned_data["file"], description=form.cleaned_data.get("description", ""))
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, done.format(name=item.original_name))
    return redirect(to)


def act_then_redirect(request, action, *, to: str, done: str):
    """Run the service call `action()`; its refusal or `done` as a message, then back to the page `to`."""
    try:
        action()
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, done)
    return redirect(to)
