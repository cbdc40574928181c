"""Reads of the programme dashboard (Arts. 5, 12, 13, 14). Every figure is the count (or sum) of the list its link
opens (`selectors.dashboard_lists`, with the same filters), scoped to the user with `jurisdiction_q`, and the whole
page takes a fixed number of queries whatever the number of clusters: each table is one grouped query."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Extract, Greatest
from django.utils import timezone

from accounts.constants import DivisionLevel
from accounts.models import Division
from accounts.selectors import jurisdiction_q
from clusters.constants import ApplicationState, CallStatus
from clusters.models import Call, Certification, CertificationStatus
from clusters.selectors import application_list_for_user

from ..constants import (
    DEFAULT_PROGRAMME_END,
    DEFAULT_PROGRAMME_NAME,
    DEFAULT_PROGRAMME_START,
    DEFAULT_PROGRAMME_TARGET,
    REPORTED_STATES,
    ChangeReportState,
    KeySupportState,
    RevocationStatus,
)
from ..deadlines import Deadlines
from ..models import AnnualReport, KeySupport, NationalRecommendation, ProgrammeTarget
from .lifecycle import change_reports_for_user, revocation_cases_for_user
from .reports import eligible_certifications

C = CertificationStatus
A = ApplicationState
IN_FORCE = [C.VALID, C.EXPIRING]
NOT_REVOKED = [C.VALID, C.EXPIRING, C.EXPIRED]
# Certification "statuses" a list can be filtered by: the four states, and two groups of them.
STATUS_GROUPS = {
    "in_force": (IN_FORCE, "在册（有效、即将到期）"),
    "not_revoked": (NOT_REVOKED, "未撤销"),
    **{s.value: ([s.value], str(s.label)) for s in C},
}
# Change reports still to be decided (a draft never submitted is the cluster's own).
OPEN_CHANGE_REPORT_STATES = [
    ChangeReportState.CITY_REVIEW,
    ChangeReportState.PROVINCE_REVIEW,
    ChangeReportState.RETURNED,
]
# The tier each application state waits on.
APPLICATION_TIERS = {
    A.DRAFT: "申报主体（退回修改）",
    A.COUNTY_REVIEW: "县级主管部门",
    A.CITY_REVIEW: "设区市主管部门",
    A.FORMAL_REVIEW: "省工业和信息化厅",
    A.EXPERT_REVIEW: "省工业和信息化厅",
    A.SITE_CHECK: "省工业和信息化厅",
    A.JOINT_REVIEW: "省工业和信息化厅",
    A.PUBLIC_NOTICE: "省工业和信息化厅",
    A.CERTIFIED: "已办结",
    A.REJECTED: "已办结",
    A.WITHDRAWN: "已办结",
}
CLOSED_APPLICATION_STATES = [A.CERTIFIED, A.REJECTED, A.WITHDRAWN]


def certification_status_choices() -> list[tuple[str, str]]:
    return [(s.value, str(s.label)) for s in C]


def scoped_certifications(user):
    return Certification.objects.filter(jurisdiction_q(user, "cluster__division"))


# ---------------------------------------------------------------- the target of Art. 5


def default_programme() -> ProgrammeTarget:
    return ProgrammeTarget(
        name=DEFAULT_PROGRAMME_NAME,
        start_year=DEFAULT_PROGRAMME_START,
        end_year=DEFAULT_PROGRAMME_END,
        target=DEFAULT_PROGRAMME_TARGET,
        basis="《江苏省促进中小企业特色产业集群发展管理办法》第五条",
    )


def programme_periods() -> list[ProgrammeTarget]:
    """The periods entered by province staff, and the regulation's own (2021–2025) unless they entered it."""
    rows = list(ProgrammeTarget.objects.order_by("-start_year", "-end_year"))
    if not any((r.start_year, r.end_year) == (DEFAULT_PROGRAMME_START, DEFAULT_PROGRAMME_END) for r in rows):
        rows.append(default_programme())
    return sorted(rows, key=lambda r: (-r.start_year, -r.end_year))


def programme_for(periods: list[ProgrammeTarget], key: str = "", today: datetime.date | None = None):
    """The period asked for ("2021-2025"), else the one running this year, else the latest that has ended."""
    today = today or timezone.localdate()
    for p in periods:
        if key == f"{p.start_year}-{p.end_year}":
            return p
    running = [p for p in periods if p.start_year <= today.year <= p.end_year]
    if running:
        return running[0]
    ended = [p for p in periods if p.end_year < today.year]
    return max(ended, key=lambda p: p.end_year) if ended else periods[-1]


# ---------------------------------------------------------------- certified clusters


