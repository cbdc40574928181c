"""The roster template: its columns, layout and example row."""

import io

from openpyxl import load_workbook

from clusters.roster_io import ROSTER_COLUMNS, build_template, parse_roster
from clusters.tests.roster_io.helpers import HEADERS, make_xlsx


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
