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
