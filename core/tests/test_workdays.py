import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import CalendarDay, CalendarYear
from core.workdays import (
    UnknownScheduleYear,
    counted_working_days,
    deadline_end_of_day,
    is_working_day,
    nth_working_day,
    working_days_between,
)

D = dt.date

pytestmark = pytest.mark.django_db


# Real MIIT notices, counted the way the ministry counted them.


def test_miit_2022_notice_skips_new_year_holiday():
    # "2022年12月29日至2023年1月5日": 29, 30 Dec, then 3, 4, 5 Jan (1-2 Jan off for New Year).
    assert nth_working_day(D(2022, 12, 29), 5) == D(2023, 1, 5)


def test_miit_2023_notice_counts_makeup_weekend():
    # "2023年9月28日、10月7日至10日（5个工作日）": 29 Sep-6 Oct off, 7-8 Oct makeup weekend.
    assert nth_working_day(D(2023, 9, 28), 5) == D(2023, 10, 10)
    assert is_working_day(D(2023, 10, 7))
    assert counted_working_days(D(2023, 9, 28), 5) == [
        D(2023, 9, 28),
        D(2023, 10, 7),
        D(2023, 10, 8),
        D(2023, 10, 9),
        D(2023, 10, 10),
    ]


# 2026 schedule as shipped in chinesecalendar 1.11 (State Council notice for 2026):
#   New Year       1-3 Jan (Thu-Sat) off;   4 Jan (Sun) working
#   Spring Fest.   15-23 Feb (Sun-Mon) off; 14 Feb (Sat) and 28 Feb (Sat) working
#   Qingming       4-6 Apr (Sat-Mon) off
#   Labour Day     1-5 May (Fri-Tue) off;   9 May (Sat) working
#   Dragon Boat    19-21 Jun (Fri-Sun) off
#   Mid-Autumn     25-27 Sep (Fri-Sun) off
#   National Day   1-7 Oct (Thu-Wed) off;   20 Sep (Sun) and 10 Oct (Sat) working
@pytest.mark.parametrize(
    ("start", "end"),
    [
        # 30, 31 Dec; 4 Jan (Sun, makeup), 5, 6 Jan.
        (D(2025, 12, 30), D(2026, 1, 6)),
        # 12, 13, 14 Feb (Sat, makeup); 24, 25 Feb.
        (D(2026, 2, 12), D(2026, 2, 25)),
        # Starts on a holiday (Spring Festival Monday): 24, 25, 26, 27, 28 Feb (Sat, makeup).
        (D(2026, 2, 16), D(2026, 2, 28)),
        # 1, 2, 3 Apr; 7, 8 Apr.
        (D(2026, 4, 1), D(2026, 4, 8)),
        # 29, 30 Apr; 6, 7, 8 May.
        (D(2026, 4, 29), D(2026, 5, 8)),
        # Starts on Labour Day: 6, 7, 8, 9 May (Sat, makeup), 11 May.
        (D(2026, 5, 1), D(2026, 5, 11)),
        # 17, 18 Jun; 22, 23, 24 Jun.
        (D(2026, 6, 17), D(2026, 6, 24)),
        # 17, 18 Sep, 20 Sep (Sun, makeup), 21, 22 Sep.
        (D(2026, 9, 17), D(2026, 9, 22)),
        # 24 Sep; 28, 29, 30 Sep; 8 Oct (Mid-Autumn and National Day both skipped).
        (D(2026, 9, 24), D(2026, 10, 8)),
        # Starts on National Day: 8, 9, 10 Oct (Sat, makeup), 12, 13 Oct.
        (D(2026, 10, 1), D(2026, 10, 13)),
    ],
)
def test_five_working_days_across_2026_holidays(start, end):
    assert nth_working_day(start, 5) == end


def test_2026_holidays_and_makeup_days():
    assert not is_working_day(D(2026, 10, 1))
    assert not is_working_day(D(2026, 2, 16))
    assert is_working_day(D(2026, 1, 4))
    assert is_working_day(D(2026, 9, 20))
    assert is_working_day(D(2026, 10, 10))
    assert not is_working_day(D(2026, 10, 11))


def test_n_equal_one():
    assert nth_working_day(D(2026, 3, 2), 1) == D(2026, 3, 2)
    assert nth_working_day(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert nth_working_day(D(2026, 3, 7), 1) == D(2026, 3, 9)


@pytest.mark.parametrize("n", [0, -1])
def test_n_below_one_is_rejected(n):
    with pytest.raises(ValueError):
        nth_working_day(D(2026, 3, 2), n)


def test_datetime_is_rejected():
    with pytest.raises(TypeError):
        nth_working_day(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), 5)


