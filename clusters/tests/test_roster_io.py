import io
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from clusters.roster_io import (
    MAX_ERRORS,
    MAX_ROWS,
    ROSTER_COLUMNS,
    RosterRow,
    RowError,
    build_template,
    parse_roster,
)
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


# ---------------------------------------------------------------------------------------------------------------
# The template


def test_columns_and_keys():
    assert [key for key, _h in ROSTER_COLUMNS] == [
        "name",
        "credit_code",
        "in_lead_industry",
        "champion_cert",
        "giant_cert",
        "specialised_cert",
        "hightech_cert",
        "employees",
    ]
    assert HEADERS[0] == "企业名称" and HEADERS[-1] == "从业人员数"


def test_template_round_trip_yields_nothing():
    rows, errors = parse_roster(build_template())
    assert rows == [] and errors == []


def test_template_layout():
    wb = load_workbook(io.BytesIO(build_template()))
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == HEADERS
    assert all(c.font.bold for c in data[1])
    assert data.freeze_panes == "A2"
    assert data.column_dimensions["A"].width > 20
    assert data.max_row == 1  # no example row in the data sheet
    lists = [dv for dv in data.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"是,否"' and "C2" in str(lists[0].sqref)
    assert "填写说明" in wb.sheetnames
    example = wb["示例"]
    assert wb.sheetnames.index("示例") == 1
    assert [c.value for c in example[1]] == HEADERS
    assert example["A2"].font.italic and example["A2"].font.color.rgb.endswith("808080")
    instructions = " ".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
    assert "统一社会信用代码" in instructions and "是" in instructions


def test_template_example_row_is_valid_when_copied_into_the_data_sheet():
    wb = load_workbook(io.BytesIO(build_template()))
    example = [c.value for c in wb["示例"][2]]
    rows, errors = parse_roster(make_xlsx([example]))
    assert errors == []
    assert rows[0].titles == frozenset({"specialised", "hightech"})
    assert rows[0].employees == 268 and rows[0].in_lead_industry is True


# ---------------------------------------------------------------------------------------------------------------
# Parsing good files


def test_parse_full_row():
    code = make_code(42)
    rows, errors = parse_roster(
        make_xlsx([["  苏州某某有限公司 ", code.lower(), "否", "GJ2021-01", 202300123, None, "GR2022", 12.0]])
    )
    assert errors == []
    assert rows == [
        RosterRow(
            name="苏州某某有限公司",
            credit_code=code,
            in_lead_industry=False,
            champion_cert="GJ2021-01",
            giant_cert="202300123",  # a number from Excel, without ".0"
            specialised_cert="",
            hightech_cert="GR2022",
            employees=12,
        )
    ]
    assert rows[0].row == 2
    assert rows[0].titles == frozenset({"champion", "giant", "hightech"})


def test_float_certificate_number_has_no_trailing_zero():
    rows, errors = parse_roster(make_xlsx([row(champion=20230001.0, hightech=0.0)]))
    assert errors == []
    assert rows[0].champion_cert == "20230001"
    assert rows[0].hightech_cert == "0"


def test_no_titles():
    rows, errors = parse_roster(make_xlsx([row()]))
    assert errors == [] and rows[0].titles == frozenset() and rows[0].employees is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("yes", True),
        ("NO", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        (False, False),
        (" 是 ", True),
    ],
)
def test_lead_industry_accepted_values(value, expected):
    rows, errors = parse_roster(make_xlsx([row(lead=value)]))
    assert errors == []
    assert rows[0].in_lead_industry is expected


def test_reordered_and_extra_columns():
    order = [7, 2, 0, 6, 1, 3, 5, 4]
    headers = [HEADERS[i] for i in order] + ["备注"]
    values = row(code=make_code(7), champion="C1", giant="G1", specialised="S1", hightech="H1", emp=30)
    rows, errors = parse_roster(make_xlsx([[values[i] for i in order] + ["随便写"]], headers=headers))
    assert errors == []
    assert rows[0].credit_code == make_code(7)
    assert (rows[0].champion_cert, rows[0].giant_cert, rows[0].specialised_cert, rows[0].hightech_cert) == (
        "C1",
        "G1",
        "S1",
        "H1",
    )
    assert rows[0].employees == 30


