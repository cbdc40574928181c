"""A certified cluster's monitoring page: certifications, reports, indicator trends and early warnings."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..constants import REPORTED_STATES
from .common import monitoring_required, page_of


@monitoring_required
@require_GET
def cluster_detail(request, pk):
    cluster = selectors.monitored_cluster_for_user(user=request.user, pk=pk)
    series = selectors.cluster_series(cluster)
    reports = page_of(request, selectors.cluster_reports_for_user(user=request.user, cluster=cluster))
    latest = cluster.annual_reports.filter(state__in=REPORTED_STATES).order_by("-report_year").first()
    return render(
        request,
        "monitoring/cluster_detail.html",
        {
            "cluster": cluster,
            "certifications": list(selectors.cluster_certifications(cluster)),
            "page": reports,
            "series": series,
            "chart": selectors.chart_data(series),
            "latest": latest,
        },
    )
