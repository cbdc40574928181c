"""Reading good roster files: values, tolerated layouts, and speed."""

import time

import pytest

from clusters.roster_io import RosterRow, parse_roster
from clusters.tests.roster_io.helpers import HEADERS, make_code, make_xlsx, row


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
