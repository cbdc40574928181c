"""Boundary tests for clusters.eligibility (Art. 6 and 7 rules).  Pure: no database."""

import dataclasses
import json
from decimal import Decimal as D

import pytest

from clusters.eligibility import (
    RULE_CODES,
    EnterpriseFacts,
    Facts,
    Outcome,
    RuleResult,
    Thresholds,
    YearFigures,
    cagr,
    count_title_groups,
    evaluate,
    failed_hard,
    summary,
)

Y = 2025  # call year; last three years 2022-2024, growth base 2021

CODE_PREFIX = "91320500MA"


def ent(n: int, titles, in_lead=True, code=None) -> EnterpriseFacts:
    return EnterpriseFacts(
        credit_code=code or f"{CODE_PREFIX}{n:08d}", in_lead_industry=in_lead, titles=frozenset(titles)
    )


def roster(champions=3, specialised=15, champions_in_lead=True):
    rows = [ent(i, {"champion"}, in_lead=champions_in_lead) for i in range(champions)]
    rows += [ent(100 + i, {"specialised"}, in_lead=False) for i in range(specialised)]
    return rows


def passing_facts() -> Facts:
    """A cluster that passes every rule with the default thresholds."""
    return Facts(
        call_year=Y,
        area_km2=D("80"),
        years={
            2021: YearFigures(
                total_output=D("500000"),
                sme_output=D("400000"),
                lead_output=D("300000"),
                sme_rnd=D("1000"),
                invention_patents=100,
                employees=90000,
                co2_intensity=D("0.50"),
            ),
            2022: YearFigures(
                total_output=D("500000"),
                sme_output=D("400000"),
                lead_output=D("360000"),
                sme_rnd=D("1100"),
                invention_patents=120,
                employees=95000,
                co2_intensity=D("0.48"),
            ),
            2023: YearFigures(
                total_output=D("500000"),
                sme_output=D("400000"),
                lead_output=D("380000"),
                sme_rnd=D("1250"),
                invention_patents=150,
                employees=98000,
                co2_intensity=D("0.45"),
            ),
            2024: YearFigures(
                total_output=D("500000"),
                sme_output=D("400000"),
                lead_output=D("420000"),
                sme_rnd=D("1400"),
                invention_patents=200,
                employees=100000,
                co2_intensity=D("0.42"),
            ),
        },
        enterprises=roster(),
        sharing_initiatives=2,
        provincial_platforms=6,
        standards=4,
        cloud_share_pct=D("35"),
        platform_penetration_pct=D("25"),
        pilot_projects=2,
        international_activities=2,
        has_management_body=True,
        has_service_system=True,
        plan_target_count=5,
        has_plan_document=True,
        declarations={
            "prohibited_industry": True,
            "major_accident": True,
            "cyber_incident": True,
            "tax_dishonesty": True,
        },
    )


def result(facts: Facts, code: str, thresholds: Thresholds | None = None) -> RuleResult:
    (r,) = [r for r in evaluate(facts, thresholds) if r.code == code]
    return r


def set_year(facts: Facts, year: int, **changes) -> Facts:
    facts.years[year] = dataclasses.replace(facts.years[year], **changes)
    return facts


def set_facts(facts: Facts, **changes) -> Facts:
    return dataclasses.replace(facts, **changes)


# ----------------------------------------------------------------------------------------------------------------
# The fully passing fixture
# ----------------------------------------------------------------------------------------------------------------


def test_passing_fixture_all_pass():
    results = evaluate(passing_facts())
    assert [r.code for r in results] == list(RULE_CODES)
    assert {r.code: r.outcome for r in results} == dict.fromkeys(RULE_CODES, Outcome.PASS)
    assert failed_hard(results) == []
    assert summary(results) == {"pass": len(RULE_CODES), "fail": 0, "warning": 0, "judgment": 0}


def test_results_are_complete_and_serialisable():
    for r in evaluate(passing_facts()):
        assert r.kind in ("hard", "soft")
        assert r.title and r.area and r.formula and r.message
        assert r.numbers and all(isinstance(k, str) and isinstance(v, str) for k, v in r.numbers.items())
        d = r.to_dict()
        assert d["code"] == r.code and d["numbers"] == r.numbers
        json.dumps(d, ensure_ascii=False)
    kinds = {r.code: r.kind for r in evaluate(passing_facts())}
    assert kinds["1"] == "soft"
    assert all(kind == "hard" for code, kind in kinds.items() if code != "1")


