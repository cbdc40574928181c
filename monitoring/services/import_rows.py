"""Reading and validating the import file of clusters certified before the portal: the template, the columns,
every row checked (and the rows against each other and the database) before anything is written."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from accounts.constants import DivisionLevel
from accounts.models import Division, Organisation
from clusters.models import Certification, Cluster
from core.excel import Column, Sheet, build_workbook
from core.filetypes import check_upload
from core.validators import credit_code_error
from monitoring.permissions import ACTIVE_CERTIFICATION_STATES

MAX_ROWS = 1000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ImportColumn:
    key: str
    header: str
    required: bool
    width: float
    help: str


COLUMNS = [
    ImportColumn("name", "集群名称", True, 30, "如：昆山市电子信息特色产业集群"),
    ImportColumn(
        "division", "所在县（市、区）", True, 18, "六位行政区划代码（如 320583）或名称（如 昆山市、苏州市昆山市）"
    ),
    ImportColumn("lead_industry", "主导产业", True, 16, ""),
    ImportColumn("segment", "细分领域", False, 16, "不填时与主导产业相同"),
    ImportColumn("area_km2", "占地面积（平方公里）", True, 14, "大于 0 的数字，单位平方公里"),
    ImportColumn("management_body", "运营管理机构名称", True, 30, "即申报主体，平台据此开通账号"),
    ImportColumn("credit_code", "统一社会信用代码", True, 22, "运营管理机构的18位代码；请设为文本格式，避免Excel改写"),
    ImportColumn("number", "证书编号", True, 18, "在平台内不得重复"),
    ImportColumn("doc_number", "公布文号", True, 20, "如：苏工信中小〔2023〕123号"),
    ImportColumn("publish_date", "公布日期", True, 12, "如 2023-11-20"),
    ImportColumn("valid_from", "有效期起", True, 12, "一般为公布日期"),
    ImportColumn("valid_to", "有效期至", True, 12, "一般为公布日期起三年减一天"),
    ImportColumn("contact_email", "联系人电子邮箱", True, 24, "平台向该邮箱发送账号开通邀请"),
    ImportColumn("contact_name", "联系人姓名", False, 12, ""),
]
BY_KEY = {c.key: c for c in COLUMNS}


@dataclass
class RowError:
    row: int  # the Excel row number (0: the file as a whole)
    column: str  # "C（主导产业）", or "" for the row or file
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


@dataclass
class ImportRow:
    row: int
    values: dict
    division: Division | None = None
    cluster: Cluster | None = None  # an existing cluster of the same body, reused
    letters: dict = field(default_factory=dict)  # column key -> Excel column letter

    def column(self, key: str) -> str:
        letter = self.letters.get(key)
        return f"{letter}列（{BY_KEY[key].header}）" if letter else f"（{BY_KEY[key].header}）"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _norm_header(value) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    return text.replace("*", "").replace("（必填）", "").replace("(必填)", "").replace("(", "（").replace(")", "）")


def template_workbook() -> bytes:
    """The downloadable template: the import sheet (headers only) and a sheet explaining each column."""
    note = (
        "请从表头下一行起逐行填写，每行一个集群；必填列：" + "、".join(c.header for c in COLUMNS if c.required) + "。"
    )
    return build_workbook(
        [
            Sheet(
                "导入",
                [Column(c.header, c.width) for c in COLUMNS],
                rows=[],
                title="平台上线前认定集群导入表",
                note=note,
            ),
            Sheet(
                "填写说明",
                [Column("列", 24), Column("是否必填", 10), Column("说明", 60)],
                rows=[(c.header, "必填" if c.required else "选填", c.help) for c in COLUMNS],
            ),
        ]
    )


# ---------------------------------------------------------------- reading cells


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> datetime.date:
    """A date cell (a date, a datetime, an Excel serial number or text such as 2023-11-20 / 2023/11/20 /
    2023年11月20日); ValueError with a Chinese message otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    match = DATE_PATTERN.match(_text(value))
    if not match:
        raise ValueError(f"“{_text(value)}”不是有效日期，请填写如 2023-11-20 的日期。")
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"“{_text(value)}”不是有效日期。") from None


