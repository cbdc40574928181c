"""Reading the expert pool's Excel file and writing its template: the columns, their aliases, the row and
error types, and the bounded parse (archive checks, row caps). Validation and the import itself are in
`expert_import`."""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from itertools import zip_longest

from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

# (key, header, width, kind) in template order; headers are matched by name, so columns may be reordered.
COLUMNS: list[tuple[str, str, float, str]] = [
    ("username", "用户名", 16, "text"),
    ("full_name", "姓名", 10, "text"),
    ("phone", "手机号", 15, "text"),
    ("email", "电子邮箱", 24, "text"),
    ("employer", "工作单位", 28, "text"),
    ("credit_code", "工作单位统一社会信用代码", 22, "text"),
    ("city", "所在设区市", 11, "text"),
    ("title", "职称/职务", 14, "text"),
    ("specialities", "专业领域", 24, "text"),
    ("keywords", "专业关键词", 24, "text"),
    ("active", "是否启用", 9, "text"),
    ("max_assignments", "每批次评审上限", 12, "int"),
]
HEADERS: dict[str, str] = {key: header for key, header, _w, _k in COLUMNS}
# Other names staff use for the same columns (older lists, the wording).
ALIASES = {
    "账号": "username",
    "登录名": "username",
    "手机": "phone",
    "联系电话": "phone",
    "邮箱": "email",
    "单位": "employer",
    "统一社会信用代码": "credit_code",
    "设区市": "city",
    "职称": "title",
    "职务": "title",
    "研究领域": "specialities",
    "研究领域/关键词": "keywords",
    "关键词": "keywords",
    "是否在库": "active",
    "状态": "active",
    "每年最多评审数": "max_assignments",
    "评审上限": "max_assignments",
}
REQUIRED_HEADERS = ("username", "full_name")
# A form field (or model field) → the column its error belongs to.
FIELD_COLUMN = {
    "username": "username",
    "full_name": "full_name",
    "phone": "phone",
    "email": "email",
    "employer": "employer",
    "organisation": "employer",
    "new_employer_name": "employer",
    "new_employer_credit_code": "credit_code",
    "city": "city",
    "title": "title",
    "specialities": "specialities",
    "keywords": "keywords",
    "active": "active",
    "max_assignments": "max_assignments",
}

MAX_ROWS = 1000
# Rows read, blank ones included, before the file is refused (core.xlsx guards the archive itself).
MAX_ROWS_READ = MAX_ROWS + 2000
MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10
DATA_SHEET_TITLE = "专家名单"

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_LIST_SPLIT = re.compile(r"[、,，;；/\n]+")
_TRUE = {"是", "启用", "在库", "y", "yes", "1", "true"}
_FALSE = {"否", "停用", "不在库", "出库", "n", "no", "0", "false"}
_EXCEL_EXACT_LIMIT = 10**15


