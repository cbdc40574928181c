"""The public pages of the calls for applications (no login)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clusters import selectors

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
