"""The public pages of the calls for applications and the case-progress lookup (no login)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from clusters import selectors
from clusters.progress_lookup import lookup
from core import clientip, throttle

from .common import threshold_rows


# Not cached with cache_page: the page carries the visitor's CSRF token, name and large-text setting, and
# cache_page would store it before the session middleware adds "Vary: Cookie" (one visitor's page for all).
@require_GET
def public_call_list(request):
    calls = selectors.call_list_public()
    return render(request, "clusters/public_call_list.html", {"calls": calls, "now": timezone.now()})


@require_GET
def public_call_detail(request, year):
    call = get_object_or_404(selectors.call_list_public().prefetch_related("requirements"), year=year)
    return render(request, "clusters/public_call_detail.html", {"call": call, "thresholds": threshold_rows(call)})


PROGRESS_LIMIT = 30  # lookups per client and hour: enough for a person, too few to guess codes
PROGRESS_WINDOW_SECONDS = 3600
NOT_FOUND = "未查到该申报：请核对申报编号和统一社会信用代码（18位，字母大写）。"


@never_cache
@require_http_methods(["GET", "POST"])
def progress_lookup(request):
    """办件进度查询 by application number and credit code (POST: the code stays out of URLs and logs)."""
    context = {"number": "", "credit_code": "", "progress": None, "error": ""}
    status = 200
    if request.method == "POST":
        number = (request.POST.get("number") or "").strip()[:20]
        code = (request.POST.get("credit_code") or "").strip()[:30]
        context.update(number=number, credit_code=code)
        try:
            allowed = throttle.allow(
                f"progress:{clientip.client_ip(request) or 'unknown'}",
                limit=PROGRESS_LIMIT,
                window_seconds=PROGRESS_WINDOW_SECONDS,
            )
        except throttle.ThrottleUnavailable:
            allowed, status = False, 503
            context["error"] = "系统繁忙，暂时无法查询，请稍后再试。"
        if not allowed and status != 503:
            status = 429
            context["error"] = "查询过于频繁，请一小时后再试。"
        elif allowed:
            if not number or not code:
                context["error"] = "请填写申报编号和统一社会信用代码。"
                status = 400
            else:
                context["progress"] = lookup(number, code)
                if context["progress"] is None:
                    context["error"] = NOT_FOUND
                    status = 404
    return render(request, "clusters/progress.html", context, status=status)