def test_working_days_between():
    assert working_days_between(D(2023, 9, 28), D(2023, 10, 10)) == 5
    # 28, 29, 30 Sep; 8, 9, 10 Oct (Sat, makeup); 11 Oct is a plain Sunday.
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 11)) == 6
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 1)) == 0
    assert working_days_between(D(2026, 10, 9), D(2026, 10, 1)) == 0


def test_deadline_is_end_of_day_in_beijing():
    deadline = deadline_end_of_day(D(2023, 10, 10))
    assert deadline.tzinfo is not None
    assert deadline.isoformat() == "2023-10-10T23:59:59.999999+08:00"
    assert deadline.astimezone(dt.UTC) == dt.datetime(2023, 10, 10, 15, 59, 59, 999999, tzinfo=dt.UTC)


# Years beyond chinesecalendar's data.


def test_unknown_year_refuses_and_names_the_year():
    with pytest.raises(UnknownScheduleYear) as excinfo:
        is_working_day(D(2027, 3, 1))
    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)


def test_period_running_into_unknown_year_refuses():
    with pytest.raises(UnknownScheduleYear, match="2027"):
        nth_working_day(D(2026, 12, 28), 5)
    # 28-31 Dec are all in 2026, so a shorter period never needs 2027.
    assert nth_working_day(D(2026, 12, 28), 4) == D(2026, 12, 31)


def test_staff_entered_year_is_used_with_its_overrides():
    CalendarYear.objects.create(year=2027, source="测试用安排")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 9), is_working_day=True, name="调休上班")

    assert not is_working_day(D(2027, 1, 1))
    assert is_working_day(D(2027, 1, 9))
    assert not is_working_day(D(2027, 1, 10))
    assert is_working_day(D(2027, 3, 1))
    # 28-31 Dec 2026; 1 Jan 2027 (Fri) off, weekend; 4 Jan.
    assert nth_working_day(D(2026, 12, 28), 5) == D(2027, 1, 4)
    # 6, 7, 8 Jan; 9 Jan (Sat, makeup); 11 Jan.
    assert nth_working_day(D(2027, 1, 6), 5) == D(2027, 1, 11)


def test_override_wins_over_chinese_calendar():
    CalendarDay.objects.create(date=D(2026, 10, 8), is_working_day=False, name="临时放假")
    CalendarDay.objects.create(date=D(2026, 10, 11), is_working_day=True, name="临时调休")
    assert not is_working_day(D(2026, 10, 8))
    # 9, 10 (Sat, makeup), 11 (Sun, override), 12, 13 Oct.
    assert nth_working_day(D(2026, 10, 1), 5) == D(2026, 10, 13)
    assert counted_working_days(D(2026, 10, 1), 5)[0] == D(2026, 10, 9)


def test_holiday_run_longer_than_first_window_is_crossed():
    CalendarYear.objects.create(year=2027, source="测试用安排")
    CalendarDay.objects.bulk_create(
        CalendarDay(date=D(2027, 3, 1) + dt.timedelta(days=i), is_working_day=False, name="测试长假")
        for i in range(100)
    )
    # 100 days from 1 Mar end on 8 Jun (Tue), so 9 Jun is the first working day.
    assert nth_working_day(D(2027, 3, 1), 1) == D(2027, 6, 9)


@pytest.mark.parametrize("n", [1, 5, 60, 200])
def test_query_count_does_not_grow_with_n(n, django_assert_max_num_queries):
    # n=200 from June 2026 reaches into 2027, so both the override and the declared-years queries run.
    CalendarYear.objects.create(year=2027, source="测试用安排")
    with django_assert_max_num_queries(2):
        nth_working_day(D(2026, 6, 1), n)


# Management command.


def test_command_lists_each_counted_day():
    out = StringIO()
    call_command("workdays", "2023-09-28", "5", stdout=out)
    text = out.getvalue()
    for day in ("2023-09-28", "2023-10-07", "2023-10-08", "2023-10-09"):
        assert day in text
    assert "第5个工作日：2023-10-10" in text
    assert "截止日期：2023-10-10" in text
    assert "2023-10-06" not in text


def test_command_check():
    out = StringIO()
    call_command("workdays", "--check", "2026-10-01", stdout=out)
    assert "2026-10-01" in out.getvalue()
    assert "不是工作日" in out.getvalue()
    out = StringIO()
    call_command("workdays", "--check", "2026-10-10", stdout=out)
    assert "是工作日" in out.getvalue()
    assert "不是工作日" not in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2023-13-01", "5"], "日期格式不正确"),
        (["2023-09-28", "0"], "不小于1"),
        (["2023-09-28", "五"], "不小于1"),
        (["2023-09-28"], "工作日数"),
        (["2026-12-28", "5"], "2027"),
        (["--check", "2027-01-04"], "2027"),
        (["--check", "明天"], "日期格式不正确"),
        ([], "起始日期"),
    ],
)
def test_command_errors(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("workdays", *args, stdout=StringIO())
