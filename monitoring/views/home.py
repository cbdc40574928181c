"""The monitoring home of each role: the applicant's reports, the county's queue, the city's table, the province's
overview."""

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.constants import Role

from .. import permissions, selectors
from ..constants import ReportState
from ..deadlines import current_report_year, deadlines_for
from ..models import AnnualReport
from .common import counted_page, monitoring_required, page_of


@monitoring_required
def home(request):
    user = request.user
    today = timezone.localdate()
    year = current_report_year(today)
    if user.role == Role.APPLICANT:
        return _applicant(request, year, today)
    if permissions.is_county(user):
        return _county(request, year, today)
    if permissions.is_city(user):
        return redirect("monitoring:city_submission", code=user.division.code, year=year)
    if permissions.is_province(user):
        return redirect("monitoring:province_overview", year=year)
    raise Http404


def _applicant(request, year, today):
    deadlines = deadlines_for(year)
    certs = list(selectors.certifications_for_applicant(user=request.user))
    current = {
        r.cluster_id: r
        for r in AnnualReport.objects.filter(report_year=year, cluster_id__in=[c.cluster_id for c in certs])
    }
    rows = [
        {
            "certification": cert,
            "report": current.get(cert.cluster_id),
            "years": selectors.reportable_years(cert, today),
            "owes": not selectors.certification_refusal(cert, year, today),
        }
        for cert in certs
    ]
    reports = page_of(
        request, selectors.report_list_for_user(user=request.user).order_by("-report_year", "cluster__name")
    )
    return render(
        request,
        "monitoring/home_applicant.html",
        {"year": year, "deadlines": deadlines, "rows": rows, "page": reports, "today": today},
    )


def _county(request, year, today):
    """The county's queue and its clusters' reports on the year: one query each, whether empty or not (rows and
    totals together, each cluster's report as columns of its row)."""
    deadlines = deadlines_for(year)
    queue = counted_page(request, selectors.county_queue(user=request.user), param="qpage")
    reports = AnnualReport.objects.filter(cluster_id=OuterRef("cluster_id"), report_year=year).exclude(
        submission_count=0
    )
    certs = counted_page(
        request,
        selectors.eligible_certifications(year)
        .filter(cluster__division_id=request.user.division.code)
        .select_related("cluster__owner")
        .annotate(report_pk=Subquery(reports.values("pk")[:1]), report_state=Subquery(reports.values("state")[:1]))
        .order_by("cluster__name", "pk"),
    )
    rows = [
        {
            "certification": c,
            "report_pk": c.report_pk,
            "report_state": c.report_state,
            "report_label": ReportState(c.report_state).label if c.report_state else "",
        }
        for c in certs.object_list
    ]
    return render(
        request,
        "monitoring/home_county.html",
        {"year": year, "deadlines": deadlines, "queue": queue, "page": certs, "rows": rows, "today": today},
    )
