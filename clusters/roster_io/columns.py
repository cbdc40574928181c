"""The roster's columns, its limits, and what parsing yields: a RosterRow per enterprise, a RowError per problem."""

from __future__ import annotations

from dataclasses import dataclass, field

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
# Rows read, blank ones included, before the file is refused.
MAX_ROWS_READ = MAX_ROWS + 2000
MAX_ERRORS = 200
NAME_MAX_LENGTH = 200
CERT_MAX_LENGTH = 100
EMPLOYEES_MAX = 10_000_000


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
