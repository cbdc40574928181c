"""The one Excel export helper: Chinese headers, number formats for 万元 and percentages, a frozen header row,
the filters that produced the list, and no live formulas from user data (CSV/formula injection).

    columns = [Column("集群名称", 30), Column("总产值（万元）", 16, "wan"), Column("占比", 10, "pct")]
    return xlsx_response("认定名单.xlsx", [Sheet("认定名单", columns, rows, title=..., filters={"设区市": "苏州市"})])
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell a spreadsheet would evaluate: "=HYPERLINK(...)", "+1", "-1+2", "@SUM(...)", or a tab/CR trick.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "text": "@",
    "int": "#,##0",
    "wan": "#,##0.00",  # 万元, two decimals
    "pct": '0.00"%"',  # values already in percent (0–100)
    "ratio": "0.00%",  # values as ratios (0–1)
    "decimal": "0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass
class Column:
    header: str
    width: float = 16
    kind: str = "text"


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list = field(default_factory=list)
    title: str = ""
    filters: dict | None = None
    note: str = ""
    # A template to fill in: format this many empty rows per column kind, so that an 18-character credit code
    # typed into a "text" column stays text instead of becoming a number.
    blank_rows: int = 0


def plain_value(value):
    """What a cell should hold: local times without zone, yes/no in words, anything else as text."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, str | int | float | Decimal | datetime.date):
        return value
    return str(value)


def write_cell(ws, row: int, column: int, value):
    """Write one cell. Text that a spreadsheet would run as a formula ("=HYPERLINK(…)", "+1", "@SUM…") is
    stored as a string with Excel's quote prefix: shown as typed, never evaluated, still text when edited."""
    value = plain_value(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_only_cell(ws, value, *, number_format: str | None = None, **style):
    """A value for `ws.append` in a write-only worksheet (openpyxl `Workbook(write_only=True)`), formula-safe as
    `write_cell`. A bare value where it needs no cell of its own — no style, no number format, no text that a
    spreadsheet would run as a formula — since writing a cell object costs more; `style` is cell attributes
    (font, alignment), None ones ignored."""
    value = plain_value(value)
    style = {name: v for name, v in style.items() if v is not None}
    formula_like = isinstance(value, str) and value.startswith(_FORMULA_START)
    if not (formula_like or style or (number_format and value is not None)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if formula_like:
        cell.data_type = "s"  # shown as typed, never evaluated
        cell.quotePrefix = True
    elif number_format and value is not None:
        cell.number_format = number_format
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def append_row(ws, values) -> int:
    """Append one row below the last, each cell through `write_cell` (formula-safe); returns its row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value is not None else 1
    for column, value in enumerate(values, start=1):
        write_cell(ws, row, column, value)
    return row


def build_workbook(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.name[:31] or "Sheet")
        row = 1
        if sheet.title:
            write_cell(ws, row, 1, sheet.title).font = Font(bold=True, size=13)
            row += 1
        if sheet.filters:
            text = "；".join(f"{k}：{v}" for k, v in sheet.filters.items() if v not in (None, ""))
            write_cell(ws, row, 1, f"筛选条件：{text or '全部'}")
            row += 1
        if sheet.note:
            write_cell(ws, row, 1, sheet.note)
            row += 1
        header_row = row
        for i, col in enumerate(sheet.columns, start=1):
            cell = write_cell(ws, header_row, i, col.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(i)].width = col.width
        for values in sheet.rows:
            row += 1
            for i, (col, value) in enumerate(zip(sheet.columns, values, strict=False), start=1):
                cell = write_cell(ws, row, i, value)
                if col.kind != "text" and not isinstance(cell.value, str):
                    cell.number_format = FORMATS.get(col.kind, "General")
        for _ in range(sheet.blank_rows):
            row += 1
            for i, col in enumerate(sheet.columns, start=1):
                ws.cell(row=row, column=i).number_format = FORMATS.get(col.kind, "General")
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    response = HttpResponse(build_workbook(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
