"""A call's thresholds: the measures' defaults, stored and read back, and custom values applied. Pure: no database."""

import json
from decimal import Decimal as D

import pytest

from clusters.eligibility import Outcome, Thresholds
from clusters.tests.eligibility.helpers import passing_facts, result


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
