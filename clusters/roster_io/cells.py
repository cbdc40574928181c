"""One cell's value as the roster wants it (text, 是/否, a whole number), or the reason it cannot be."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .columns import EMPLOYEES_MAX, ROSTER_COLUMNS

# Excel keeps 15 significant digits of a number: a longer code typed into a number cell is already corrupted.
_EXCEL_EXACT_LIMIT = 10**15

_TRUE = {"是", "y", "yes", "1", "true"}
_FALSE = {"否", "n", "no", "0", "false"}
INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "'": '"', "‘": '"', "’": '"', "「": '"', "」": '"'})


class CellError(Exception):
    """A cell's value is not acceptable; the argument is the reason (Chinese)."""


def normalise_header(value) -> str:
    text = INVISIBLE.sub("", str(value)) if value is not None else ""
    return text.replace("*", "").replace("＊", "").translate(_QUOTES)


HEADER_LOOKUP = {normalise_header(header): key for key, header in ROSTER_COLUMNS}


def _number_to_text(value: int | float) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("不是有效的数值。"))
        if not value.is_integer():
            return repr(value)
        value = int(value)
    if abs(value) >= _EXCEL_EXACT_LIMIT:
        raise CellError(
            _("该单元格是数字格式，Excel 只保留15位有效数字，超长编号已被改写。请将该列设为文本格式后重新填写。")
        )
    return str(value)


def cell_text(value) -> str:
    """A cell as trimmed text; int-valued numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_to_text(value)
    if hasattr(value, "isoformat"):
        raise CellError(_("单元格是日期格式，请改为文本格式后重新填写。"))
    return str(value).strip().strip("\u200b\ufeff").strip()


def cell_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = cell_text(value).lower() if not isinstance(value, int | float) else str(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("应填写“是”或“否”，实为“%(v)s”。") % {"v": cell_text(value)})


def cell_employees(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("应为不小于0的整数。"))
    if isinstance(value, int | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        shown = _number_text_for_message(value)
    else:
        shown = cell_text(value)
        if shown == "":
            return None
        try:
            number = Decimal(shown.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise CellError(_("应为不小于0的整数，实为“%(v)s”。") % {"v": shown}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("应为不小于0的整数，实为“%(v)s”。") % {"v": shown})
    if number < 0:
        raise CellError(_("不能为负数，实为“%(v)s”。") % {"v": shown})
    if number > EMPLOYEES_MAX:
        raise CellError(_("“%(v)s”超出合理范围，请核对。") % {"v": shown})
    return int(number)


def _number_text_for_message(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXCEL_EXACT_LIMIT:
        return str(int(value))
    return str(value)


def cell_message(row: int, header: str, reason: str) -> str:
    return _("第%(row)d行“%(column)s”：%(reason)s") % {"row": row, "column": header, "reason": reason}
