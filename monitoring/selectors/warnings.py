"""Early warning (预警): certified clusters whose reported figures fall below an Art. 6 threshold, or whose 3-year plan
targets are behind schedule, with the rule and the figures."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from accounts.selectors import NOTHING, jurisdiction_q

from ..constants import REPORTED_STATES
from ..models import AnnualReport, ReportTargetProgress
from .reports import report_progress


def warning_rows(report_year: int, *, user) -> list[dict]:
    """One row per reported report of the year that the province should look at: the Art. 6 rules its figures fail
    (`threshold_flags`, set at submission by the eligibility engine with the thresholds of the certification's
    call) and the plan targets of that plan year it missed (`behind`: indicator, target, actual). Scoped to the
    user's jurisdiction; two queries whatever the number of reports (reports, their progress with targets)."""
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return []
    has_progress = Exists(ReportTargetProgress.objects.filter(report_id=OuterRef("pk")))
    reports = (
        AnnualReport.objects.filter(scope, report_year=report_year, state__in=REPORTED_STATES)
        .filter(Q(flag_count__gt=0) | Q(has_progress))
        .select_related("cluster__division__parent", "certification")
        .prefetch_related(
            Prefetch("progress", queryset=ReportTargetProgress.objects.select_related("target").order_by("target_id"))
        )
        .order_by("cluster__division__parent_id", "cluster__division_id", "cluster__name", "pk")
    )
    rows = []
    for report in reports:
        behind = [p for p in report_progress(report) if p.status == "missed"]
        if report.threshold_flags or behind:
            rows.append({"report": report, "flags": report.threshold_flags, "behind": behind})
    return rows
