"""Count rules 4, 5a, 5e, 6c, 8 at their minimum. Pure: no database."""

import pytest

from clusters.eligibility import Outcome
from clusters.tests.eligibility.helpers import passing_facts, result, set_facts

# Count rules 4, 5a, 5e, 6c, 8

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
