"""Reading bad roster files: every error named by row and column, capped, and nothing half-read."""

import io
import zipfile

from clusters.roster_io import MAX_ERRORS, MAX_ROWS, RowError, parse_roster
from clusters.tests.roster_io.helpers import HEADERS, bad_check_digit, make_code, make_xlsx, row


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
