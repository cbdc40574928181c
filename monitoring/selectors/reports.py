"""Reads of reports: who owes one, what each user may see, the figures beside earlier years, the series."""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import NOTHING, jurisdiction_q
from clusters import eligibility
from clusters import permissions as cluster_permissions
from clusters.models import Certification, Cluster, YearData

from .. import indicators
from ..constants import REPORTED_STATES, ReportState
from ..models import (
    FIGURE_FIELDS,
    AnnualReport,
    ReportAttachment,
    ReportTargetProgress,
)
from ..permissions import ACTIVE_CERTIFICATION_STATES, can_view_cluster_monitoring

R = ReportState


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


# ---------------------------------------------------------------- who owes a report


def eligible_certifications(report_year: int):
    """Certifications that owe a report on `report_year`: valid or expiring, and in force during that year."""
    return Certification.objects.filter(
        status__in=ACTIVE_CERTIFICATION_STATES,
        valid_from__lte=year_end(report_year),
        valid_to__gte=datetime.date(report_year, 1, 1),
    )


def certification_refusal(certification, report_year: int, today: datetime.date | None = None) -> str:
    """Why `certification` cannot report on `report_year` (a Chinese sentence), or "" when it can."""
    today = today or timezone.localdate()
    if certification.status not in ACTIVE_CERTIFICATION_STATES:
        return f"该集群的认定状态为“{certification.get_status_display()}”，无需报送年度发展报告。"
    if report_year >= today.year:
        return f"{report_year}年度尚未结束，年度发展报告于{report_year + 1}年报送。"
    if certification.valid_from > year_end(report_year):
        return (
            f"该集群于{certification.valid_from:%Y年%m月%d日}起认定，{report_year}年度不在认定有效期内，"
            "无需报送该年度的发展报告。"
        )
    if certification.valid_to < datetime.date(report_year, 1, 1):
        return f"该集群的认定已于{certification.valid_to:%Y年%m月%d日}届满，{report_year}年度不在认定有效期内。"
    return ""


def reportable_years(certification, today: datetime.date | None = None) -> list[int]:
    """The years this certification may report on, newest first (at most the last three)."""
    today = today or timezone.localdate()
    first = max(certification.valid_from.year, today.year - 3)
    return [y for y in range(today.year - 1, first - 1, -1) if not certification_refusal(certification, y, today)]


# ---------------------------------------------------------------- reports visible to a user


def report_list_for_user(*, user):
    qs = AnnualReport.objects.select_related("cluster__division__parent", "certification")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(cluster__owner_id=user.organisation_id) if user.organisation_id else qs.none()
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return qs.none()
    return qs.filter(scope).exclude(submission_count=0)


def get_report_for_user(*, user, pk) -> AnnualReport:
    try:
        return report_list_for_user(user=user).get(pk=pk)
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise Http404("报告不存在") from None


def report_with_sections(pk) -> AnnualReport:
    """One report with everything its pages show, in a fixed number of queries."""
    return (
        AnnualReport.objects.select_related(
            "cluster__division__parent", "cluster__owner", "certification__call", "certification__application"
        )
        .prefetch_related(
            Prefetch("progress", queryset=ReportTargetProgress.objects.select_related("target").order_by("target_id")),
            Prefetch(
                "attachments",
                queryset=ReportAttachment.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id"),
                to_attr="active_attachments",
            ),
            "versions",
        )
        .get(pk=pk)
    )


def active_attachments(report):
    return report.attachments.filter(removed_at__isnull=True)


def _values(obj) -> dict:
    return {name: getattr(obj, name) for name in FIGURE_FIELDS}


def previous_figures(report) -> tuple[dict | None, str]:
    """The previous year's figures of the cluster (its reported report, else the certified application's data),
    and where they come from."""
    prev = (
        AnnualReport.objects.filter(cluster_id=report.cluster_id, report_year=report.report_year - 1)
        .filter(state__in=REPORTED_STATES)
        .first()
    )
    if prev is not None:
        return _values(prev), "上年度报告"
    if report.certification.application_id:
        row = YearData.objects.filter(
            application_id=report.certification.application_id, year=report.report_year - 1
        ).first()
        if row is not None:
            return _values(row), "认定申报数据"
    return None, ""


def figure_rows(report) -> list[dict]:
    """The report's figures beside the previous year's (report or application), for the reviewer."""
    previous, source = previous_figures(report)
    rows = []
    for name in FIGURE_FIELDS:
        now, before = getattr(report, name), (previous or {}).get(name)
        change = None
        if now is not None and before not in (None, 0):
            change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
            change = change.quantize(Decimal("0.1"))
        rows.append({"label": indicators.figure_label(name), "value": now, "previous": before, "change": change})
    return [{**r, "source": source} for r in rows]


