"""Rule 9 (management body, service system, plan with measurable targets) and the Art. 7 declarations.

Pure: no database.
"""

import pytest

from clusters.eligibility import Outcome
from clusters.tests.eligibility.helpers import passing_facts, result, set_facts

# Rule 9 — management body, service system, plan with measurable targets


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


# Art. 7 — declarations

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