def test_empty_facts_do_not_crash_and_fail_hard_rules():
    results = evaluate(Facts(call_year=Y))
    assert len(results) == len(RULE_CODES)
    outcomes = {r.code: r.outcome for r in results}
    assert outcomes["1"] == Outcome.WARNING
    assert outcomes["7"] == Outcome.JUDGMENT
    assert {r.code for r in failed_hard(results)} == set(RULE_CODES) - {"1", "7"}
    assert sum(summary(results).values()) == len(RULE_CODES)


# ----------------------------------------------------------------------------------------------------------------
# Rule 1 — area (soft)
# ----------------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------------
# Rule 2a — total output each of the last three years
# ----------------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------------
# Rules 2b / 2d — shares of total output, each year
# ----------------------------------------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------------------------------------
# Growth rules 2c, 5b, 5c — CAGR Y-4 -> Y-1, decided exactly as V(Y-1) >= V(Y-4) * (1+t)^3
# ----------------------------------------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------------------------------------
# cagr()
# ----------------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------------
# Rule 3 — title groups (OR), deduplicated by credit code
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "champions, specialised, outcome",
    [
        (2, 14, Outcome.FAIL),
        (2, 0, Outcome.FAIL),
        (3, 0, Outcome.PASS),
        (4, 0, Outcome.PASS),
        (0, 14, Outcome.FAIL),
        (0, 15, Outcome.PASS),
        (0, 16, Outcome.PASS),
        (2, 15, Outcome.PASS),
        (3, 14, Outcome.PASS),
        (0, 0, Outcome.FAIL),
    ],
)
def test_rule3_or_boundary(champions, specialised, outcome):
    facts = set_facts(passing_facts(), enterprises=roster(champions, specialised))
    r = result(facts, "3")
    assert r.outcome == outcome
    values = list(r.numbers.values())
    assert values[0].startswith(f"{champions} 家") and values[1].startswith(f"{specialised} 家")


def test_rule3_champions_outside_lead_industry_do_not_count():
    facts = set_facts(passing_facts(), enterprises=roster(5, 0, champions_in_lead=False))
    assert count_title_groups(facts.enterprises) == (0, 0)
    assert result(facts, "3").outcome == Outcome.FAIL


def test_rule3_specialised_count_regardless_of_lead_industry():
    rows = [ent(i, {"hightech"}, in_lead=False) for i in range(15)]
    assert count_title_groups(rows) == (0, 15)
    assert "未限定主导产业" in result(set_facts(passing_facts(), enterprises=rows), "3").formula


def test_rule3_giant_counts_in_first_group():
    rows = [ent(0, {"giant"}), ent(1, {"giant"}), ent(2, {"champion", "giant"})]
    assert count_title_groups(rows) == (3, 0)


def test_count_title_groups_enterprise_once_per_group():
    rows = [ent(0, {"champion", "giant", "specialised", "hightech"})]
    assert count_title_groups(rows) == (1, 1)


def test_count_title_groups_duplicate_credit_codes_counted_once():
    code = "91320500MA00000099"
    rows = [
        ent(0, {"champion"}, code=code),
        ent(0, {"champion"}, code=code),
        ent(0, {"giant"}, code=" " + code.lower() + " "),
        ent(1, {"champion"}),
    ]
    assert count_title_groups(rows) == (2, 0)
    facts = set_facts(passing_facts(), enterprises=rows + [ent(2, {"champion"}, code=code)])
    assert result(facts, "3").outcome == Outcome.FAIL  # 2 distinct, not 5 rows


def test_count_title_groups_duplicates_merge_titles_and_lead_flag():
    code = "91320500MA00000009"
    rows = [ent(0, {"specialised"}, in_lead=False, code=code), ent(0, {"champion"}, in_lead=True, code=code)]
    assert count_title_groups(rows) == (1, 1)


def test_count_title_groups_blank_codes_are_distinct():
    rows = [ent(0, {"hightech"}, code=" "), ent(0, {"hightech"}, code=" ")]
    rows[0].credit_code = rows[1].credit_code = ""
    assert count_title_groups(rows) == (0, 2)


