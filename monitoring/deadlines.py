"""The reporting calendar's reads: each reported year's due dates, from the database, or the defaults when a
year has no row. Writes are in services.calendar."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .constants import DEFAULT_CITY_DUE, DEFAULT_CLUSTER_DUE
from .models import ReportingCalendar


@dataclass(frozen=True)
class Deadlines:
    report_year: int
    cluster_due: datetime.date
    city_due: datetime.date
    is_default: bool
    basis: str = ""

    @property
    def due_year(self) -> int:
        return self.report_year + 1

    @property
    def cluster_due_end(self) -> datetime.datetime:
        """The first moment after the cluster due date (00:00 the next day, Asia/Shanghai)."""
        return day_end(self.cluster_due)

    @property
    def city_due_end(self) -> datetime.datetime:
        return day_end(self.city_due)


def day_end(day: datetime.date) -> datetime.datetime:
    """00:00 of the next day in the portal's time zone: a submission before it is on time."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def default_deadlines(report_year: int) -> Deadlines:
    due_year = report_year + 1
    return Deadlines(
        report_year=report_year,
        cluster_due=datetime.date(due_year, *DEFAULT_CLUSTER_DUE),
        city_due=datetime.date(due_year, *DEFAULT_CITY_DUE),
        is_default=True,
    )


def from_row(row: ReportingCalendar) -> Deadlines:
    return Deadlines(row.report_year, row.cluster_due, row.city_due, False, row.basis)


def deadlines_for(report_year: int) -> Deadlines:
    row = ReportingCalendar.objects.filter(report_year=report_year).first()
    return from_row(row) if row else default_deadlines(report_year)


def deadlines_map(years) -> dict[int, Deadlines]:
    """Deadlines of several reported years in one query."""
    years = set(years)
    rows = {r.report_year: from_row(r) for r in ReportingCalendar.objects.filter(report_year__in=years)}
    return {y: rows.get(y) or default_deadlines(y) for y in years}


def current_report_year(today: datetime.date | None = None) -> int:
    """The year whose reports fall due this calendar year (the previous year)."""
    return (today or timezone.localdate()).year - 1


def is_late(submitted_at, deadlines: Deadlines) -> bool:
    return submitted_at is not None and submitted_at >= deadlines.cluster_due_end