class _Divisions:
    def __init__(self):
        self.all = list(Division.objects.select_related("parent"))
        self.by_code = {d.code: d for d in self.all}
        self.by_name: dict[str, list] = {}
        for d in self.all:
            if d.level == DivisionLevel.COUNTY:
                self.by_name.setdefault(d.name, []).append(d)
                self.by_name.setdefault(d.full_name, []).append(d)

    def resolve(self, text: str) -> Division:
        text = text.replace(" ", "")
        if text.isdigit():
            found = self.by_code.get(text)
            if found is None:
                raise ValueError(f"行政区划代码“{text}”不存在。")
        else:
            matches = self.by_name.get(text, [])
            if not matches:
                other = next((d for d in self.all if d.name == text), None)
                if other is not None:
                    raise ValueError(f"{other.name}（{other.code}）不是县级区划；集群应位于县（市、区）。")
                raise ValueError(f"找不到县（市、区）“{text}”，请填写六位行政区划代码。")
            if len(matches) > 1:
                names = "、".join(f"{m.full_name}（{m.code}）" for m in matches)
                raise ValueError(f"“{text}”有重名：{names}，请填写行政区划代码或带设区市的全称。")
            found = matches[0]
        if found.level != DivisionLevel.COUNTY:
            raise ValueError(f"{found.name}（{found.code}）不是县级区划；集群应位于县（市、区）。")
        if not found.may_host_cluster:
            raise ValueError(f"{found.full_name}不能作为集群所在地。")
        return found


# ---------------------------------------------------------------- validation


def _read_sheet(fileobj) -> tuple[list, list[RowError]]:
    """(rows as (excel row number, {key: raw value}), errors) from the first sheet."""
    try:
        check_upload(fileobj, MAX_BYTES, allowed={"xlsx"})
    except ValidationError as exc:
        return [], [RowError(0, "", "；".join(exc.messages))]
    from openpyxl import load_workbook

    try:
        fileobj.seek(0)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged workbook is the user's to fix, not a 500
        return [], [RowError(0, "", "无法读取该Excel文件，请使用平台提供的模板（.xlsx）重新填写。")]
    ws = wb.worksheets[0]
    header_row, positions = None, {}
    wanted = {_norm_header(c.header): c.key for c in COLUMNS}
    all_rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 20))
    for number, cells in enumerate(all_rows[:10], start=1):
        found = {wanted[_norm_header(v)]: i for i, v in enumerate(cells or ()) if _norm_header(v) in wanted}
        if "name" in found:
            header_row, positions = number, found
            break
    if header_row is None:
        return [], [RowError(0, "", "未找到表头（应含“集群名称”等列），请使用平台提供的模板。")]
    absent = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if absent:
        return [], [RowError(header_row, "", f"缺少必填列：{'、'.join(absent)}。请使用平台提供的模板。")]
    rows = []
    for number, cells in enumerate(all_rows[header_row:], start=header_row + 1):
        cells = list(cells or ())
        values = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append((number, values, positions))
    if len(rows) > MAX_ROWS:
        return [], [RowError(0, "", f"一次最多导入 {MAX_ROWS} 行，请分批导入。")]
    return rows, []


