"""Rule 3: the two title groups (either suffices), counted once per enterprise by credit code. Pure: no database."""

import pytest

from clusters.eligibility import Outcome, count_title_groups
from clusters.tests.eligibility.helpers import ent, passing_facts, result, roster, set_facts

# Rule 3 — title groups (OR), deduplicated by credit code


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
