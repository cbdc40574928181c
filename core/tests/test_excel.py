"""core.excel: text a spreadsheet would evaluate stays text, in built workbooks and in rows appended by hand."""

import io

from openpyxl import Workbook, load_workbook

from core.excel import Column, Sheet, append_row, build_workbook

HOSTILE = ['=HYPERLINK("http://evil.example","点此")', "+86-025-1", "-1+2", "@SUM(A1)"]


def _reload(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_built_workbooks_store_formula_like_text_as_text():
    data = build_workbook([Sheet("名单", [Column("名称", 30)], [[v] for v in HOSTILE], title="标题")])
    ws = _reload(data)["名单"]
    values = [ws.cell(row=r, column=1) for r in range(3, 3 + len(HOSTILE))]
    assert [c.value for c in values] == HOSTILE
    assert all(c.data_type == "s" and c.quotePrefix for c in values)


def test_append_row_is_formula_safe_and_keeps_numbers():
    wb = Workbook()
    ws = wb.active
    assert append_row(ws, ["标题"]) == 1
    assert append_row(ws, [*HOSTILE, 12.5]) == 2
    out = io.BytesIO()
    wb.save(out)
    ws = _reload(out.getvalue()).active
    row = [ws.cell(row=2, column=c) for c in range(1, 6)]
    assert [c.value for c in row] == [*HOSTILE, 12.5]
    assert all(c.data_type == "s" for c in row[:4]) and row[4].data_type == "n"


def test_write_only_cells_are_bare_values_unless_they_need_a_cell():
    """`write_only_cell`: a bare value for most cells (cheaper), a cell for a style, a number format, or text
    that a spreadsheet would run as a formula (kept as typed, never evaluated)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from core.excel import write_only_cell

    ws = Workbook(write_only=True).create_sheet("t")
    assert write_only_cell(ws, "集群") == "集群" and write_only_cell(ws, None, number_format="0.00") is None
    assert write_only_cell(ws, True) == "是"
    formula = write_only_cell(ws, "=HYPERLINK(1)", number_format="0.00")
    assert formula.data_type == "s" and formula.quotePrefix and formula.number_format == "General"
    number = write_only_cell(ws, 1.5, number_format="0.00")
    assert number.number_format == "0.00" and number.value == 1.5
    header = write_only_cell(ws, "平均分", font=Font(bold=True), alignment=None)
    assert header.font.b and header.value == "平均分"
