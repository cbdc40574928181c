"""A certified cluster's monitoring page: its certification, annual reports, re-review, change reports and any
revocation case in one timeline (from the transition log), the indicator trends and early warnings."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clusters import permissions as cluster_permissions

from .. import permissions, selectors
from ..constants import REPORTED_STATES
from ..forms import ChangeStartForm, KeySupportForm
from ..models import KeySupport, RecommendationItem
from ..policy import policy_for, rereview_closes
from .common import monitoring_required, page_of


@monitoring_required
@require_GET
def cluster_detail(request, pk):
    cluster = selectors.monitored_cluster_for_user(user=request.user, pk=pk)
    user = request.user
    series = selectors.cluster_series(cluster)
    reports = page_of(request, selectors.cluster_reports_for_user(user=user, cluster=cluster))
    latest = cluster.annual_reports.filter(state__in=REPORTED_STATES).order_by("-report_year").first()
    certifications = list(selectors.cluster_certifications(cluster))
    lifecycle = selectors.cluster_lifecycle(user=user, cluster=cluster)
    current = certifications[0] if certifications else None
    policy = policy_for(timezone.localdate().year)
    can_apply = (
        current is not None
        and not lifecycle["open_rereview"]
        and permissions.can_start_rereview(user, current)
        and not selectors.rereview_refusal(current)
    )
    return render(
        request,
        "monitoring/cluster_detail.html",
        {
            "cluster": cluster,
            "certifications": certifications,
            "current": current,
            "closes": rereview_closes(current.valid_to, policy) if current else None,
            "page": reports,
            "series": series,
            "chart": selectors.chart_data(series),
            "latest": latest,
            "timeline": selectors.cluster_timeline(user=user, cluster=cluster, lifecycle=lifecycle),
            "can_apply_rereview": can_apply,
            "can_report_change": permissions.can_start_change_report(user, cluster)
            and not lifecycle["open_change"]
            and current is not None
            and current.status != "revoked",
            "change_form": ChangeStartForm(),
            "is_province": permissions.is_province(user),
            # Art. 13: the province's key support (every mark, unmarked ones too) and national recommendations.
            "key_supports": list(
                KeySupport.objects.filter(cluster=cluster).select_related("marked_by").order_by("-year", "-marked_at")
            ),
            "recommended": list(
                RecommendationItem.objects.filter(cluster=cluster, removed_at__isnull=True)
                .select_related("recommendation")
                .order_by("-recommendation__year")
            ),
            "show_reasons": not cluster_permissions.owns(user, cluster),
            "support_form": _support_form(user, current),
            **lifecycle,
        },
    )


def _support_form(user, current):
    """Province staff mark the cluster for key support from its page (its certification in force)."""
    if not permissions.can_manage_programme(user) or current is None:
        return None
    if current.status not in permissions.ACTIVE_CERTIFICATION_STATES:
        return None
    form = KeySupportForm(
        certifications=selectors.certifications_in_force().filter(pk=current.pk),
        initial={"certification": current.pk, "year": timezone.localdate().year},
    )
    form.fields["certification"].widget = form.fields["certification"].hidden_widget()
    return form
