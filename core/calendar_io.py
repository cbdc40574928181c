"""The holiday schedule (节假日安排) as Excel: a template, and an import that validates every row first and
applies all rows or none. Province staff enter a new year's State Council schedule this way when it is
published (usually in November), instead of typing each day in the admin."""

import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from .excel import Column, Sheet, build_workbook
from .models import CalendarDay, CalendarYear
from .workdays import EARLIEST, LATEST

HEADERS = ["日期", "类型", "说明"]
TYPES = {"放假": False, "休息": False, "假日": False, "上班": True, "调休上班": True, "工作日": True}
MAX_ROWS = 400


@dataclass
class RowError:
    row: int
    column: str
    message: str


def build_template(year: int | None = None) -> bytes:
    example = [
        [dt.date(2027, 1, 1), "放假", "元旦"],
        [dt.date(2027, 2, 7), "上班", "春节调休"],
    ]
    note = (
        "每行一个与“周一至周五上班、周六周日休息”不同的日子：工作日放假填“放假”，周末调休上班填“上班”。"
        "日期格式 2027-01-01。整年的安排一次导入；导入时须填写依据（国务院办公厅通知的名称）。"
    )
    return build_workbook(
        [
            Sheet(
                name="节假日安排",
                columns=[Column("日期", 14, "date"), Column("类型", 12), Column("说明", 24)],
                rows=example if year is None else [],
                note=note,
                blank_rows=60,
            )
        ]
    )


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse(fileobj, year: int) -> tuple[list[tuple[dt.date, bool, str]], list[RowError]]:
    """Rows of the year's schedule, or every problem by row and column (then nothing is applied)."""
    from openpyxl import load_workbook

    from .xlsx import check_archive

    try:
        check_archive(fileobj)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except ValidationError as exc:
        return [], [RowError(0, "", "；".join(exc.messages))]
    except Exception:  # noqa: BLE001 - any unreadable file is "not an xlsx"
        return [], [RowError(0, "", "文件不是有效的 Excel（.xlsx）文件，请下载模板填写后上传。")]
    rows, errors, seen = [], [], {}
    header_at = None
    try:
        ws = wb.worksheets[0]
        for number, line in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                errors.append(RowError(0, "", f"文件超过 {MAX_ROWS} 行，请只保留该年的节假日和调休上班日。"))
                break
            cells = list(line or ())[:3] + [None] * 3
            if header_at is None:
                if [str(c or "").strip() for c in cells[:3]] == HEADERS:
                    header_at = number
                continue
            if all(c in (None, "") for c in cells[:3]):
                continue
            day = _date(cells[0])
            kind = str(cells[1] or "").strip()
            name = str(cells[2] or "").strip()[:100]
            if day is None:
                errors.append(
                    RowError(number, "日期", f"第{number}行：日期“{cells[0]}”无法识别，请写成 {year}-01-01。")
                )
                continue
            if not (EARLIEST <= day <= LATEST) or day.year != year:
                errors.append(RowError(number, "日期", f"第{number}行：{day:%Y-%m-%d} 不在 {year} 年内。"))
                continue
            if kind not in TYPES:
                errors.append(RowError(number, "类型", f"第{number}行：类型应为“放假”或“上班”，而不是“{kind}”。"))
                continue
            working = TYPES[kind]
            if working and day.weekday() < 5:
                errors.append(
                    RowError(number, "类型", f"第{number}行：{day:%m月%d日}是周一至周五，本来就上班，无需填写。")
                )
                continue
            if not working and day.weekday() >= 5:
                errors.append(RowError(number, "类型", f"第{number}行：{day:%m月%d日}是周末，本来就休息，无需填写。"))
                continue
            if day in seen:
                errors.append(RowError(number, "日期", f"第{number}行：{day:%Y-%m-%d} 与第{seen[day]}行重复。"))
                continue
            seen[day] = number
            rows.append((day, working, name))
    finally:
        wb.close()
    if header_at is None and not errors:
        errors.append(RowError(1, "", "找不到表头“日期、类型、说明”，请使用本页提供的模板。"))
    if not rows and not errors:
        errors.append(RowError(0, "", "文件中没有节假日或调休上班日。"))
    return rows, errors


def import_year(*, fileobj, year: int, source: str, actor) -> tuple[int, list[RowError]]:
    """Replace the year's schedule with the file's rows and declare the year known, or change nothing."""
    source = (source or "").strip()
    if not source:
        return 0, [RowError(0, "依据", "请填写依据（如：国务院办公厅关于2027年部分节假日安排的通知）。")]
    if not (EARLIEST.year <= year <= LATEST.year):
        return 0, [RowError(0, "年份", f"年份应在 {EARLIEST.year} 至 {LATEST.year} 之间。")]
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read() if hasattr(fileobj, "read") else fileobj
    rows, errors = parse(io.BytesIO(data), year)
    if errors:
        return 0, errors
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(CalendarDay(date=d, is_working_day=w, name=n) for d, w, n in rows)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source[:255], "entered_by": getattr(actor, "username", "")}
        )
        from .services import audit

        audit("calendar_imported", user=actor, detail=f"{year}年，{len(rows)} 天；{source[:200]}")
    return len(rows), []
