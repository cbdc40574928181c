"""Helpers shared by the monitoring views."""

from django.core.paginator import Paginator
from django.http import Http404

from accounts.decorators import role_required

from .. import permissions

PAGE_SIZE = 20

monitoring_required = role_required(permissions.may_use_monitoring)
province_only = role_required(permissions.is_province)
county_or_province = role_required(lambda u: permissions.is_county(u) or permissions.is_province(u))


def page_of(request, qs, size: int = PAGE_SIZE, param: str = "page"):
    return Paginator(qs, size).get_page(request.GET.get(param))


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