def report_warnings(report) -> list[dict]:
    previous, source = previous_figures(report)
    return indicators.contradiction_warnings(
        report.figures(), previous, year=report.report_year, previous_source=source
    )


def report_progress(report) -> list[indicators.TargetProgress]:
    """The plan targets with the year's actual values and met/missed (progress rows prefetched with targets)."""
    n = indicators.plan_year(
        report.certification.year if report.certification.application_id else None, report.report_year
    )
    return [indicators.target_progress(p.target, p.actual, p.note, n) for p in report.progress.all()]


def thresholds_for(certification) -> eligibility.Thresholds:
    """The thresholds of the call the cluster was certified in; the defaults for imported certifications."""
    if certification.call_id:
        try:
            return certification.call.get_thresholds()
        except ValueError:
            pass
    return eligibility.Thresholds()


# ---------------------------------------------------------------- series (trends)


def cluster_series(cluster, *, include_report=None) -> dict[int, dict]:
    """Year -> {figures..., "source": ...}: the certified applications' Y-4..Y-1 data, then every reported year
    (a reported report wins over application data of the same year). `include_report` adds a draft in progress."""
    series: dict[int, dict] = {}
    application_ids = list(
        Certification.objects.filter(cluster=cluster, application__isnull=False)
        .order_by("valid_from")
        .values_list("application_id", flat=True)
    )
    for row in YearData.objects.filter(application_id__in=application_ids).order_by("application_id", "year"):
        series[row.year] = {**_values(row), "source": "认定申报"}
    for report in AnnualReport.objects.filter(cluster=cluster, state__in=REPORTED_STATES).order_by("report_year"):
        series[report.report_year] = {**report.figures(), "source": "年度报告"}
    if include_report is not None and include_report.report_year not in series:
        series[include_report.report_year] = {**include_report.figures(), "source": "本报告"}
    return dict(sorted(series.items()))


def chart_data(series: dict[int, dict]) -> dict:
    """JSON-safe data for the trends charts (ECharts): years and one list per indicator, null where missing."""
    years = list(series)

    def values(name):
        out = []
        for y in years:
            v = series[y].get(name)
            out.append(None if v is None else float(v))
        return out

    return {
        "years": [str(y) for y in years],
        "sources": [series[y].get("source", "") for y in years],
        "groups": [
            {
                "title": "产值与研发经费（万元）",
                "series": [
                    {"name": indicators.figure_label(n), "data": values(n)}
                    for n in ("total_output", "sme_output", "lead_output", "sme_rnd")
                ],
            },
            {
                "title": "有效发明专利（件）",
                "series": [{"name": indicators.figure_label("invention_patents"), "data": values("invention_patents")}],
            },
            {
                "title": "从业人员（人）",
                "series": [{"name": indicators.figure_label("employees"), "data": values("employees")}],
            },
            {
                "title": "二氧化碳排放强度（吨/万元）",
                "series": [{"name": indicators.figure_label("co2_intensity"), "data": values("co2_intensity")}],
            },
        ],
    }


# ---------------------------------------------------------------- applicant and county


def certifications_for_applicant(*, user):
    """The user's organisation's active certifications, with their clusters."""
    if not (user.is_authenticated and user.role == Role.APPLICANT and user.organisation_id):
        return Certification.objects.none()
    return (
        Certification.objects.filter(cluster__owner_id=user.organisation_id, status__in=ACTIVE_CERTIFICATION_STATES)
        .select_related("cluster__division__parent")
        .order_by("cluster__name", "pk")
    )


def county_queue(*, user):
    """Reports waiting for the county's verification."""
    return report_list_for_user(user=user).filter(state=R.SUBMITTED).order_by("submitted_at", "pk")


def cluster_certifications(cluster):
    return Certification.objects.filter(cluster=cluster).order_by("-valid_from")


def monitored_cluster_for_user(*, user, pk) -> Cluster:
    """A certified cluster the user may see; 404 otherwise (including clusters never certified)."""
    cluster = (
        Cluster.objects.select_related("division__parent", "owner").filter(pk=pk, certifications__isnull=False).first()
    )
    if cluster is None or not can_view_cluster_monitoring(user, cluster):
        raise Http404("集群不存在")
    return cluster


def cluster_reports_for_user(*, user, cluster):
    qs = AnnualReport.objects.filter(cluster=cluster).order_by("-report_year")
    if not cluster_permissions.owns(user, cluster):
        qs = qs.exclude(submission_count=0)
    return qs


def plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)


def report_counts_for_applicant(*, user) -> dict:
    return report_list_for_user(user=user).aggregate(
        returned=Count("id", filter=Q(state=R.RETURNED)), drafts=Count("id", filter=Q(state=R.DRAFT))
    )
