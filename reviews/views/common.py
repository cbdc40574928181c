"""Helpers shared by the reviews pages: the calls the province works on, the status code of a form page, and the
public pages' fragment caching, PDF responses and table rows.

Public pages are cached as template fragments holding only public data, keyed by what changes them; the page
frame around them (header with the visitor's name, CSRF tokens, large-text setting) is rendered per request.
cache_page would store one visitor's frame for everyone. Logged-in users always see fresh data.
"""

import hashlib
import uuid
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from clusters.constants import CallStatus
from clusters.models import Call, Certification
from clusters.models.certifications import PUBLIC_STATUS_LABELS, CertificationStatus

from ..documents import chinese_period
from ..selectors import notice_listed as listed  # noqa: F401 - the views call common.listed
from ..selectors import notice_phase as phase  # noqa: F401
from ..selectors import public_notices  # noqa: F401
from ..services.notices import NOTICE_WORKING_DAYS
from ..services.publication import REGISTRY_VERSION_KEY

STATUS_BADGES = {
    "pending": "text-bg-info",
    "valid": "text-bg-success",
    "expiring": "text-bg-warning",
    "expired": "text-bg-secondary",
    "revoked": "text-bg-danger",
}


# ---------------------------------------------------------------- staff pages


def published_calls():
    return Call.objects.filter(status=CallStatus.PUBLISHED).order_by("-year")


def call_or_404(pk) -> Call:
    return get_object_or_404(published_calls(), pk=pk)


def form_status(*forms_) -> int:
    """400 when any of the page's forms carries errors (a refused POST re-rendered), else 200."""
    return 400 if any(f is not None and f.errors for f in forms_) else 200


def attachment_response(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A document generated for this request (not stored): Excel workbooks, score sheets, public PDFs."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- public pages


def cache_seconds(request):
    """The fragment cache lifetime: anonymous visitors share cached fragments; signed-in users get fresh data."""
    if request.user.is_authenticated:
        return None
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def cached_pdf(key: str, build) -> bytes:
    """PDFs of public documents are rendered once per change: rendering costs a tenth of a second or more."""
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return data


def pdf_response(data: bytes, filename: str, *, download: bool) -> HttpResponse:
    return attachment_response(data, filename, "application/pdf", inline=not download)


def period_text(notice):
    return f"{chinese_period(notice.start_date, notice.end_date)}（{NOTICE_WORKING_DAYS}个工作日）"


def cluster_row(app):
    division = app.cluster.division
    return {
        "application": app,
        "name": app.cluster.name,
        "city": division.parent.name if division.parent_id else "",
        "county": division.name,
        "lead_industry": app.cluster.lead_industry,
    }


def registry_stamp() -> str:
    """What changes any certification's public row, in one query, plus the version publication resets."""
    version = cache.get_or_set(REGISTRY_VERSION_KEY, lambda: uuid.uuid4().hex, None)
    agg = Certification.objects.aggregate(
        n=Count("pk"),
        last=Max("pk"),
        revoked=Count("pk", filter=Q(status=CertificationStatus.REVOKED)),
        last_revoked=Max("revoked_at"),
        latest_to=Max("valid_to"),
        # The lifecycle's marks and renewals change public rows too.
        expiring=Count("pk", filter=Q(status=CertificationStatus.EXPIRING)),
        expired=Count("pk", filter=Q(status=CertificationStatus.EXPIRED)),
        renewals=Sum("renewals"),
    )
    raw = ":".join(str(agg[k]) for k in sorted(agg))
    # A key without spaces or colons from dates (memcached-safe); short and stable.
    return f"{version}-{hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]}"


def cert_row(cert, today):
    division = cert.cluster.division
    status = cert.public_status(today)
    return {
        "cert": cert,
        "cluster": cert.cluster,
        "city": division.parent.name if division.parent_id else "",
        "county": division.name,
        "status": status,
        "status_label": str(PUBLIC_STATUS_LABELS[status]),
        "badge": STATUS_BADGES[status],
    }
