"""Reads of the city's table and the province's overview."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone

from accounts.models import Division
from accounts.selectors import cities, jurisdiction_q

from ..constants import REPORTED_STATES, CitySubmissionState
from ..deadlines import Deadlines, deadlines_for, is_late
from ..models import FIGURE_FIELDS, AnnualReport, CitySubmission, ReportTargetProgress, RevocationCase
from .reports import eligible_certifications, plain, report_progress


def city_certifications(city_code: str, report_year: int):
    return (
        eligible_certifications(report_year)
        .filter(cluster__division__parent_id=city_code)
        .select_related("cluster__division", "cluster__owner")
        .order_by("cluster__division_id", "cluster__name", "pk")
    )


def city_table(city_code: str, report_year: int, deadlines: Deadlines | None = None) -> list[dict]:
    """One row per certified cluster of the city owing a report on the year (JSON-safe: frozen into the
    submission). Clusters whose report is not submitted are listed as missing."""
    deadlines = deadlines or deadlines_for(report_year)
    certs = list(city_certifications(city_code, report_year))
    reports = {
        r.cluster_id: r
        for r in AnnualReport.objects.filter(report_year=report_year, cluster_id__in=[c.cluster_id for c in certs])
        .select_related("certification")
        .prefetch_related(Prefetch("progress", queryset=ReportTargetProgress.objects.select_related("target")))
    }
    rows, seen = [], set()
    for cert in certs:
        if cert.cluster_id in seen:
            continue
        seen.add(cert.cluster_id)
        report = reports.get(cert.cluster_id)
        reported = report is not None and report.state in REPORTED_STATES
        row = {
            "no": len(rows) + 1,
            "cluster_id": cert.cluster_id,
            "cluster": cert.cluster.name,
            "county": cert.cluster.division.name,
            "lead_industry": cert.cluster.lead_industry,
            "owner": cert.cluster.owner.name,
            "certificate": cert.number,
            "report_id": report.pk if report else None,
            "state": report.state if report else "",
            "state_label": str(report.get_state_display()) if report else "未填报",
            "missing": not reported,
            "submitted_at": timezone.localtime(report.first_submitted_at).isoformat()
            if report and report.first_submitted_at
            else "",
            "late": bool(report and is_late(report.first_submitted_at, deadlines)),
            "figures": {n: plain(getattr(report, n)) if reported else "" for n in FIGURE_FIELDS},
            "plan": "",
            "flags": "",
        }
        if reported:
            progress = report_progress(report)
            judged = [p for p in progress if p.status in ("met", "missed")]
            if judged:
                row["plan"] = f"{sum(1 for p in judged if p.status == 'met')}/{len(judged)} 项达到"
            row["flags"] = "、".join(f"{f['code']} {f['title']}" for f in report.threshold_flags)
        rows.append(row)
    return rows


def city_submission_for(city_code: str, report_year: int) -> CitySubmission | None:
    return (
        CitySubmission.objects.filter(city_id=city_code, report_year=report_year)
        .select_related("city", "submitted_by")
        .prefetch_related("versions")
        .first()
    )


# ---------------------------------------------------------------- the province's overview


def province_city_counts(report_year: int) -> dict[str, dict]:
    """City code -> {"owing": clusters owing a report on the year, "reported": those of them whose report is
    submitted}: one grouped query (a cluster has one report a year)."""
    has_report = Exists(
        AnnualReport.objects.filter(
            cluster_id=OuterRef("cluster_id"), report_year=report_year, state__in=REPORTED_STATES
        )
    )
    rows = (
        eligible_certifications(report_year)
        .values("cluster__division__parent_id")
        .annotate(
            owing=Count("cluster_id", distinct=True), reported=Count("cluster_id", distinct=True, filter=has_report)
        )
        .order_by()
    )
    return {r["cluster__division__parent_id"]: {"owing": r["owing"], "reported": r["reported"]} for r in rows}


def province_city_status(
    report_year: int, today: datetime.date | None = None, deadlines: Deadlines | None = None, counts=None
) -> list[dict]:
    """Per city: clusters owing a report, reports submitted (`counts`, as `province_city_counts` has them: pass
    them from the cache), and the city's submission (on time, late, not yet, returned). A fixed number of
    queries."""
    today = today or timezone.localdate()
    deadlines = deadlines or deadlines_for(report_year)
    counts = province_city_counts(report_year) if counts is None else counts
    owing = {code: c["owing"] for code, c in counts.items()}
    reported = {code: c["reported"] for code, c in counts.items()}
    submissions = {s.city_id: s for s in CitySubmission.objects.filter(report_year=report_year)}
    rows = []
    for city in cities():
        sub = submissions.get(city.code)
        n_owing = owing.get(city.code, 0)
        if sub and sub.first_submitted_at:
            status = "late" if sub.first_submitted_at >= deadlines.city_due_end else "on_time"
        else:
            status = "overdue" if today > deadlines.city_due else "pending"
        rows.append(
            {
                "city": city,
                "owing": n_owing,
                "reported": reported.get(city.code, 0),
                "missing": n_owing - reported.get(city.code, 0),
                "submission": sub,
                "status": status,
                "status_label": {
                    "on_time": "按时报送",
                    "late": "逾期报送",
                    "overdue": "逾期未报送",
                    "pending": "尚未报送",
                }[status],
                "returned": bool(sub and sub.state == CitySubmissionState.RETURNED),
            }
        )
    return rows


def missing_certifications(report_year: int, *, user=None):
    """Certifications owing a report on the year whose report is not submitted (jurisdiction-scoped), as narrow
    rows: the certificate, its source, the cluster, its place and its owner."""
    reported = AnnualReport.objects.filter(report_year=report_year, state__in=REPORTED_STATES).values("cluster_id")
    # The place's names by subqueries, evaluated for the rows of the page only: joining the divisions made the
    # planner walk them in order, comparing each with every owing certification.
    county = Division.objects.filter(code=OuterRef("cluster__division_id"))
    qs = (
        eligible_certifications(report_year)
        .exclude(cluster_id__in=reported)
        .order_by("cluster__division_id", "cluster__name", "pk")
        .values("pk", "number", "source", "cluster_id", "cluster__name", "cluster__owner__name")
        .annotate(county=Subquery(county.values("name")), city=Subquery(county.values("parent__name")))
    )
    if user is not None:
        qs = qs.filter(jurisdiction_q(user, "cluster__division"))
    return qs


def early_warnings(report_year: int | None = None):
    """Reported reports whose figures fall below an Art. 6 threshold, newest year first."""
    qs = (
        AnnualReport.objects.filter(state__in=REPORTED_STATES, flag_count__gt=0)
        .select_related("cluster__division__parent", "certification")
        .order_by("-report_year", "cluster__division_id", "cluster__name")
    )
    if report_year:
        qs = qs.filter(report_year=report_year)
    return qs


def revocation_cases(*, ground: str = "", year=None, status: str = ""):
    qs = RevocationCase.objects.select_related("certification__cluster__division__parent", "proposed_by").order_by(
        "-created_at", "-id"
    )
    if ground:
        qs = qs.filter(ground=ground)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs
