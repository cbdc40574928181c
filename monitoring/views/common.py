"""Helpers shared by the monitoring views."""

import math

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404

from accounts.decorators import role_required

from .. import permissions

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
    way (a page number past the end costs a count and a second fetch, as it should be rare)."""
    try:
        number = max(1, int(request.GET.get(param, 1)))
    except (TypeError, ValueError):
        number = 1
    annotated = qs.annotate(_window_total=Window(Count("pk")))
    rows = list(annotated[(number - 1) * size : number * size])
    if rows:
        total = rows[0]._window_total
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