def test_count_title_groups_without_titles():
    assert count_title_groups([ent(0, set())]) == (0, 0)
    assert count_title_groups([]) == (0, 0)


# ----------------------------------------------------------------------------------------------------------------
# Count rules 4, 5a, 5e, 6c, 8
# ----------------------------------------------------------------------------------------------------------------

COUNT_RULES = [
    ("4", "sharing_initiatives", 1),
    ("5a", "provincial_platforms", 5),
    ("5e", "standards", 3),
    ("6c", "pilot_projects", 1),
    ("8", "international_activities", 1),
]


@pytest.mark.parametrize("code, attr, minimum", COUNT_RULES)
@pytest.mark.parametrize("delta, outcome", [(-1, Outcome.FAIL), (0, Outcome.PASS), (1, Outcome.PASS)])
def test_count_rules_boundary(code, attr, minimum, delta, outcome):
    r = result(set_facts(passing_facts(), **{attr: minimum + delta}), code)
    assert r.outcome == outcome
    assert str(minimum + delta) in list(r.numbers.values())[0]
    assert f"≥ {minimum}" in r.numbers["门槛"]


@pytest.mark.parametrize("code, attr, minimum", COUNT_RULES)
def test_count_rules_zero_fails(code, attr, minimum):
    assert result(set_facts(passing_facts(), **{attr: 0}), code).outcome == Outcome.FAIL


# ----------------------------------------------------------------------------------------------------------------
# Rule 5d — invention patents per 10,000 employees (Y-1)
# ----------------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------------
# Rules 6a / 6b — percentages
# ----------------------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------------------
# Rule 7 — CO2 intensity, energy and water efficiency
# ----------------------------------------------------------------------------------------------------------------


def with_co2(*values) -> Facts:
    facts = passing_facts()
    for year, value in zip((2021, 2022, 2023, 2024), values, strict=True):
        set_year(facts, year, co2_intensity=value)
    return facts


@pytest.mark.parametrize(
    "values, outcome",
    [
        ((D("0.50"), D("0.48"), D("0.45"), D("0.42")), Outcome.PASS),
        ((D("0.50"), D("0.48"), D("0.48"), D("0.42")), Outcome.FAIL),  # flat one year
        ((D("0.50"), D("0.48"), D("0.4801"), D("0.42")), Outcome.FAIL),  # a hair up
        ((D("0.50"), D("0.48"), D("0.4799"), D("0.42")), Outcome.PASS),  # a hair down
        ((D("0.50"), D("0.48"), D("0.45"), D("0.46")), Outcome.FAIL),  # last year up
        ((None, None, None, None), Outcome.JUDGMENT),
        ((None, None, None, D("0.42")), Outcome.JUDGMENT),  # one value: no trend
        ((D("0.50"), None, D("0.45"), D("0.42")), Outcome.JUDGMENT),  # given ones fall, a year missing
        ((D("0.50"), None, D("0.51"), D("0.42")), Outcome.FAIL),  # given ones rise
    ],
)
def test_rule7_co2(values, outcome):
    r = result(with_co2(*values), "7")
    assert r.outcome == outcome
    assert r.kind == "hard"
    if outcome == Outcome.JUDGMENT:
        assert "需评审判断" in r.message


@pytest.mark.parametrize("kind", ["energy", "water"])
@pytest.mark.parametrize(
    "intensive, above, outcome",
    [
        (False, None, Outcome.PASS),
        (False, False, Outcome.PASS),
        (True, True, Outcome.PASS),
        (True, False, Outcome.FAIL),
        (True, None, Outcome.JUDGMENT),
    ],
)
def test_rule7_energy_water(kind, intensive, above, outcome):
    facts = set_facts(passing_facts(), **{f"{kind}_intensive": intensive, f"{kind}_above_benchmark": above})
    r = result(facts, "7")
    assert r.outcome == outcome
    if outcome == Outcome.FAIL:
        assert ("能效" if kind == "energy" else "水效") in r.message


def test_rule7_fail_beats_judgment():
    facts = set_facts(with_co2(None, None, None, None), energy_intensive=True, energy_above_benchmark=False)
    assert result(facts, "7").outcome == Outcome.FAIL


