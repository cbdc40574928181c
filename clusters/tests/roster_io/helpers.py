"""Roster workbooks for the roster_io tests: valid credit codes and .xlsx files built row by row."""

import io

from openpyxl import Workbook

from clusters.roster_io import ROSTER_COLUMNS
from core.validators import CREDIT_CODE_CHARS, credit_code_check_char

HEADERS = [header for _key, header in ROSTER_COLUMNS]
ALPHABET = CREDIT_CODE_CHARS


def make_code(n: int) -> str:
    """A valid credit code, distinct for each n."""
    tail = ""
    rest = n // 1_000_000
    for _ in range(5):
        rest, digit = divmod(rest, len(ALPHABET))
        tail += ALPHABET[digit]
    first17 = "91320" + "5" + f"{n % 1_000_000:06d}" + tail
    return first17 + credit_code_check_char(first17)


def bad_check_digit(code: str) -> str:
    wrong = next(c for c in "0123456789" if c != code[17])
    return code[:17] + wrong


def make_xlsx(rows, headers=HEADERS, extra_sheets=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名册"
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for title in extra_sheets:
        wb.create_sheet(title).append(["无关内容"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(
    name="某某科技有限公司", code=None, lead="是", champion=None, giant=None, specialised=None, hightech=None, emp=None
):
    return [name, code or make_code(1), lead, champion, giant, specialised, hightech, emp]
