"""Rules 1 (area, soft), 2a (total output) and 2b / 2d (shares of total output), at their boundaries.

Pure: no database.
"""

from decimal import Decimal as D

import pytest

from clusters.eligibility import Outcome, evaluate, failed_hard, summary
from clusters.tests.eligibility.helpers import passing_facts, result, set_facts, set_year

# Rule 1 — area (soft)


@pytest.mark.parametrize(
    "area, outcome",
    [
        (D("99.99"), Outcome.PASS),
        (D("100"), Outcome.PASS),
        (D("100.01"), Outcome.WARNING),
        (D("250"), Outcome.WARNING),
        (None, Outcome.WARNING),
        (D("0"), Outcome.WARNING),
    ],
)
def test_rule1_area(area, outcome):
    r = result(set_facts(passing_facts(), area_km2=area), "1")
    assert r.outcome == outcome
    assert r.kind == "soft"
    if area is None:
        assert "未填写" in r.message


def test_rule1_warning_is_not_a_failed_hard_rule():
    results = evaluate(set_facts(passing_facts(), area_km2=D("150")))
    assert failed_hard(results) == []
    assert summary(results)["warning"] == 1


# Rule 2a — total output each of the last three years


@pytest.mark.parametrize("year", [2022, 2023, 2024])
@pytest.mark.parametrize(
    "value, outcome",
    [
        (D("399999.99"), Outcome.FAIL),
        (D("400000"), Outcome.PASS),
        (D("400000.01"), Outcome.PASS),
    ],
)
def test_rule2a_total_output_boundary(year, value, outcome):
    facts = set_year(passing_facts(), year, total_output=value, sme_output=value, lead_output=value)
    r = result(facts, "2a")
    assert r.outcome == outcome
    assert r.numbers["门槛"] == "≥ 400,000 万元"
    if outcome == Outcome.FAIL:
        assert f"{year}年" in r.message and "399,999.99 万元" in r.message and "低于 400,000 万元" in r.message


def test_rule2a_base_year_does_not_count():
    facts = set_year(passing_facts(), 2021, total_output=D("1"))
    assert result(facts, "2a").outcome == Outcome.PASS


def test_rule2a_missing_year_fails_naming_it():
    facts = passing_facts()
    del facts.years[2023]
    r = result(facts, "2a")
    assert r.outcome == Outcome.FAIL
    assert "未填写2023年集群总产值" in r.message
    assert r.numbers["2023年"] == "未填写"


def test_rule2a_numbers_formatting():
    r = result(set_year(passing_facts(), 2022, total_output=D("412000")), "2a")
    assert r.numbers["2022年"] == "412,000 万元"


# Rules 2b / 2d — shares of total output, each year

SHARE_CASES = [
    (D("349950"), Outcome.FAIL),  # 69.99%
    (D("349999.99"), Outcome.FAIL),  # 69.999998%: shown as 69.99%, never rounded up to 70.00%
    (D("350000"), Outcome.PASS),  # 70%
    (D("350050"), Outcome.PASS),  # 70.01%
]


@pytest.mark.parametrize("code, attr", [("2b", "sme_output"), ("2d", "lead_output")])
@pytest.mark.parametrize("year", [2022, 2024])
@pytest.mark.parametrize("value, outcome", SHARE_CASES)
def test_share_rules_boundary(code, attr, year, value, outcome):
    facts = set_year(passing_facts(), year, **{attr: value})
    r = result(facts, code)
    assert r.outcome == outcome
    assert r.numbers["门槛"] == "≥ 70.00%"
    if outcome == Outcome.FAIL:
        assert f"{year}年" in r.message
        assert "69.99%" in r.numbers[f"{year}年"]
        assert "70.00%" not in r.numbers[f"{year}年"]
    else:
        assert r.numbers[f"{year}年"].startswith(("70.00%", "70.01%"))


@pytest.mark.parametrize("code, attr", [("2b", "sme_output"), ("2d", "lead_output")])
def test_share_rules_zero_total_output_fails_without_division(code, attr):
    facts = set_year(passing_facts(), 2023, total_output=D("0"))
    r = result(facts, code)
    assert r.outcome == Outcome.FAIL
    assert "2023年" in r.message and "无法计算占比" in r.message


@pytest.mark.parametrize("code, attr", [("2b", "sme_output"), ("2d", "lead_output")])
@pytest.mark.parametrize("value", [D("500000.01"), D("-1")])
def test_share_rules_share_outside_0_100_fails(code, attr, value):
    facts = set_year(passing_facts(), 2023, **{attr: value})
    r = result(facts, code)
    assert r.outcome == Outcome.FAIL
    assert "比例应在0至100之间" in r.message


def test_share_rule_exactly_100_percent_passes():
    facts = set_year(passing_facts(), 2023, sme_output=D("500000"))
    assert result(facts, "2b").outcome == Outcome.PASS


@pytest.mark.parametrize(
    "code, attr, label",
    [("2b", "sme_output", "2023年中小企业产值"), ("2d", "lead_output", "2023年主导产业产值")],
)
def test_share_rules_missing_value_fails(code, attr, label):
    facts = set_year(passing_facts(), 2023, **{attr: None})
    r = result(facts, code)
    assert r.outcome == Outcome.FAIL
    assert f"未填写{label}" in r.message
