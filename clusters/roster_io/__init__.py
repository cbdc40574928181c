"""The enterprise roster (企业名册) as an Excel file: the blank template and the parser of a filled-in one.

Pure: no model or database access. The caller decides what to do with the parsed rows; when `parse_roster`
returns any error, the caller imports nothing (so that a roster is never half imported).

columns.py holds the columns, limits, RosterRow and RowError; template.py builds the template; cells.py reads one
cell; parsing.py reads a whole file. Callers import from `clusters.roster_io`.
"""

from .columns import (
    CERT_MAX_LENGTH,
    CERT_TITLES,
    DATA_SHEET_TITLE,
    EMPLOYEES_MAX,
    EXAMPLE_SHEET_TITLE,
    HEADERS,
    INSTRUCTIONS_SHEET_TITLE,
    MAX_ERRORS,
    MAX_ROWS,
    MAX_ROWS_READ,
    NAME_MAX_LENGTH,
    REQUIRED_KEYS,
    ROSTER_COLUMNS,
    RosterRow,
    RowError,
)
from .parsing import already_listed, parse_roster
from .template import build_template

__all__ = [
    "CERT_MAX_LENGTH",
    "CERT_TITLES",
    "DATA_SHEET_TITLE",
    "EMPLOYEES_MAX",
    "EXAMPLE_SHEET_TITLE",
    "HEADERS",
    "INSTRUCTIONS_SHEET_TITLE",
    "MAX_ERRORS",
    "MAX_ROWS",
    "MAX_ROWS_READ",
    "NAME_MAX_LENGTH",
    "REQUIRED_KEYS",
    "ROSTER_COLUMNS",
    "RosterRow",
    "RowError",
    "already_listed",
    "build_template",
    "parse_roster",
]
