"""Reading a filled-in roster: every problem reported by row and column, so that the caller imports all rows or none."""

from __future__ import annotations

import io
import logging
import warnings

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.validators import credit_code_error

from .cells import (
    HEADER_LOOKUP,
    INVISIBLE,
    CellError,
    cell_bool,
    cell_employees,
    cell_message,
    cell_text,
    normalise_header,
)
from .columns import (
    CERT_MAX_LENGTH,
    CERT_TITLES,
    HEADERS,
    MAX_ERRORS,
    MAX_ROWS,
    MAX_ROWS_READ,
    NAME_MAX_LENGTH,
    REQUIRED_KEYS,
    RosterRow,
    RowError,
)

logger = logging.getLogger(__name__)


def already_listed(rows: list[RosterRow], existing: set[str]) -> list[RowError]:
    """Rows whose enterprise is already on the roster (checked under the application's lock)."""
    return [
        RowError(
            row=r.row,
            column=HEADERS["credit_code"],
            message=cell_message(
                r.row, HEADERS["credit_code"], _("“%(c)s”已在名册中，无需重复导入。") % {"c": r.credit_code}
            ),
        )
        for r in rows
        if r.credit_code in existing
    ]


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
    from django.core.exceptions import ValidationError

    from core.xlsx import check_archive

    if isinstance(fileobj, bytes | bytearray | memoryview):
        fileobj = io.BytesIO(bytes(fileobj))
    try:
        check_archive(fileobj)
    except ValidationError as exc:
        return [], [RowError(row=0, column="", message="；".join(exc.messages))]
    try:
        wb = _open_first_sheet(fileobj)
    except Exception:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors…: all "not an xlsx"
        logger.info("roster upload is not a readable xlsx", exc_info=True)
        return [], [_not_xlsx()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return _parse_workbook(wb, {INVISIBLE.sub("", c).upper() for c in existing_codes})
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
        # Every row read counts, blank ones too: a sheet of millions of empty rows must not hold a worker.
        if excel_row > MAX_ROWS_READ:
            return [], [
                RowError(
                    row=0,
                    column="",
                    message=_("文件行数超过 %(max)d 行（含空白行），请删除多余的空白行或分批导入。")
                    % {"max": MAX_ROWS_READ},
                )
            ]
        raw = {key: (line[index] if index < len(line) else None) for key, index in wanted}
        if all(v is None or (isinstance(v, str) and not INVISIBLE.sub("", v)) for v in raw.values()):
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
        key = HEADER_LOOKUP.get(normalise_header(value))
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
            RowError(row=excel_row, column=HEADERS[key], message=cell_message(excel_row, HEADERS[key], reason))
        )

    # 企业名称
    try:
        name = cell_text(raw.get("name"))
        if not name:
            fail("name", _("必填，不能为空。"))
        elif len(name) > NAME_MAX_LENGTH:
            fail("name", _("不能超过%(n)d个字符。") % {"n": NAME_MAX_LENGTH})
        values["name"] = name
    except CellError as exc:
        fail("name", str(exc))

    # 统一社会信用代码
    try:
        code = INVISIBLE.sub("", cell_text(raw.get("credit_code"))).upper()
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
    except CellError as exc:
        fail("credit_code", str(exc))

    # 是否属于主导产业
    value = raw.get("in_lead_industry")
    try:
        if value is None or (isinstance(value, str) and not value.strip()):
            fail("in_lead_industry", _("必填，请填写“是”或“否”。"))
        else:
            values["in_lead_industry"] = cell_bool(value)
    except CellError as exc:
        fail("in_lead_industry", str(exc))

    # 证书编号
    for key in CERT_TITLES:
        try:
            cert = cell_text(raw.get(key))
            if len(cert) > CERT_MAX_LENGTH:
                fail(key, _("不能超过%(n)d个字符。") % {"n": CERT_MAX_LENGTH})
            values[key] = cert
        except CellError as exc:
            fail(key, str(exc))

    # 从业人员数
    try:
        values["employees"] = cell_employees(raw.get("employees"))
    except CellError as exc:
        fail("employees", str(exc))

    if errors:
        return None, errors
    return RosterRow(row=excel_row, **values), []