@dataclass
class RowError:
    """One problem: `row` is the Excel row (0 = the whole file), `column` the Chinese header ("" = no column)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    invited: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    cells: dict[str, str]


class _CellError(Exception):
    pass


def _not_xlsx() -> RowError:
    return RowError(
        0,
        "",
        "文件不是有效的 Excel（.xlsx）文件，无法读取。请下载本页提供的模板，填写后以 .xlsx 格式保存再上传"
        "（不支持 .xls、.csv、.et 等格式）。",
    )


def _header_key(value) -> str | None:
    text = _INVISIBLE.sub("", str(value)) if value is not None else ""
    text = text.replace("*", "").replace("＊", "").replace("（", "(").replace("）", ")")
    text = re.sub(r"\(.*\)$", "", text)  # "手机号（选填）"
    for key, header in HEADERS.items():
        if text == header:
            return key
    return ALIASES.get(text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise _CellError("不是有效的数值。")
            if not value.is_integer():
                return repr(value)
            value = int(value)
        if abs(value) >= _EXCEL_EXACT_LIMIT:
            raise _CellError("该单元格是数字格式，Excel 只保留15位有效数字，请将该列设为文本格式后重新填写。")
        return str(value)
    if hasattr(value, "isoformat"):
        raise _CellError("单元格是日期格式，请改为文本格式后重新填写。")
    return str(value).strip().strip("\u200b\ufeff").strip()


# ---------------------------------------------------------------- template


def build_template() -> bytes:
    """The template: the sheet to fill in (text-formatted, so phone numbers and credit codes stay text), an example
    and the values the city and speciality columns accept."""
    from accounts.constants import DivisionLevel
    from accounts.models import Division
    from clusters.models import IndustryTag
    from core.excel import Column, Sheet, build_workbook

    columns = [Column(header, width, kind) for _key, header, width, kind in COLUMNS]
    note = (
        "每行一名专家。用户名已在专家库中的，更新该专家（空白单元格保持原值）；否则新增专家，须填写用户名、姓名、"
        "电子邮箱、工作单位和所在设区市，系统向其邮箱发送设置密码的邀请。是否启用填“是”或“否”（默认是）；"
        "每批次评审上限为 1 至 200 的整数（默认 20）。专业领域可填多个，以顿号分隔。全部行校验通过才导入。"
    )
    example = [
        [
            "zhang.expert",
            "张三",
            "13812345678",
            "zhangsan@example.cn",
            "南京大学",
            "",
            "南京市",
            "教授",
            "",
            "集成电路、新材料",
            "是",
            20,
        ]
    ]
    cities = list(Division.objects.filter(level=DivisionLevel.CITY).order_by("code").values_list("name", flat=True))
    tags = list(IndustryTag.objects.filter(active=True).order_by("name").values_list("name", flat=True))
    values = [[c or "", t or ""] for c, t in zip_longest(cities, tags)]
    return build_workbook(
        [
            Sheet(DATA_SHEET_TITLE, columns, rows=[], note=note, blank_rows=200),
            Sheet("示例", columns, rows=example, note="示例行仅供参考，请在“专家名单”表中填写。"),
            Sheet("可选值", [Column("所在设区市", 14), Column("专业领域", 30)], rows=values),
        ]
    )


# ---------------------------------------------------------------- reading


def parse(fileobj) -> tuple[list[_Row], list[RowError]]:
    """The filled-in rows of the first sheet, as text per column, or the reasons the file cannot be read."""
    from openpyxl import load_workbook

    from core.xlsx import check_archive

    if isinstance(fileobj, bytes | bytearray | memoryview):
        fileobj = io.BytesIO(bytes(fileobj))
    try:
        check_archive(fileobj)
    except ValidationError as exc:
        return [], [RowError(0, "", "；".join(exc.messages))]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # BadZipFile, KeyError, XML errors…: all "not an xlsx"
        logger.info("expert upload is not a readable xlsx", exc_info=True)
        return [], [_not_xlsx()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return _read_sheet(wb)
    except Exception:  # a corrupt part found while streaming the sheet
        logger.warning("expert sheet could not be read", exc_info=True)
        return [], [_not_xlsx()]
    finally:
        wb.close()


def _read_sheet(wb) -> tuple[list[_Row], list[RowError]]:
    if not wb.worksheets:
        return [], [_not_xlsx()]
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # some writers record a wrong <dimension>, which would silently truncate the sheet
    columns: dict[str, int] = {}
    rows: list[_Row] = []
    errors: list[RowError] = []
    for number, line in enumerate(ws.iter_rows(values_only=True), start=1):
        # Every row read counts, blank ones too: a sheet of millions of empty rows must not hold a worker.
        if number > MAX_ROWS_READ:
            return [], [RowError(0, "", f"文件行数超过 {MAX_ROWS_READ} 行（含空白行），请删除多余的空白行或分批导入。")]
        line = line or ()
        if not columns:
            if number > HEADER_SEARCH_ROWS:
                break
            found: dict[str, int] = {}
            for index, value in enumerate(line):
                key = _header_key(value)
                if key is not None and key not in found:
                    found[key] = index
            if all(k in found for k in REQUIRED_HEADERS):
                columns = found
            continue
        raw = {key: (line[index] if index < len(line) else None) for key, index in columns.items()}
        if all(v is None or (isinstance(v, str) and not _INVISIBLE.sub("", v)) for v in raw.values()):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [RowError(0, "", f"超过 {MAX_ROWS} 名专家的上限（第{number}行），请分批导入。")]
        cells = {}
        for key, value in raw.items():
            try:
                cells[key] = _cell_text(value)
            except _CellError as exc:
                errors.append(RowError(number, HEADERS[key], str(exc)))
                cells[key] = ""
        rows.append(_Row(number, cells))
    if not columns:
        return [], [RowError(0, "", "找不到表头“用户名、姓名……”，请使用本页提供的模板（表头须在前 10 行内）。")]
    if not rows and not errors:
        return [], [RowError(0, "", "文件中没有专家数据。")]
    return rows, errors


# ---------------------------------------------------------------- validating
