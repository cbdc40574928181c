"""The whole evaluation: every rule once, serialisable results, the failed hard rules and the summary.

Pure: no database.
"""

import json
from decimal import Decimal as D

from clusters.eligibility import RULE_CODES, Facts, Outcome, evaluate, failed_hard, summary
from clusters.tests.eligibility.helpers import Y, passing_facts, set_facts, set_year

# The fully passing fixture


def test_passing_fixture_all_pass():
    results = evaluate(passing_facts())
    assert [r.code for r in results] == list(RULE_CODES)
    assert {r.code: r.outcome for r in results} == dict.fromkeys(RULE_CODES, Outcome.PASS)
    assert failed_hard(results) == []
    assert summary(results) == {"pass": len(RULE_CODES), "fail": 0, "warning": 0, "judgment": 0}


def test_results_are_complete_and_serialisable():
    for r in evaluate(passing_facts()):
        assert r.kind in ("hard", "soft", "absolute")
        assert r.title and r.area and r.formula and r.message
        assert r.numbers and all(isinstance(k, str) and isinstance(v, str) for k, v in r.numbers.items())
        d = r.to_dict()
        assert d["code"] == r.code and d["numbers"] == r.numbers
        json.dumps(d, ensure_ascii=False)
    kinds = {r.code: r.kind for r in evaluate(passing_facts())}
    assert kinds["1"] == "soft"
    assert all(kind == "hard" for code, kind in kinds.items() if code not in ("1", "art7"))
    assert kinds["art7"] == "absolute"


def test_empty_facts_do_not_crash_and_fail_hard_rules():
    results = evaluate(Facts(call_year=Y))
    assert len(results) == len(RULE_CODES)
    outcomes = {r.code: r.outcome for r in results}
    assert outcomes["1"] == Outcome.WARNING
    assert outcomes["7"] == Outcome.JUDGMENT
    assert {r.code for r in failed_hard(results)} == set(RULE_CODES) - {"1", "7", "art7"}  # art7 is absolute
    assert sum(summary(results).values()) == len(RULE_CODES)


# failed_hard / summary


def test_failed_hard_and_summary():
    facts = set_facts(
        passing_facts(),
        area_km2=D("150"),  # soft warning
        standards=0,  # 5e fail
        energy_intensive=True,  # 7 judgment
        declarations={},  # art7 fail
    )
    results = evaluate(facts)
    assert [r.code for r in failed_hard(results)] == ["5e"]  # art7 fails too, but is absolute
    assert summary(results) == {"pass": len(RULE_CODES) - 4, "fail": 2, "warning": 1, "judgment": 1}


def test_float_and_int_inputs_are_tolerated():
    facts = passing_facts()
    set_year(facts, 2022, total_output=400000, sme_output=280000.0, lead_output=280000)
    outcomes = {r.code: r.outcome for r in evaluate(facts)}
    assert outcomes["2a"] == outcomes["2b"] == outcomes["2d"] == Outcome.PASS