def test_optional_columns_may_be_absent_and_headers_tolerate_quotes_and_markers():
    headers = ["*企业名称", " 统一社会信用代码", "是否属于主导产业*", "专精特新“小巨人”证书编号"]
    rows, errors = parse_roster(make_xlsx([["甲公司", make_code(3), "是", "XJR-1"]], headers=headers))
    assert errors == []
    assert rows[0].giant_cert == "XJR-1" and rows[0].titles == {"giant"}
    assert rows[0].employees is None and rows[0].champion_cert == ""


def test_empty_rows_are_skipped_and_row_numbers_kept():
    rows, errors = parse_roster(
        make_xlsx(
            [row(code=make_code(1)), [None] * 8, ["  ", "", None, None, None, None, None, None], row(code=make_code(2))]
        )
    )
    assert errors == []
    assert [r.row for r in rows] == [2, 5]


def test_only_the_first_sheet_is_read():
    rows, errors = parse_roster(make_xlsx([row()], extra_sheets=["示例", "其他"]))
    assert errors == [] and len(rows) == 1


def test_accepts_a_django_uploaded_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("名册.xlsx", make_xlsx([row()]))
    upload.read(10)
    rows, errors = parse_roster(upload)
    assert errors == [] and len(rows) == 1


def test_500_rows_parse_quickly():
    data = [
        row(
            name=f"企业{i}",
            code=make_code(i),
            lead="是" if i % 2 else "否",
            giant=f"XJR{i}" if i % 10 == 0 else None,
            emp=i,
        )
        for i in range(500)
    ]
    content = make_xlsx(data)
    started = time.perf_counter()
    rows, errors = parse_roster(content)
    elapsed = time.perf_counter() - started
    assert errors == []
    assert len(rows) == 500
    assert len({r.credit_code for r in rows}) == 500
    assert sum("giant" in r.titles for r in rows) == 50
    assert elapsed < 3, elapsed  # a sanity bound only; typically well under a second


# ---------------------------------------------------------------------------------------------------------------
# Errors


def test_missing_required_columns():
    rows, errors = parse_roster(make_xlsx([["甲公司", "否"]], headers=["企业名称", "是否属于主导产业"]))
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(1, "统一社会信用代码")]
    assert "统一社会信用代码" in errors[0].message

    rows, errors = parse_roster(make_xlsx([["甲公司"]], headers=["公司"]))
    assert rows == []
    assert [e.column for e in errors] == ["企业名称", "统一社会信用代码", "是否属于主导产业"]
    assert all(e.row == 1 for e in errors)
    for e in errors:  # each message lists every missing column
        assert "企业名称" in e.message and "统一社会信用代码" in e.message and "是否属于主导产业" in e.message


def test_empty_workbook_reports_missing_columns():
    rows, errors = parse_roster(make_xlsx([], headers=[]))
    assert rows == [] and len(errors) == 3


def test_duplicate_header_is_an_error():
    headers = [*HEADERS, "企业名称"]
    rows, errors = parse_roster(make_xlsx([[*row(), "x"]], headers=headers))
    assert rows == []
    assert errors[0].row == 1 and errors[0].column == "企业名称" and "不止一次" in errors[0].message


