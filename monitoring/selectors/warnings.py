"""Early warning (预警): certified clusters whose reported figures fall below an Art. 6 threshold, or whose 3-year plan
targets are behind schedule, with the rule and the figures.

Which reports warn is decided in the database (`warning_reports`): a report is flagged at submission
(`flag_count`, set with `threshold_flags` by the eligibility engine), and a plan target is missed by the rule of
`indicators.target_progress`, written in SQL by `missed_progress`. So the number of warnings is one COUNT query and
the list is read a page at a time as narrow rows; `warning_rows` then adds the flags and the missed targets of just
those rows. The pages read the year's warnings through a cached index (`selectors.figures.warning_index`: which
reports warn and the targets they missed, `indexed_*` here); the Excel export computes them afresh."""

from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from accounts.selectors import NOTHING, jurisdiction_q

from .. import indicators
from ..constants import REPORTED_STATES, ReportState
from ..models import AnnualReport, ReportTargetProgress

# The narrow columns of a warning row (the list, its export); the place's names are added by `_as_rows`.
ROW_FIELDS = ("pk", "cluster_id", "cluster__name", "report_year", "state", "threshold_flags")


def _as_rows(reports):
    """`reports` as narrow rows (ROW_FIELDS, the county's and the city's names as "county" and "city"), in the
    list's order (city, county, cluster). The city's code is ordered on through Coalesce (a county always has
    one): on the bare column the planner walked the divisions in their index order, comparing each with every
    report (4 ms instead of 1)."""
    city_code = Coalesce("cluster__division__parent_id", Value(""))
    return (
        reports.order_by(city_code, "cluster__division_id", "cluster__name", "pk")
        .values(*ROW_FIELDS)
        .annotate(county=F("cluster__division__name"), city=F("cluster__division__parent__name"))
    )


def missed_progress():
    """Progress rows whose actual value missed the target of the report's plan year: `indicators.target_progress`
    with status "missed", in SQL. The plan year counts from the certification's year (imported certifications,
    without an application, have no plan); a target below its baseline is missed above the target value, any other
    below it; a row without an actual value is pending, not missed."""
    plan_year = ExpressionWrapper(
        F("report__report_year") - F("report__certification__year") + 1, output_field=IntegerField()
    )
    decreasing = Q(target__target_3__lt=F("target__baseline"))
    missed = Q()
    for n in (1, 2, 3):
        value = F(f"target__target_{n}")
        missed |= Q(plan_year=n) & ((decreasing & Q(actual__gt=value)) | (~decreasing & Q(actual__lt=value)))
    return (
        ReportTargetProgress.objects.annotate(plan_year=plan_year)
        .filter(report__certification__application_id__isnull=False, actual__isnull=False)
        .filter(missed)
    )


def warning_reports(report_year: int, *, user):
    """The year's reported reports that warn (an Art. 6 flag or a missed plan target), in the user's jurisdiction
    (unordered: `warning_values` orders them as the list)."""
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return AnnualReport.objects.none()
    behind = Exists(missed_progress().filter(report_id=OuterRef("pk"), report__report_year=report_year))
    return AnnualReport.objects.filter(scope, report_year=report_year, state__in=REPORTED_STATES).filter(
        Q(flag_count__gt=0) | Q(behind)
    )


def warning_count(report_year: int, *, user) -> int:
    """How many reports `warning_reports` lists: one query."""
    return warning_reports(report_year, user=user).count()


def warning_values(report_year: int, *, user):
    """`warning_reports` as narrow rows (`_as_rows`): paginate it, then pass a page to `warning_rows`."""
    return _as_rows(warning_reports(report_year, user=user))


# ---------------------------------------------------------------- from the year's index (selectors.figures)


def _indexed(index: dict, user):
    """The reports of a warning index (`figures.warning_index`) in the user's jurisdiction, read now (so are
    their order and names, by `_as_rows`); an empty index still costs its one query (a page's query count does
    not depend on the data)."""
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return AnnualReport.objects.none()
    ids = index["ids"] or [0]  # no report has id 0
    return AnnualReport.objects.filter(scope, pk__in=ids)


def indexed_warning_count(index: dict, *, user) -> int:
    """`warning_count` from the year's index: no query for the province (the index is the province's), one for
    a city."""
    if user.is_province:
        return len(index["ids"])
    return _indexed(index, user).count()


def indexed_warning_values(index: dict, *, user):
    """`warning_values` from the year's index: paginate it, then pass a page to `warning_rows` with the index's
    `behind`."""
    return _as_rows(_indexed(index, user))


def behind_row(progress) -> dict:
    """One missed plan target of `missed_progress` (its target selected) as shown: the indicator, its unit, the
    plan year, the target of that year and the actual value."""
    p = indicators.target_progress(progress.target, progress.actual, progress.note, progress.plan_year)
    return {
        "indicator": p.target.indicator,
        "unit": p.target.unit,
        "plan_year": p.plan_year,
        "target_value": p.target_value,
        "actual": p.actual,
        "status": p.status,
    }


def warning_rows(values, behind: dict | None = None) -> list[dict]:
    """The rows the list and its export show for `values` (rows of `warning_values`, e.g. one page): the cluster,
    its place, the Art. 6 rules its figures fail (`flags`) and the plan targets of the plan year it missed
    (`behind`: `behind_row`s, in target order). The missed targets come from `behind` (report id -> rows, as the
    year's index has them), else from one query whatever the number of rows."""
    values = list(values)
    if behind is None:
        behind = {}
        if values:
            missed = (
                missed_progress()
                .filter(report_id__in=[v["pk"] for v in values])
                .select_related("target")
                .order_by("report_id", "target_id")
            )
            for p in missed:
                behind.setdefault(p.report_id, []).append(behind_row(p))
    labels = dict(ReportState.choices)
    return [
        {
            "pk": v["pk"],
            "cluster_id": v["cluster_id"],
            "cluster": v["cluster__name"],
            "place": f"{v['city'] or ''}{v['county'] or ''}",
            "report_year": v["report_year"],
            "state_label": str(labels.get(v["state"], v["state"])),
            "flags": v["threshold_flags"] or [],
            "behind": behind.get(v["pk"], []),
        }
        for v in values
    ]