def certification_summary(user, programme: ProgrammeTarget) -> dict:
    """Certifications by city, county and lead industry (in force), by year and status, and the progress toward
    the target (certifications of the period not revoked): one grouped query and one for division names."""
    rows = list(
        scoped_certifications(user)
        .values("cluster__division__parent_id", "cluster__division_id", "cluster__lead_industry", "year", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    codes = {r["cluster__division_id"] for r in rows} | {r["cluster__division__parent_id"] for r in rows}
    if user.is_province:
        names = Division.objects.filter(Q(code__in=codes) | Q(level=DivisionLevel.CITY))
    else:
        names = Division.objects.filter(code__in=codes)
    divisions = {d["code"]: d for d in names.values("code", "name", "level", "parent_id")}
    statuses = list(C.values)
    by_status = dict.fromkeys(statuses, 0)
    by_city = {c: 0 for c, d in divisions.items() if d["level"] == DivisionLevel.CITY} if user.is_province else {}
    by_county, by_industry, by_year = {}, {}, {}
    progress = {"counted": 0, "revoked": 0, "by_year": dict.fromkeys(programme.years, 0)}
    for r in rows:
        n, status, year = r["n"], r["status"], r["year"]
        by_status[status] += n
        counts = by_year.get(year)
        if counts is None:
            counts = by_year[year] = dict.fromkeys(statuses, 0)
        counts[status] += n
        if programme.start_year <= year <= programme.end_year:
            if status == C.REVOKED:
                progress["revoked"] += n
            else:
                progress["counted"] += n
                progress["by_year"][year] += n
        if status not in IN_FORCE:
            continue
        city, county = r["cluster__division__parent_id"], r["cluster__division_id"]
        by_city[city] = by_city.get(city, 0) + n
        by_county[county] = by_county.get(county, 0) + n
        industry = r["cluster__lead_industry"]
        by_industry[industry] = by_industry.get(industry, 0) + n
    cumulative, running = [], 0
    for year in programme.years:
        running += progress["by_year"][year]
        cumulative.append({"year": year, "n": progress["by_year"][year], "cumulative": running})
    progress["cumulative"] = cumulative
    progress["target"] = programme.target
    progress["percent"] = (
        (Decimal(progress["counted"]) * 100 / programme.target).quantize(Decimal("0.1")) if programme.target else None
    )

    def name(code):
        d = divisions.get(code)
        return d["name"] if d else code

    return {
        "by_status": by_status,
        "in_force": by_status[C.VALID] + by_status[C.EXPIRING],
        "total": sum(by_status.values()),
        "by_city": [{"code": c, "name": name(c), "n": n} for c, n in sorted(by_city.items())],
        "by_county": [
            {"code": c, "name": name(c), "city": name(divisions[c]["parent_id"]) if c in divisions else "", "n": n}
            for c, n in sorted(by_county.items())
        ],
        "by_industry": [{"name": k, "n": n} for k, n in sorted(by_industry.items(), key=lambda kv: (-kv[1], kv[0]))],
        "by_year": [
            {"year": y, "counts": counts, "total": sum(counts.values())} for y, counts in sorted(by_year.items())
        ],
        "progress": progress,
    }


# ---------------------------------------------------------------- the current call's applications


def published_calls():
    # "status" too: the model's state machine reads its state field on load (a deferred one costs a query a row).
    return list(
        Call.objects.filter(status=CallStatus.PUBLISHED).order_by("-year").only("pk", "year", "title", "status")
    )


def call_for(calls: list, key) -> Call | None:
    """The call asked for (by id), else the latest published one."""
    for call in calls:
        if str(call.pk) == str(key):
            return call
    return calls[0] if calls else None


def wait_days(since, now) -> int:
    return max(0, (now - since).days)


def application_summary(user, call, now=None) -> list[dict]:
    """The call's applications the user may see, by state: the tier it waits on, how many, and how long they have
    waited in it (days since `state_changed_at`, as `wait_days`: mean and longest; none for closed states). One
    grouped query: the database counts the whole days of each wait."""
    if call is None:
        return []
    now = now or timezone.now()
    applications = application_list_for_user(user=user).filter(call=call).order_by()
    if connection.vendor == "postgresql":
        waited = Value(now, output_field=DateTimeField()) - F("state_changed_at")
        days = Greatest(Extract(ExpressionWrapper(waited, output_field=DurationField()), "day"), Value(0))
        grouped = {
            r["state"]: r
            for r in applications.values("state").annotate(n=Count("id"), days=Sum(days), longest=Max(days))
        }
    else:  # SQLite (development) cannot extract days from an interval: the same sums, taken here
        grouped = {}
        for state, since in applications.values_list("state", "state_changed_at"):
            r = grouped.setdefault(state, {"n": 0, "days": 0, "longest": 0})
            waited = wait_days(since, now)
            r["n"] += 1
            r["days"] += waited
            r["longest"] = max(r["longest"], waited)
    rows = []
    for state in A:
        r = grouped.get(state.value)
        if not r:
            continue
        closed = state in CLOSED_APPLICATION_STATES
        rows.append(
            {
                "state": state.value,
                "label": str(state.label),
                "tier": APPLICATION_TIERS[state],
                "n": r["n"],
                "mean_days": None if closed else (Decimal(int(r["days"])) / r["n"]).quantize(Decimal("0.1")),
                "max_days": None if closed else int(r["longest"]),
            }
        )
    return rows


# ---------------------------------------------------------------- annual reports of a year


def reported_report(report_year: int):
    return AnnualReport.objects.filter(cluster_id=OuterRef("cluster_id"), report_year=report_year).filter(
        state__in=REPORTED_STATES
    )


def owing_certifications(user, report_year: int):
    """Certifications owing a report on the year, each with its cluster's reported report (first submission, id,
    state) as columns: the rows of the reports list."""
    reported = reported_report(report_year)
    return (
        eligible_certifications(report_year)
        .filter(jurisdiction_q(user, "cluster__division"))
        .annotate(
            report_first=Subquery(reported.values("first_submitted_at")[:1]),
            report_pk=Subquery(reported.values("pk")[:1]),
            report_state=Subquery(reported.values("state")[:1]),
        )
    )


REPORT_STATUSES = {
    "owing": "应报送",
    "reported": "已报送",
    "on_time": "按时报送",
    "late": "逾期报送",
    "missing": "未报送",
}


def report_status_q(status: str, deadlines: Deadlines) -> Q:
    due_end = deadlines.cluster_due_end
    return {
        "owing": Q(),
        "reported": Q(report_first__isnull=False),
        "on_time": Q(report_first__lt=due_end),
        "late": Q(report_first__gte=due_end),
        "missing": Q(report_first__isnull=True),
    }[status]


def report_counts(user, report_year: int, deadlines: Deadlines) -> dict:
    """Reports owed on the year, reported (on time, late) and missing (REPORT_STATUSES): one query."""
    # Only the first submission of the cluster's reported report is counted on (not the list's other columns).
    first = Subquery(reported_report(report_year).values("first_submitted_at")[:1])
    qs = (
        eligible_certifications(report_year)
        .filter(jurisdiction_q(user, "cluster__division"))
        .annotate(report_first=first)
    )
    return qs.aggregate(
        **{status: Count("id", filter=report_status_q(status, deadlines)) for status in REPORT_STATUSES}
    )


def report_summary(user, report_year: int, deadlines: Deadlines, counts: dict | None = None) -> dict:
    """`report_counts` (pass them from the cache) and whether the deadline has passed."""
    counts = report_counts(user, report_year, deadlines) if counts is None else counts
    return {"counts": counts, "overdue": timezone.localdate() > deadlines.cluster_due}


# ---------------------------------------------------------------- lifecycle, indicators, the programme


def lifecycle_summary(user) -> dict:
    cases = revocation_cases_for_user(user=user).aggregate(n=Count("id", filter=Q(status=RevocationStatus.PROPOSED)))
    changes = change_reports_for_user(user=user).aggregate(n=Count("id", filter=Q(state__in=OPEN_CHANGE_REPORT_STATES)))
    return {"open_cases": cases["n"], "open_changes": changes["n"]}


def reported_reports(user):
    return AnnualReport.objects.filter(jurisdiction_q(user, "cluster__division"), state__in=REPORTED_STATES)


def indicator_rows(user) -> list[dict]:
    """The reported reports' figures summed year by year (万元, 件, 人), and the SME share of output (%) over the
    reports giving both: one query."""
    sums = {name: Sum(name) for name in ("total_output", "sme_output", "lead_output", "sme_rnd", "invention_patents")}
    sums["employees"] = Sum("employees")
    rows = (
        reported_reports(user)
        .values("report_year")
        .annotate(
            reports=Count("id"),
            share_total=Sum("total_output", filter=Q(sme_output__isnull=False)),
            share_sme=Sum("sme_output", filter=Q(total_output__isnull=False)),
            **{f"sum_{name}": agg for name, agg in sums.items()},
        )
        .order_by("report_year")
    )
    out = []
    for r in rows:
        share = None
        if r["share_total"]:
            share = (Decimal(r["share_sme"]) * 100 / Decimal(r["share_total"])).quantize(Decimal("0.01"))
        row = {"report_year": r["report_year"], "reports": r["reports"], "sme_share": share}
        row.update({name: r[f"sum_{name}"] for name in sums})
        out.append(row)
    return out


def key_supports(user, year: int):
    return (
        KeySupport.objects.filter(jurisdiction_q(user, "cluster__division"), year=year, state=KeySupportState.MARKED)
        .select_related("cluster__division__parent", "certification", "marked_by")
        .order_by("cluster__division_id", "cluster__name", "pk")
    )


def recommendation_summary(year: int) -> dict | None:
    rec = (
        NationalRecommendation.objects.filter(year=year)
        .annotate(n=Count("items", filter=Q(items__removed_at__isnull=True)))
        .first()
    )
    return {"recommendation": rec, "n": rec.n} if rec else None
