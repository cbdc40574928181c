"""The monitoring home of each role: the applicant's reports, the county's queue, the city's table, the province's
overview."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.constants import Role

from .. import permissions, selectors
from ..deadlines import current_report_year, deadlines_for
from ..models import AnnualReport
from .common import monitoring_required, page_of


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
    deadlines = deadlines_for(year)
    queue = page_of(request, selectors.county_queue(user=request.user), param="qpage")
    certs = page_of(
        request,
        selectors.eligible_certifications(year)
        .filter(cluster__division_id=request.user.division.code)
        .select_related("cluster__owner")
        .order_by("cluster__name", "pk"),
    )
    reports = {
        r.cluster_id: r
        for r in AnnualReport.objects.filter(
            report_year=year, cluster_id__in=[c.cluster_id for c in certs.object_list]
        ).exclude(submission_count=0)
    }
    rows = [{"certification": c, "report": reports.get(c.cluster_id)} for c in certs.object_list]
    return render(
        request,
        "monitoring/home_county.html",
        {"year": year, "deadlines": deadlines, "queue": queue, "page": certs, "rows": rows, "today": today},
    )
