import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.workdays import UnknownScheduleYear, counted_working_days, deadline_end_of_day, is_working_day

WEEKDAYS = "一二三四五六日"


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式不正确：“{value}”。请使用 YYYY-MM-DD 格式，如 2023-09-28。") from None


def _label(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}（星期{WEEKDAYS[day.weekday()]}）"


class Command(BaseCommand):
    help = "按法定节假日安排（含调休）计算工作日：给出起始日期和工作日数，输出截止日期及逐日清单；或用 --check 查询某日是否为工作日。"

    def add_arguments(self, parser):
        parser.add_argument("start", nargs="?", help="起始日期（YYYY-MM-DD），当日为工作日时计为第1个工作日")
        parser.add_argument("n", nargs="?", help="工作日数（不小于1的整数）")
        parser.add_argument("--check", metavar="DATE", help="查询某日（YYYY-MM-DD）是否为工作日")

    def handle(self, *args, start=None, n=None, check=None, **options):
        if check is None and start is None:
            raise CommandError("请给出起始日期和工作日数（如 workdays 2023-09-28 5），或用 --check 日期 查询某日。")
        try:
            if check is not None:
                day = _parse_date(check)
                verdict = "是工作日" if is_working_day(day) else "不是工作日"
                self.stdout.write(f"{_label(day)}{verdict}")
            if start is not None:
                self._count(_parse_date(start), n)
        except UnknownScheduleYear as exc:
            raise CommandError(str(exc)) from exc

    def _count(self, start: dt.date, n: str | None) -> None:
        if n is None:
            raise CommandError("请给出工作日数，如 workdays 2023-09-28 5。")
        try:
            count = int(n)
        except ValueError:
            count = 0
        if count < 1:
            raise CommandError(f"工作日数必须是不小于1的整数，收到“{n}”。")
        days = counted_working_days(start, count)
        self.stdout.write(f"自 {_label(start)} 起 {count} 个工作日：")
        for index, day in enumerate(days, start=1):
            self.stdout.write(f"  第{index}个工作日：{_label(day)}")
        deadline = deadline_end_of_day(days[-1])
        self.stdout.write(f"截止日期：{_label(days[-1])}，受理至 {deadline:%Y-%m-%d %H:%M:%S}（北京时间）")
