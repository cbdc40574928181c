"""The enterprise roster (企业名册) as an Excel file: the blank template and the parser of a filled-in one.

Pure: no model or database access. The caller decides what to do with the parsed rows; when `parse_roster`
returns any error, the caller imports nothing (so that a roster is never half imported).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.validators import credit_code_check_char, credit_code_error

logger = logging.getLogger(__name__)

# (key, header) in template order. Headers are matched by name, so a user may reorder the columns.
ROSTER_COLUMNS: list[tuple[str, str]] = [
    ("name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("in_lead_industry", "是否属于主导产业"),
    ("champion_cert", "单项冠军证书编号"),
    ("giant_cert", '专精特新"小巨人"证书编号'),
    ("specialised_cert", "专精特新中小企业证书编号"),
    ("hightech_cert", "高新技术企业证书编号"),
    ("employees", "从业人员数"),
]
HEADERS: dict[str, str] = dict(ROSTER_COLUMNS)
REQUIRED_KEYS: tuple[str, ...] = ("name", "credit_code", "in_lead_industry")
# certificate column -> the title its holder has (RosterRow.titles)
CERT_TITLES: dict[str, str] = {
    "champion_cert": "champion",
    "giant_cert": "giant",
    "specialised_cert": "specialised",
    "hightech_cert": "hightech",
}

DATA_SHEET_TITLE = "企业名册"
EXAMPLE_SHEET_TITLE = "示例"
INSTRUCTIONS_SHEET_TITLE = "填写说明"

MAX_ROWS = 5000
MAX_ERRORS = 200
NAME_MAX_LENGTH = 200
CERT_MAX_LENGTH = 100
EMPLOYEES_MAX = 10_000_000
# Excel keeps 15 significant digits of a number: a longer code typed into a number cell is already corrupted.
_EXCEL_EXACT_LIMIT = 10**15

_TRUE = {"是", "y", "yes", "1", "true"}
_FALSE = {"否", "n", "no", "0", "false"}
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "'": '"', "‘": '"', "’": '"', "「": '"', "」": '"'})


@dataclass
class RowError:
    """One problem in the file. `row` is the Excel row number (header = 1; 0 = the whole file), `column` the
    Chinese header ("" when not about one column). `message` is a complete sentence, ready to show."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class RosterRow:
    name: str
    credit_code: str
    in_lead_industry: bool
    champion_cert: str
    giant_cert: str
    specialised_cert: str
    hightech_cert: str
    employees: int | None
    row: int = field(default=0, compare=False)  # the Excel row it came from

    @property
    def titles(self) -> frozenset[str]:
        """Titles held, from the non-empty certificate numbers: a subset of champion/giant/specialised/hightech."""
        return frozenset(title for key, title in CERT_TITLES.items() if getattr(self, key))


# --------------------------------------------------------------------------------------------------------------
# Template


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


# --------------------------------------------------------------------------------------------------------------
# Parsing


class _CellError(Exception):
    """A cell's value is not acceptable; the argument is the reason (Chinese)."""


def _normalise_header(value) -> str:
    text = _INVISIBLE.sub("", str(value)) if value is not None else ""
    return text.replace("*", "").replace("＊", "").translate(_QUOTES)


_HEADER_LOOKUP = {_normalise_header(header): key for key, header in ROSTER_COLUMNS}


def _number_to_text(value: int | float) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _CellError(_("不是有效的数值。"))
        if not value.is_integer():
            return repr(value)
        value = int(value)
    if abs(value) >= _EXCEL_EXACT_LIMIT:
        raise _CellError(
            _("该单元格是数字格式，Excel 只保留15位有效数字，超长编号已被改写。请将该列设为文本格式后重新填写。")
        )
    return str(value)