# ----------------------------------------------------------------------------------------------------------------
# Rule 9 — management body, service system, plan with measurable targets
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, outcome, fragment",
    [
        ({"has_management_body": False}, Outcome.FAIL, "运营管理机构"),
        ({"has_service_system": False}, Outcome.FAIL, "公共服务体系"),
        ({"has_plan_document": False}, Outcome.FAIL, "三年发展规划文本"),
        ({"plan_target_count": 0}, Outcome.FAIL, "可考核的目标"),
        ({"plan_target_count": 1}, Outcome.PASS, ""),
        ({"plan_target_count": 2}, Outcome.PASS, ""),
    ],
)
def test_rule9(changes, outcome, fragment):
    r = result(set_facts(passing_facts(), **changes), "9")
    assert r.outcome == outcome
    assert fragment in r.message


def test_rule9_lists_every_missing_item():
    facts = set_facts(
        passing_facts(),
        has_management_body=False,
        has_service_system=False,
        has_plan_document=False,
        plan_target_count=0,
    )
    message = result(facts, "9").message
    for fragment in ("运营管理机构", "公共服务体系", "三年发展规划文本", "可考核的目标"):
        assert fragment in message


# ----------------------------------------------------------------------------------------------------------------
# Art. 7 — declarations
# ----------------------------------------------------------------------------------------------------------------

DECLARATION_FRAGMENTS = {
    "prohibited_industry": "禁止、限制和淘汰类",
    "major_accident": "事故",
    "cyber_incident": "网络安全",
    "tax_dishonesty": "偷税漏税",
}


@pytest.mark.parametrize("key", list(DECLARATION_FRAGMENTS))
@pytest.mark.parametrize("value, fragment", [(False, "存在第七条所列情形"), (None, "尚未声明")])
def test_art7_each_declaration(key, value, fragment):
    facts = passing_facts()
    facts.declarations[key] = value
    r = result(facts, "art7")
    assert r.outcome == Outcome.FAIL
    assert fragment in r.message
    assert DECLARATION_FRAGMENTS[key] in r.message


def test_art7_absent_key_is_undeclared():
    facts = passing_facts()
    del facts.declarations["cyber_incident"]
    r = result(facts, "art7")
    assert r.outcome == Outcome.FAIL and "尚未声明" in r.message


def test_art7_no_declarations():
    r = result(set_facts(passing_facts(), declarations={}), "art7")
    assert r.outcome == Outcome.FAIL
    assert all(fragment in r.message for fragment in DECLARATION_FRAGMENTS.values())


# ----------------------------------------------------------------------------------------------------------------
# Thresholds
# ----------------------------------------------------------------------------------------------------------------


def test_thresholds_defaults_match_measures():
    t = Thresholds()
    assert t.min_total_output == D("400000")
    assert (t.min_champion_giant, t.min_specialised_hightech, t.min_platforms) == (3, 15, 5)
    assert Thresholds.from_dict(None) == t
    assert Thresholds.from_dict({}) == t


def test_thresholds_to_dict_round_trip_and_json_safe():
    t = Thresholds(min_total_output=D("500000.5"), min_platforms=7, min_lead_share_pct=D("65.5"))
    data = t.to_dict()
    assert data["min_total_output"] == "500000.5"
    assert data["min_platforms"] == 7
    assert json.loads(json.dumps(data)) == data
    assert Thresholds.from_dict(json.loads(json.dumps(data))) == t
    assert Thresholds.from_dict(Thresholds().to_dict()) == Thresholds()


def test_thresholds_from_dict_tolerant():
    t = Thresholds.from_dict(
        {
            "min_total_output": 500000,
            "min_sme_share_pct": 65.5,
            "min_lead_growth_pct": "8",
            "min_platforms": "4",
            "min_standards": 2.0,
            "min_international": None,
            "max_area_km2": "",
            "unknown_key": "ignored",
        }
    )
    assert t.min_total_output == D("500000")
    assert t.min_sme_share_pct == D("65.5")
    assert t.min_lead_growth_pct == D("8")
    assert t.min_platforms == 4 and isinstance(t.min_platforms, int)
    assert t.min_standards == 2 and isinstance(t.min_standards, int)
    assert t.min_international == 1
    assert t.max_area_km2 == D("100")


@pytest.mark.parametrize("data", [{"min_platforms": "abc"}, {"min_platforms": "4.5"}, {"min_total_output": "x"}])
def test_thresholds_from_dict_rejects_garbage(data):
    with pytest.raises(ValueError):
        Thresholds.from_dict(data)


