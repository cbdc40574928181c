"""Working-day arithmetic on the State Council holiday schedule (see domain.md, "Dates")."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar

from core.models import CalendarDay, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Generous enough that a 5-working-day notice crossing the 9-day Spring Festival is covered by the first
# query; the window only grows with n so that long periods still cost a fixed number of queries.
_MIN_WINDOW_DAYS = 30

_ONE_DAY = dt.timedelta(days=1)


class UnknownScheduleYear(Exception):
    """The computation reached a year whose holiday schedule nobody has entered yet."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"尚未录入{year}年的法定节假日安排，无法计算工作日。请省厅在后台录入该年度安排后再试。")


# Dates the portal computes with: the programme's own records start long after 2000; nothing is planned past 2100.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class DateOutOfRange(UnknownScheduleYear):
    """A date no schedule will ever cover (e.g. 9999-12-31 typed into a form)."""

    def __init__(self, day: dt.date):
        self.year = day.year
        Exception.__init__(
            self, f"日期 {day:%Y-%m-%d} 超出平台可计算的范围（{EARLIEST.year}年至{LATEST.year}年），请核对。"
        )


def _require_date(value, name: str) -> dt.date:
    # A datetime is a date subclass; accepting one would silently use its (possibly UTC) calendar date.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date (use timezone.localdate()), got {type(value).__name__}")
    if not (EARLIEST <= value <= LATEST):
        raise DateOutOfRange(value)
    return value


class _Schedule:
    """Per-call view of the calendar: overrides are fetched a window at a time, declared years once."""

    def __init__(self, start: dt.date, window_days: int):
        self._window = dt.timedelta(days=max(window_days, 1))
        self._start = start
        self._loaded_until = start - _ONE_DAY
        self._overrides: dict[dt.date, bool] = {}
        self._declared_years: set[int] | None = None

    def _load_through(self, day: dt.date) -> None:
        lo = self._loaded_until + _ONE_DAY
        if day > LATEST:
            raise DateOutOfRange(day)
        hi = min(max(day, lo + self._window - _ONE_DAY), LATEST)
        rows = CalendarDay.objects.filter(date__range=(lo, hi)).values_list("date", "is_working_day")
        self._overrides.update(rows)
        self._loaded_until = hi

    def is_working_day(self, day: dt.date) -> bool:
        if day < self._start:
            raise ValueError(f"{day} is before the schedule's start {self._start}")
        if day > self._loaded_until:
            self._load_through(day)
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            pass
        if self._declared_years is None:
            # Staff-declared years are a handful of rows; one query answers every year a period crosses.
            self._declared_years = set(CalendarYear.objects.values_list("year", flat=True))
        if day.year in self._declared_years:
            return day.weekday() < 5
        raise UnknownScheduleYear(day.year)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day, makeup days included; raises UnknownScheduleYear rather than guess."""
    day = _require_date(day, "day")
    return _Schedule(day, 1).is_working_day(day)


def counted_working_days(start: dt.date, n: int) -> list[dt.date]:
    """The first ``n`` working days of a period beginning on ``start`` (``start`` itself counts if working)."""
    start = _require_date(start, "start")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    schedule = _Schedule(start, 2 * n + _MIN_WINDOW_DAYS)
    days: list[dt.date] = []
    day = start
    while True:
        if schedule.is_working_day(day):
            days.append(day)
            if len(days) == n:
                return days
        day += _ONE_DAY


def nth_working_day(start: dt.date, n: int) -> dt.date:
    """The n-th working day of a period beginning on ``start``; n=1 on a working day is ``start`` itself."""
    return counted_working_days(start, n)[-1]


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Number of working days from ``start`` to ``end``, both inclusive; 0 when ``end`` precedes ``start``."""
    start = _require_date(start, "start")
    end = _require_date(end, "end")
    if end < start:
        return 0
    schedule = _Schedule(start, (end - start).days + 1)
    count = 0
    day = start
    while day <= end:
        count += schedule.is_working_day(day)
        day += _ONE_DAY
    return count


def deadline_end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Beijing time, as an aware datetime (objections close at 23:59:59)."""
    day = _require_date(day, "day")
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)
