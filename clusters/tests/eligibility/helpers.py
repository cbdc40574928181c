"""Facts for the eligibility tests: a cluster that passes every rule, and ways to change one figure."""

import dataclasses
from decimal import Decimal as D

from clusters.eligibility import EnterpriseFacts, Facts, RuleResult, Thresholds, YearFigures, evaluate

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
