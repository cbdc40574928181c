"""Rule 5d (invention patents per 10,000 employees) and rules 6a / 6b (percentages). Pure: no database."""

from decimal import Decimal as D

import pytest

from clusters.eligibility import Outcome
from clusters.tests.eligibility.helpers import passing_facts, result, set_facts, set_year

# Rule 5d — invention patents per 10,000 employees (Y-1)


@pytest.mark.parametrize(
    "patents, employees, outcome",
    [
        (149, 100000, Outcome.FAIL),  # 14.9
        (150, 100000, Outcome.PASS),  # 15 exactly
        (151, 100000, Outcome.PASS),  # 15.1
        (1499999, 1000000000, Outcome.FAIL),  # 14.99999 — shown below 15, not rounded up
        (3, 2000, Outcome.PASS),  # 15 exactly
        (2, 2000, Outcome.FAIL),
    ],
)
def test_rule5d_density_boundary(patents, employees, outcome):
    facts = set_year(passing_facts(), 2024, invention_patents=patents, employees=employees)
    r = result(facts, "5d")
    assert r.outcome == outcome
    shown = D(r.numbers["每万人发明专利拥有量"].split()[0])
    assert (shown >= 15) == (outcome == Outcome.PASS)


@pytest.mark.parametrize("employees", [0, None])
def test_rule5d_no_employees_fails(employees):
    facts = set_year(passing_facts(), 2024, employees=employees)
    r = result(facts, "5d")
    assert r.outcome == Outcome.FAIL
    assert "从业人员" in r.message


def test_rule5d_uses_latest_year_only():
    facts = set_year(passing_facts(), 2023, invention_patents=0)
    assert result(facts, "5d").outcome == Outcome.PASS
    facts = set_year(passing_facts(), 2024, invention_patents=None)
    r = result(facts, "5d")
    assert r.outcome == Outcome.FAIL and "未填写2024年有效发明专利数" in r.message


# Rules 6a / 6b — percentages


@pytest.mark.parametrize(
    "code, attr, value, outcome",
    [
        ("6a", "cloud_share_pct", D("29.99"), Outcome.FAIL),
        ("6a", "cloud_share_pct", D("30"), Outcome.PASS),
        ("6a", "cloud_share_pct", D("30.01"), Outcome.PASS),
        ("6a", "cloud_share_pct", D("100"), Outcome.PASS),
        ("6a", "cloud_share_pct", D("0"), Outcome.FAIL),
        ("6b", "platform_penetration_pct", D("19.99"), Outcome.FAIL),
        ("6b", "platform_penetration_pct", D("19.999"), Outcome.FAIL),
        ("6b", "platform_penetration_pct", D("20"), Outcome.PASS),
        ("6b", "platform_penetration_pct", D("20.01"), Outcome.PASS),
    ],
)
def test_pct_rules_boundary(code, attr, value, outcome):
    r = result(set_facts(passing_facts(), **{attr: value}), code)
    assert r.outcome == outcome
    if outcome == Outcome.FAIL:
        assert "低于" in r.message


@pytest.mark.parametrize("code, attr", [("6a", "cloud_share_pct"), ("6b", "platform_penetration_pct")])
@pytest.mark.parametrize("value", [D("100.01"), D("150"), D("-0.01")])
def test_pct_rules_out_of_range_fails(code, attr, value):
    r = result(set_facts(passing_facts(), **{attr: value}), code)
    assert r.outcome == Outcome.FAIL
    assert "比例应在0至100之间" in r.message


@pytest.mark.parametrize("code, attr", [("6a", "cloud_share_pct"), ("6b", "platform_penetration_pct")])
def test_pct_rules_missing_fails(code, attr):
    r = result(set_facts(passing_facts(), **{attr: None}), code)
    assert r.outcome == Outcome.FAIL
    assert "未填写" in r.message


def test_pct_formatting():
    r = result(set_facts(passing_facts(), cloud_share_pct=D("35")), "6a")
    assert r.numbers == {"企业上云或上标识比例": "35.00%", "门槛": "≥ 30.00%"}
