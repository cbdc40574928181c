"""The pure rules: contradictions with the previous year, Art. 6 thresholds by the eligibility engine, plan progress."""

from decimal import Decimal
from types import SimpleNamespace

from clusters import eligibility
from monitoring import indicators

D = Decimal
GOOD = {
    "total_output": D("760000"),
    "sme_output": D("600000"),
    "lead_output": D("610000"),
    "sme_rnd": D("16500"),
    "invention_patents": 1900,
    "employees": 100000,
    "co2_intensity": D("0.42"),
}


def test_more_than_three_times_or_less_than_a_third_warns():
    previous = {**GOOD}
    current = {**GOOD, "total_output": D("2280001"), "sme_rnd": D("5499"), "employees": 0, "invention_patents": 5700}
    warnings = indicators.contradiction_warnings(current, previous, year=2025, previous_source="上年度报告")
    assert [w["field"] for w in warnings] == ["total_output", "sme_rnd", "employees"]
    assert "增至上年的 3.0 倍" in warnings[0]["message"] and "2024年（上年度报告）760,000" in warnings[0]["message"]
    assert indicators.contradiction_warnings(current, None, year=2025, previous_source="") == []


def series_of(**years):
    return {int(y[1:]): v for y, v in years.items()}


def test_per_year_rules_judge_the_reported_year_alone():
    low = {**GOOD, "total_output": D("399999.99"), "sme_output": D("250000"), "lead_output": D("250000")}
    flags = indicators.threshold_flags({2025: low}, 2025, eligibility.Thresholds())
    assert [f["code"] for f in flags] == ["2a", "2b", "2d"]
    assert flags[0]["numbers"] == {"2025年": "399,999.99 万元", "门槛": "≥ 400,000 万元"}
    assert flags[0]["message"] == "2025年集群总产值：399,999.99 万元，门槛 ≥ 400,000 万元。"


def test_growth_rules_need_their_base_year_and_use_the_calls_thresholds():
    base = {**GOOD, "lead_output": D("500000"), "sme_rnd": D("15000"), "invention_patents": 1800}
    assert indicators.threshold_flags({2025: GOOD}, 2025, eligibility.Thresholds()) == []
    flags = indicators.threshold_flags({2022: base, 2025: GOOD}, 2025, eligibility.Thresholds())
    assert [f["code"] for f in flags] == ["2c", "5b", "5c"]
    lenient = eligibility.Thresholds(
        min_lead_growth_pct=D("5"), min_rnd_growth_pct=D("1"), min_patent_growth_pct=D("1")
    )
    assert indicators.threshold_flags({2022: base, 2025: GOOD}, 2025, lenient) == []


def test_co2_intensity_must_fall_against_the_previous_year():
    flags = indicators.threshold_flags(
        {2024: {**GOOD, "co2_intensity": D("0.40")}, 2025: GOOD}, 2025, eligibility.Thresholds()
    )
    assert [f["code"] for f in flags] == ["7"]


def test_patent_density_uses_the_reported_year():
    flags = indicators.threshold_flags({2025: {**GOOD, "invention_patents": 100}}, 2025, eligibility.Thresholds())
    assert [f["code"] for f in flags] == ["5d"]


def target(baseline, t1, t2, t3):
    return SimpleNamespace(baseline=D(baseline), target_1=D(t1), target_2=D(t2), target_3=D(t3), indicator="x")


def test_plan_years_and_met_or_missed():
    assert indicators.plan_year(2025, 2025) == 1
    assert indicators.plan_year(2025, 2027) == 3
    assert indicators.plan_year(2025, 2028) is None
    assert indicators.plan_year(None, 2025) is None
    rising = target("100", "110", "120", "130")
    assert indicators.target_progress(rising, D("120"), "", 2).status == "met"
    assert indicators.target_progress(rising, D("119.99"), "", 2).status == "missed"
    assert indicators.target_progress(rising, None, "", 2).status == "pending"
    assert indicators.target_progress(rising, D("1"), "", None).status == "outside"
    falling = target("0.44", "0.43", "0.41", "0.39")  # CO₂ intensity: lower is better
    assert indicators.target_progress(falling, D("0.43"), "", 1).status == "met"
    assert indicators.target_progress(falling, D("0.44"), "", 1).status == "missed"