def test_wrong_types_name_row_and_column():
    data = [
        row(code=make_code(1)),  # row 2 fine
        row(code=make_code(2), lead="也许"),  # row 3
        row(code=make_code(3), emp=12.5),  # row 4
        row(code=make_code(4), emp="abc"),  # row 5
        row(code=make_code(5), emp=-1),  # row 6
        row(code=make_code(6), name=None),  # row 7
        row(code=make_code(7), lead=None),  # row 8
        row(code=make_code(8), emp="1,200"),  # row 9 fine
        row(code=make_code(9), lead=2),  # row 10
    ]
    rows, errors = parse_roster(make_xlsx(data))
    assert [(e.row, e.column) for e in errors] == [
        (3, "是否属于主导产业"),
        (4, "从业人员数"),
        (5, "从业人员数"),
        (6, "从业人员数"),
        (7, "企业名称"),
        (8, "是否属于主导产业"),
        (10, "是否属于主导产业"),
    ]
    assert errors[0].message.startswith("第3行“是否属于主导产业”：")
    assert "也许" in errors[0].message
    assert "12.5" in errors[1].message
    assert "abc" in errors[2].message
    assert "负数" in errors[3].message
    assert "不能为空" in errors[4].message
    assert [r.row for r in rows] == [2, 9]
    assert rows[1].employees == 1200


def test_all_errors_of_a_row_are_reported():
    rows, errors = parse_roster(make_xlsx([[None, "ABC", "maybe", None, None, None, None, "x"]]))
    assert rows == []
    assert [e.column for e in errors] == ["企业名称", "统一社会信用代码", "是否属于主导产业", "从业人员数"]
    assert all(e.row == 2 for e in errors)


def test_bad_check_digit():
    code = bad_check_digit(make_code(11))
    rows, errors = parse_roster(make_xlsx([row(), row(code=code)]))
    assert len(rows) == 1
    [error] = errors
    assert (error.row, error.column) == (3, "统一社会信用代码")
    assert error.message.startswith("第3行“统一社会信用代码”：统一社会信用代码校验位错误")


def test_long_numeric_code_typed_as_a_number_is_explained():
    rows, errors = parse_roster(make_xlsx([row(code=913205001234567890)]))
    assert rows == []
    assert errors[0].column == "统一社会信用代码" and "文本格式" in errors[0].message


def test_duplicate_codes_name_the_earlier_row():
    code = make_code(5)
    data = [
        row(code=make_code(1)),
        row(code=make_code(2)),
        row(code=make_code(3)),
        row(code=code),
        row(code=make_code(4)),
    ]
    data += [row(code=make_code(6)), row(code=" " + code.lower() + " ")]
    rows, errors = parse_roster(make_xlsx(data))
    [error] = errors
    assert (error.row, error.column) == (8, "统一社会信用代码")
    assert "与第5行重复" in error.message
    assert len(rows) == 6


def test_existing_codes():
    known = make_code(9)
    rows, errors = parse_roster(make_xlsx([row(code=make_code(1)), row(code=known)]), existing_codes={known.lower()})
    [error] = errors
    assert (error.row, error.column) == (3, "统一社会信用代码")
    assert "已在名册中" in error.message
    assert [r.credit_code for r in rows] == [make_code(1)]


def test_not_an_xlsx():
    for content in (b"", b"not a spreadsheet at all", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600):
        rows, errors = parse_roster(content)
        assert rows == []
        assert errors == [RowError(row=0, column="", message=errors[0].message)]
        assert errors[0].message.startswith("文件不是有效的 Excel（.xlsx）文件")


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    rows, errors = parse_roster(buffer.getvalue())
    assert rows == [] and errors[0].row == 0 and "xlsx" in errors[0].message


def test_errors_are_capped():
    data = [row(code=make_code(i), lead="?") for i in range(MAX_ERRORS + 30)]
    rows, errors = parse_roster(make_xlsx(data))
    assert rows == []
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1].row == 0 and "还有 30 处错误未列出" in errors[-1].message
    assert errors[MAX_ERRORS - 1].row == MAX_ERRORS + 1


def test_too_many_rows():
    data = [row(code=make_code(i)) for i in range(MAX_ROWS + 1)]
    rows, errors = parse_roster(make_xlsx(data))
    assert rows == []
    [error] = errors
    assert str(MAX_ROWS) in error.message and "分批" in error.message
