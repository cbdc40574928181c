import csv
from pathlib import Path

import pytest

from accounts.models import Division

CSV = Path(__file__).resolve().parents[1] / "data" / "jiangsu-divisions.csv"

pytestmark = pytest.mark.django_db


def test_counts_by_level_and_kind():
    assert Division.objects.filter(level="province").count() == 1
    assert Division.objects.filter(level="city").count() == 13
    counties = Division.objects.filter(level="county")
    assert counties.filter(kind="市辖区").count() == 55
    assert counties.filter(kind="县级市").count() == 21
    assert counties.filter(kind="县").count() == 19
    assert counties.filter(kind="功能区").count() == 9
    assert counties.exclude(kind="功能区").count() == 95


def test_every_csv_row_loaded_with_its_parent():
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    loaded = {d.code: d for d in Division.objects.all()}
    assert len(loaded) == len(rows) == 118
    for row in rows:
        d = loaded[row["code"]]
        assert d.name == row["name"]
        assert (d.parent_id or "") == row["parent_code"]


def test_known_codes():
    assert Division.objects.get(code="320000").name == "江苏省"
    assert Division.objects.get(code="320500").name == "苏州市"
    kunshan = Division.objects.get(code="320583")
    assert kunshan.name == "昆山市" and kunshan.parent.name == "苏州市"
    assert kunshan.full_name == "苏州市昆山市"
    assert set(Division.objects.filter(level="city").values_list("code", flat=True)) == {
        f"32{n:02d}00" for n in range(1, 14)
    }