def _text(value) -> str:
    """A cell as trimmed text; int-valued numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_to_text(value)
    if hasattr(value, "isoformat"):
        raise _CellError(_("单元格是日期格式，请改为文本格式后重新填写。"))
    return str(value).strip().strip("\u200b\ufeff").strip()


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text(value).lower() if not isinstance(value, int | float) else str(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(_("应填写“是”或“否”，实为“%(v)s”。") % {"v": _text(value)})


def _employees(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _CellError(_("应为不小于0的整数。"))
    if isinstance(value, int | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        shown = _number_text_for_message(value)
    else:
        shown = _text(value)
        if shown == "":
            return None
        try:
            number = Decimal(shown.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise _CellError(_("应为不小于0的整数，实为“%(v)s”。") % {"v": shown}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _CellError(_("应为不小于0的整数，实为“%(v)s”。") % {"v": shown})
    if number < 0:
        raise _CellError(_("不能为负数，实为“%(v)s”。") % {"v": shown})
    if number > EMPLOYEES_MAX:
        raise _CellError(_("“%(v)s”超出合理范围，请核对。") % {"v": shown})
    return int(number)


def _number_text_for_message(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXCEL_EXACT_LIMIT:
        return str(int(value))
    return str(value)


def _cell_message(row: int, header: str, reason: str) -> str:
    return _("第%(row)d行“%(column)s”：%(reason)s") % {"row": row, "column": header, "reason": reason}


def _not_xlsx() -> RowError:
    return RowError(
        row=0,
        column="",
        message=_(
            "文件不是有效的 Excel（.xlsx）文件，无法读取。请下载本页提供的模板，填写后以 .xlsx 格式保存再上传"
            "（不支持 .xls、.csv、.et 等格式）。"
        ),
    )


def _open_first_sheet(fileobj):
    if isinstance(fileobj, bytes | bytearray | memoryview):
        fileobj = io.BytesIO(bytes(fileobj))
    elif hasattr(fileobj, "seek"):
        fileobj.seek(0)
    with warnings.catch_warnings():
        # openpyxl warns about Excel features it drops (extensions, unknown styles); irrelevant to values.
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    return wb


def parse_roster(
    fileobj, existing_codes: set[str] | frozenset[str] = frozenset()
) -> tuple[list[RosterRow], list[RowError]]:
    """Read the first sheet of an .xlsx roster.

    Returns (rows, errors). The rows are those that parsed cleanly; when `errors` is not empty the caller must
    import nothing. Errors are in file order, capped at MAX_ERRORS plus one "还有 N 处错误未列出" entry.
    `fileobj` may be bytes or a binary file (a Django UploadedFile works).
    """
    try:
        wb = _open_first_sheet(fileobj)
    except Exception:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors…: all "not an xlsx"
        logger.info("roster upload is not a readable xlsx", exc_info=True)
        return [], [_not_xlsx()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return _parse_workbook(wb, {_INVISIBLE.sub("", c).upper() for c in existing_codes})
    except Exception:  # a corrupt part discovered while streaming the sheet
        logger.warning("roster sheet could not be read", exc_info=True)
        return [], [_not_xlsx()]
    finally:
        wb.close()


def _parse_workbook(wb, existing: set[str]) -> tuple[list[RosterRow], list[RowError]]:
    if not wb.worksheets:
        return [], [_not_xlsx()]
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # some writers record a wrong <dimension>, which would silently truncate the sheet
    lines = ws.iter_rows(values_only=True)

    header_row = next(lines, ())
    columns, errors = _locate_columns(header_row)
    if errors:
        return [], errors

    rows: list[RosterRow] = []
    errors = []
    error_count = 0
    seen: dict[str, int] = {}
    data_rows = 0
    wanted = list(columns.items())

    def add(error: RowError) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < MAX_ERRORS:
            errors.append(error)

    for excel_row, line in enumerate(lines, start=2):
        raw = {key: (line[index] if index < len(line) else None) for key, index in wanted}
        if all(v is None or (isinstance(v, str) and not _INVISIBLE.sub("", v)) for v in raw.values()):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            return [], [
                RowError(
                    row=0,
                    column="",
                    message=_("名册超过 %(max)d 行的上限（第%(row)d行是第 %(n)d 条数据），请分批导入。")
                    % {"max": MAX_ROWS, "row": excel_row, "n": data_rows},
                )
            ]
        row, row_errors = _parse_line(excel_row, raw, seen, existing)
        for error in row_errors:
            add(error)
        if row is not None:
            rows.append(row)

    if error_count > len(errors):
        errors.append(
            RowError(
                row=0,
                column="",
                message=_("还有 %(n)d 处错误未列出，请先修正以上错误后重新上传。") % {"n": error_count - len(errors)},
            )
        )
    return rows, errors


def _locate_columns(header_row) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, value in enumerate(header_row):
        key = _HEADER_LOOKUP.get(_normalise_header(value))
        if key is None:
            continue  # unknown columns (备注 etc.) are ignored
        if key in columns:
            errors.append(
                RowError(
                    row=1,
                    column=HEADERS[key],
                    message=_("第1行（表头）：“%(h)s”出现了不止一次（第%(a)s列和第%(b)s列），请只保留一列。")
                    % {"h": HEADERS[key], "a": get_column_letter(columns[key] + 1), "b": get_column_letter(index + 1)},
                )
            )
            continue
        columns[key] = index
    missing = [HEADERS[key] for key in REQUIRED_KEYS if key not in columns]
    listed = "、".join(f"“{h}”" for h in missing)
    for header in missing:
        errors.append(
            RowError(
                row=1,
                column=header,
                message=_(
                    "第1行（表头）缺少必填列“%(h)s”（共缺少：%(all)s）。请使用本页提供的模板，不要修改第1行表头。"
                )
                % {"h": header, "all": listed},
            )
        )
    return columns, errors


def _parse_line(
    excel_row: int, raw: dict, seen: dict[str, int], existing: set[str]
) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict = {}

    def fail(key: str, reason: str) -> None:
        errors.append(
            RowError(row=excel_row, column=HEADERS[key], message=_cell_message(excel_row, HEADERS[key], reason))
        )

    # 企业名称
    try:
        name = _text(raw.get("name"))
        if not name:
            fail("name", _("必填，不能为空。"))
        elif len(name) > NAME_MAX_LENGTH:
            fail("name", _("不能超过%(n)d个字符。") % {"n": NAME_MAX_LENGTH})
        values["name"] = name
    except _CellError as exc:
        fail("name", str(exc))

    # 统一社会信用代码
    try:
        code = _INVISIBLE.sub("", _text(raw.get("credit_code"))).upper()
        if not code:
            fail("credit_code", _("必填，不能为空。"))
        else:
            problem = credit_code_error(code)
            if problem:
                fail("credit_code", str(problem))
            elif code in seen:
                fail("credit_code", _("“%(c)s”与第%(r)d行重复。") % {"c": code, "r": seen[code]})
            elif code in existing:
                fail("credit_code", _("“%(c)s”已在名册中，无需重复导入。") % {"c": code})
            else:
                seen[code] = excel_row
        values["credit_code"] = code
    except _CellError as exc:
        fail("credit_code", str(exc))

    # 是否属于主导产业
    value = raw.get("in_lead_industry")
    try:
        if value is None or (isinstance(value, str) and not value.strip()):
            fail("in_lead_industry", _("必填，请填写“是”或“否”。"))
        else:
            values["in_lead_industry"] = _bool(value)
    except _CellError as exc:
        fail("in_lead_industry", str(exc))

    # 证书编号
    for key in CERT_TITLES:
        try:
            cert = _text(raw.get(key))
            if len(cert) > CERT_MAX_LENGTH:
                fail(key, _("不能超过%(n)d个字符。") % {"n": CERT_MAX_LENGTH})
            values[key] = cert
        except _CellError as exc:
            fail(key, str(exc))

    # 从业人员数
    try:
        values["employees"] = _employees(raw.get("employees"))
    except _CellError as exc:
        fail("employees", str(exc))

    if errors:
        return None, errors
    return RosterRow(row=excel_row, **values), []