@pytest.mark.parametrize(
    "data, code, outcome",
    [
        ({"min_total_output": "500000"}, "2a", Outcome.PASS),  # fixture is exactly 500,000
        ({"min_total_output": "500000.01"}, "2a", Outcome.FAIL),
        ({"min_sme_share_pct": "80"}, "2b", Outcome.PASS),  # fixture share is exactly 80%
        ({"min_sme_share_pct": 80.01}, "2b", Outcome.FAIL),
        ({"min_lead_share_pct": "72"}, "2d", Outcome.PASS),  # 2022: 360000/500000 = 72%
        ({"min_lead_share_pct": "72.01"}, "2d", Outcome.FAIL),
        ({"min_lead_growth_pct": "12"}, "2c", Outcome.FAIL),  # 300000 -> 420000 is 11.87%
        ({"min_rnd_growth_pct": "11.8"}, "5b", Outcome.PASS),  # 1000 -> 1400 is 11.87%
        ({"min_rnd_growth_pct": 12}, "5b", Outcome.FAIL),
        ({"min_rnd_growth_pct": 12}, "2c", Outcome.PASS),  # other rules keep their defaults
        ({"min_patent_growth_pct": "26"}, "5c", Outcome.FAIL),  # 100 -> 200 is 25.99%
        ({"min_patent_growth_pct": "25.99"}, "5c", Outcome.PASS),
        ({"min_patents_per_10k_employees": "20"}, "5d", Outcome.PASS),  # 200 / 100000 -> 20
        ({"min_patents_per_10k_employees": "20.01"}, "5d", Outcome.FAIL),
        ({"min_champion_giant": 4, "min_specialised_hightech": 15}, "3", Outcome.PASS),
        ({"min_champion_giant": 4, "min_specialised_hightech": "16"}, "3", Outcome.FAIL),
        ({"min_platforms": 7}, "5a", Outcome.FAIL),
        ({"min_standards": "4"}, "5e", Outcome.PASS),
        ({"min_cloud_share_pct": "35"}, "6a", Outcome.PASS),
        ({"min_cloud_share_pct": "35.001"}, "6a", Outcome.FAIL),
        ({"min_platform_penetration_pct": "26"}, "6b", Outcome.FAIL),
        ({"min_sharing_initiatives": 3}, "4", Outcome.FAIL),
        ({"min_pilot_projects": 2}, "6c", Outcome.PASS),
        ({"min_international": 3}, "8", Outcome.FAIL),
        ({"max_area_km2": "79.99"}, "1", Outcome.WARNING),
        ({"max_area_km2": 80}, "1", Outcome.PASS),
    ],
)
def test_custom_thresholds(data, code, outcome):
    r = result(passing_facts(), code, Thresholds.from_dict(data))
    assert r.outcome == outcome


def test_custom_threshold_shown_in_numbers():
    r = result(passing_facts(), "2a", Thresholds.from_dict({"min_total_output": "500000"}))
    assert r.numbers["门槛"] == "≥ 500,000 万元"
    r = result(passing_facts(), "6a", Thresholds.from_dict({"min_cloud_share_pct": "35.001"}))
    assert r.numbers["门槛"] == "≥ 35.001%"
    assert "35.000%" in r.message  # 35 shown with enough decimals to be visibly below 35.001


# ----------------------------------------------------------------------------------------------------------------
# failed_hard / summary
# ----------------------------------------------------------------------------------------------------------------


def test_failed_hard_and_summary():
    facts = set_facts(
        passing_facts(),
        area_km2=D("150"),  # soft warning
        standards=0,  # 5e fail
        energy_intensive=True,  # 7 judgment
        declarations={},  # art7 fail
    )
    results = evaluate(facts)
    assert [r.code for r in failed_hard(results)] == ["5e", "art7"]
    assert summary(results) == {"pass": len(RULE_CODES) - 4, "fail": 2, "warning": 1, "judgment": 1}


def test_float_and_int_inputs_are_tolerated():
    facts = passing_facts()
    set_year(facts, 2022, total_output=400000, sme_output=280000.0, lead_output=280000)
    outcomes = {r.code: r.outcome for r in evaluate(facts)}
    assert outcomes["2a"] == outcomes["2b"] == outcomes["2d"] == Outcome.PASS