def parse_import(fileobj, today: datetime.date | None = None) -> tuple[list[ImportRow], list[RowError]]:
    """Validate every row; return the rows ready to apply, or the errors by row and column (nothing applied)."""
    today = today or timezone.localdate()
    raw_rows, errors = _read_sheet(fileobj)
    if errors:
        return [], errors
    if not raw_rows:
        return [], [RowError(0, "", "文件中没有集群数据（请在表头下一行起填写）。")]
    divisions = _Divisions()
    parsed: list[ImportRow] = []
    for number, raw, positions in raw_rows:
        letters = {key: _letter(i) for key, i in positions.items()}

        def err(key, message, number=number, letters=letters):
            column = f"{letters[key]}列（{BY_KEY[key].header}）" if key in letters else f"（{BY_KEY[key].header}）"
            errors.append(RowError(number, column, message))

        values = {}
        for column in COLUMNS:
            value = raw.get(column.key)
            if column.key in ("publish_date", "valid_from", "valid_to"):
                if _text(value) == "":
                    err(column.key, "必填，不能为空。")
                    continue
                try:
                    values[column.key] = parse_date(value)
                except ValueError as exc:
                    err(column.key, str(exc))
                continue
            if column.key == "credit_code" and isinstance(value, int | float) and not isinstance(value, bool):
                err(column.key, "代码被Excel存为数字，末位可能已丢失；请将该列设为文本格式后重新填写。")
                continue
            text = _text(value)
            if column.required and not text:
                err(column.key, "必填，不能为空。")
                continue
            values[column.key] = text
        row = ImportRow(row=number, values=values, letters=letters)
        if values.get("division"):
            try:
                row.division = divisions.resolve(values["division"])
            except ValueError as exc:
                err("division", str(exc))
        code = (values.get("credit_code") or "").upper()
        if code:
            values["credit_code"] = code
            problem = credit_code_error(code)
            if problem:
                err("credit_code", str(problem))
        if values.get("area_km2"):
            try:
                values["area_km2"] = Decimal(values["area_km2"].replace(",", ""))
                if not values["area_km2"].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                err("area_km2", f"“{values['area_km2']}”不是数字。")
                values.pop("area_km2")
        if values.get("contact_email"):
            try:
                validate_email(values["contact_email"])
            except ValidationError:
                err("contact_email", f"“{values['contact_email']}”不是有效的电子邮箱。")
        pub, start, end = values.get("publish_date"), values.get("valid_from"), values.get("valid_to")
        if pub and pub > today:
            err("publish_date", "公布日期不能晚于今天。")
        if pub and start and start < pub:
            err("valid_from", "有效期起不能早于公布日期。")
        if start and end and end <= start:
            err("valid_to", "有效期至应晚于有效期起。")
        elif end and end < today:
            err("valid_to", f"有效期已于{end:%Y-%m-%d}届满，已过期的认定不导入（复核、撤销按程序办理）。")
        if row.division is not None and all(k in values for k in ("name", "lead_industry", "area_km2")):
            cluster = Cluster(
                name=values["name"],
                division=row.division,
                lead_industry=values["lead_industry"],
                segment=values.get("segment") or values["lead_industry"],
                area_km2=values["area_km2"],
                management_body=values.get("management_body", ""),
            )
            try:
                cluster.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for name, msgs in exc.message_dict.items():
                    err(name if name in BY_KEY else "name", "；".join(msgs))
        parsed.append(row)
    _check_across_rows(parsed, errors)
    errors.sort(key=lambda e: (e.row, e.column))
    return ([] if errors else parsed), errors


def _check_across_rows(rows: list[ImportRow], errors: list[RowError]) -> None:
    """Uniqueness within the file and against the database, in a fixed number of queries."""

    def err(row, key, message):
        errors.append(RowError(row.row, row.column(key), message))

    numbers: dict[str, int] = {}
    names: dict[tuple, int] = {}
    code_division: dict[str, tuple] = {}
    for row in rows:
        v = row.values
        if v.get("number"):
            if v["number"] in numbers:
                err(row, "number", f"证书编号“{v['number']}”与第{numbers[v['number']]}行重复。")
            numbers.setdefault(v["number"], row.row)
        if row.division is not None and v.get("name"):
            key = (row.division.code, v["name"])
            if key in names:
                err(row, "name", f"与第{names[key]}行是同一县的同名集群。")
            names.setdefault(key, row.row)
        if row.division is not None and v.get("credit_code"):
            first = code_division.setdefault(v["credit_code"], (row.division.code, row.row))
            if first[0] != row.division.code:
                err(row, "credit_code", f"同一运营管理机构在第{first[1]}行位于另一个县；申报主体只能属于一个县。")
    taken = set(Certification.objects.filter(number__in=list(numbers)).values_list("number", flat=True))
    orgs = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=list(code_division))}
    existing = {
        (c.division_id, c.name): c
        for c in Cluster.objects.filter(name__in=[n for _d, n in names]).select_related("owner")
    }
    active = set(
        Certification.objects.filter(
            cluster__in=[c.pk for c in existing.values()], status__in=ACTIVE_CERTIFICATION_STATES
        ).values_list("cluster_id", flat=True)
    )
    for row in rows:
        v = row.values
        if v.get("number") in taken:
            err(row, "number", f"证书编号“{v['number']}”已在平台中使用。")
        org = orgs.get(v.get("credit_code"))
        if org is not None and row.division is not None and org.division_id != row.division.code:
            err(row, "credit_code", f"该代码的机构“{org.name}”登记在{org.division}，与集群所在县不一致。")
        if row.division is None or not v.get("name"):
            continue
        cluster = existing.get((row.division.code, v["name"]))
        if cluster is None:
            continue
        if cluster.owner.credit_code != v.get("credit_code"):
            err(
                row,
                "name",
                f"{row.division.name}已有同名集群“{cluster.name}”，属于其他申报主体（{cluster.owner.name}）。",
            )
        elif cluster.pk in active:
            err(row, "name", f"集群“{cluster.name}”已有有效的认定，不能重复导入。")
        else:
            row.cluster = cluster
