"""Rule 7: CO2 intensity falling every year, energy and water efficiency. Pure: no database."""

from decimal import Decimal as D

import pytest

from clusters.eligibility import Facts, Outcome
from clusters.tests.eligibility.helpers import passing_facts, result, set_facts, set_year

# Rule 7 — CO2 intensity, energy and water efficiency


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
