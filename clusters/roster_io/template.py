"""The blank roster template (.xlsx) offered for download: the data sheet, an example and instructions."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.validators import credit_code_check_char

from .columns import (
    DATA_SHEET_TITLE,
    EXAMPLE_SHEET_TITLE,
    INSTRUCTIONS_SHEET_TITLE,
    MAX_ROWS,
    REQUIRED_KEYS,
    ROSTER_COLUMNS,
)

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EXAMPLE_FONT = Font(italic=True, color="808080")
_WIDTHS = {
    "name": 36,
    "credit_code": 24,
    "in_lead_industry": 18,
    "champion_cert": 20,
    "giant_cert": 26,
    "specialised_cert": 26,
    "hightech_cert": 24,
    "employees": 12,
}
_TEXT_KEYS = ("name", "credit_code", "champion_cert", "giant_cert", "specialised_cert", "hightech_cert")


def _example_credit_code() -> str:
    first17 = "91320583MA1ABCDE1"
    return first17 + credit_code_check_char(first17)


def _write_header(ws) -> None:
    for index, (key, header) in enumerate(ROSTER_COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if key in REQUIRED_KEYS else _OPTIONAL_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _WIDTHS[key]
        if key in _TEXT_KEYS:
            # Text format for the whole column, so Excel keeps long codes and leading zeros as typed.
            ws.column_dimensions[letter].number_format = "@"
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"


def _column_letter(key: str) -> str:
    return get_column_letter([k for k, _h in ROSTER_COLUMNS].index(key) + 1)


def build_template() -> bytes:
    """The blank roster template (.xlsx): the data sheet (header only), an example sheet and instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET_TITLE
    _write_header(ws)
    last = MAX_ROWS + 1

    lead = _column_letter("in_lead_industry")
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showDropDown=False)
    yes_no.error = "请选择“是”或“否”。"
    yes_no.errorTitle = "是否属于主导产业"
    yes_no.prompt = "企业是否属于本集群的主导产业：是 / 否"
    yes_no.promptTitle = "是否属于主导产业"
    yes_no.showErrorMessage = True
    yes_no.showInputMessage = True
    yes_no.add(f"{lead}2:{lead}{last}")
    ws.add_data_validation(yes_no)

    code = _column_letter("credit_code")
    code_length = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
    code_length.errorStyle = "warning"
    code_length.error = "统一社会信用代码应为18位，请核对。"
    code_length.errorTitle = "统一社会信用代码"
    code_length.showErrorMessage = True
    code_length.add(f"{code}2:{code}{last}")
    ws.add_data_validation(code_length)

    employees = _column_letter("employees")
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    whole.error = "从业人员数应为不小于0的整数。"
    whole.errorTitle = "从业人员数"
    whole.showErrorMessage = True
    whole.add(f"{employees}2:{employees}{last}")
    ws.add_data_validation(whole)

    example = wb.create_sheet(EXAMPLE_SHEET_TITLE)
    _write_header(example)
    values = {
        "name": "苏州市某某精密机械有限公司",
        "credit_code": _example_credit_code(),
        "in_lead_industry": "是",
        "champion_cert": "",
        "giant_cert": "",
        "specialised_cert": "JS2023ZJTX0123",
        "hightech_cert": "GR202332001234",
        "employees": 268,
    }
    for index, (key, _header) in enumerate(ROSTER_COLUMNS, start=1):
        cell = example.cell(row=2, column=index, value=values[key] if values[key] != "" else None)
        cell.font = _EXAMPLE_FONT
    note = example.cell(row=4, column=1, value="本页仅为示例，不会被导入。请在“企业名册”工作表第2行起填写。")
    note.font = _EXAMPLE_FONT

    help_ws = wb.create_sheet(INSTRUCTIONS_SHEET_TITLE)
    help_ws.column_dimensions["A"].width = 110
    lines = [
        ("企业名册填写说明", True),
        ("", False),
        (f"1. 请在第一个工作表“{DATA_SHEET_TITLE}”中从第2行起逐行填写，每行一家企业；不要修改、删除第1行表头。", False),
        (f"2. 最多 {MAX_ROWS} 行。空行会被忽略。“{EXAMPLE_SHEET_TITLE}”工作表中的示例不会被导入。", False),
        ("3. 必填列（表头为橙色）：企业名称、统一社会信用代码、是否属于主导产业。", False),
        ("4. 统一社会信用代码：18位，字母大写（不使用 I、O、Z、S、V），系统会校验第18位校验码；", False),
        ("   同一代码在名册中只能出现一次，已在名册中的企业无需重复导入。", False),
        ("5. 是否属于主导产业：填写“是”或“否”（可从下拉列表选择）。", False),
        (
            "6. 四项证书编号（单项冠军、专精特新“小巨人”、专精特新中小企业、高新技术企业）为选填："
            "填写了证书编号即视为企业具有该称号，未获得的请留空。",
            False,
        ),
        ("7. 从业人员数为选填，应为不小于0的整数。", False),
        ("8. 证书编号、信用代码所在列已设为文本格式，请勿改为数字格式，以免长编号被 Excel 改写。", False),
        ("9. 文件中有任何一处错误时，系统将不导入任何数据，并列出全部错误所在的行和列，请修正后重新上传。", False),
        ("10. 请保存为 Excel 工作簿（.xlsx）格式上传，不支持 .xls、.csv、.et 等格式。", False),
    ]
    for index, (text, bold) in enumerate(lines, start=1):
        cell = help_ws.cell(row=index, column=1, value=text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14)

    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
