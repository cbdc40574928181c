"""Growth rules 2c, 5b, 5c (CAGR Y-4 -> Y-1, decided exactly) and cagr(). Pure: no database."""

from decimal import Decimal as D

import pytest

from clusters.eligibility import Outcome, cagr
from clusters.tests.eligibility.helpers import passing_facts, result, set_year

# Growth rules 2c, 5b, 5c — CAGR Y-4 -> Y-1, decided exactly as V(Y-1) >= V(Y-4) * (1+t)^3

GROWTH_CASES = [
    # code, attr, base, last, outcome
    ("2c", "lead_output", D("300000"), D("399299.99"), Outcome.FAIL),
    ("2c", "lead_output", D("300000"), D("399299.9999999999"), Outcome.FAIL),  # a hair below 300000 * 1.331
    ("2c", "lead_output", D("300000"), D("399300"), Outcome.PASS),  # exactly 10%
    ("2c", "lead_output", D("300000"), D("399300.01"), Outcome.PASS),
    ("5b", "sme_rnd", D("1000"), D("1330.99"), Outcome.FAIL),
    ("5b", "sme_rnd", D("1000"), D("1330.9999999999"), Outcome.FAIL),
    ("5b", "sme_rnd", D("1000"), D("1331"), Outcome.PASS),  # exactly 10%
    ("5b", "sme_rnd", D("1000"), D("1331.01"), Outcome.PASS),
    ("5c", "invention_patents", 8000, 12166, Outcome.FAIL),
    ("5c", "invention_patents", 8000, 12167, Outcome.PASS),  # 8000 * 1.15^3 = 12167 exactly
    ("5c", "invention_patents", 8000, 12168, Outcome.PASS),
    ("5c", "invention_patents", 100, 152, Outcome.FAIL),  # needs 152.0875
    ("5c", "invention_patents", 100, 153, Outcome.PASS),
]


@pytest.mark.parametrize("code, attr, base, last, outcome", GROWTH_CASES)
def test_growth_rules_boundary(code, attr, base, last, outcome):
    facts = passing_facts()
    set_year(facts, 2021, **{attr: base})
    set_year(facts, 2024, **{attr: last})
    if attr == "invention_patents":
        set_year(facts, 2024, employees=1)  # keep 5d irrelevant
    r = result(facts, code)
    assert r.outcome == outcome
    threshold = "15.00%" if code == "5c" else "10.00%"
    assert r.numbers["门槛"] == f"≥ {threshold}"
    shown = D(r.numbers["年均增速"].rstrip("%"))
    # the displayed rate never contradicts the verdict
    assert (shown >= D(threshold.rstrip("%"))) == (outcome == Outcome.PASS)
    assert "2021" in r.formula and "2024" in r.formula


def test_growth_exact_rate_is_displayed_exactly():
    facts = set_year(passing_facts(), 2024, lead_output=D("399300"))
    r = result(facts, "2c")
    assert r.numbers["年均增速"] == "10.00%"
    assert r.numbers["达标所需2024年值"] == "≥ 399,300 万元"


@pytest.mark.parametrize("code, attr", [("2c", "lead_output"), ("5b", "sme_rnd"), ("5c", "invention_patents")])
@pytest.mark.parametrize("base", [0, D("0"), D("-5")])
def test_growth_rules_zero_base_fails_without_division(code, attr, base):
    facts = set_year(passing_facts(), 2021, **{attr: base})
    r = result(facts, code)
    assert r.outcome == Outcome.FAIL
    assert "2021年" in r.message and "无法计算增速" in r.message
    assert "年均增速" not in r.numbers


@pytest.mark.parametrize("code, attr", [("2c", "lead_output"), ("5b", "sme_rnd"), ("5c", "invention_patents")])
@pytest.mark.parametrize("year", [2021, 2024])
def test_growth_rules_missing_value_fails(code, attr, year):
    facts = set_year(passing_facts(), year, **{attr: None})
    r = result(facts, code)
    assert r.outcome == Outcome.FAIL
    assert f"未填写{year}年" in r.message


def test_growth_rule_missing_base_year_entirely():
    facts = passing_facts()
    del facts.years[2021]
    for code in ("2c", "5b", "5c"):
        r = result(facts, code)
        assert r.outcome == Outcome.FAIL and "未填写2021年" in r.message


def test_growth_rule_negative_last_value_fails():
    facts = set_year(passing_facts(), 2024, sme_rnd=D("-1"))
    r = result(facts, "5b")
    assert r.outcome == Outcome.FAIL and "负数" in r.message


def test_growth_rule_decline_fails():
    facts = set_year(passing_facts(), 2024, lead_output=D("200000"))
    r = result(facts, "2c")
    assert r.outcome == Outcome.FAIL
    assert r.numbers["年均增速"].startswith("-")


# cagr()


@pytest.mark.parametrize(
    "base, last, years, expected",
    [
        (D("100"), D("133.1"), 3, D("0.1")),
        (D("1000"), D("1520.875"), 3, D("0.15")),
        (D("100"), D("100"), 3, D("0")),
        (D("100"), D("0"), 3, D("-1")),
        (D("100"), D("121"), 2, D("0.1")),
        (D("100"), D("110"), 1, D("0.1")),
        (D("0"), D("100"), 3, None),
        (D("-1"), D("100"), 3, None),
        (None, D("100"), 3, None),
        (D("100"), None, 3, None),
        (D("100"), D("-1"), 3, None),
    ],
)
def test_cagr(base, last, years, expected):
    assert cagr(base, last, years) == expected


def test_cagr_inexact_root():
    rate = cagr(D("3"), D("5"))
    assert D("0.1856") < rate < D("0.1857")
