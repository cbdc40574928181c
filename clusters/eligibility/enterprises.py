"""Art. 6 (三): the quality enterprises of the roster (rule 3), counted once each by credit code."""

from __future__ import annotations

from .facts import TITLE_CHAMPION, TITLE_GIANT, TITLE_HIGHTECH, TITLE_SPECIALISED, Facts
from .results import AREA_3, HARD, Outcome, RuleResult, make_result
from .thresholds import Thresholds


def _normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()


def count_title_groups(enterprises) -> tuple[int, int]:
    """(champion + giant in the lead industry, specialised + hightech anywhere in the cluster).

    Each enterprise is counted at most once per group.  Rows with the same credit code (compared trimmed and
    upper-cased) are one enterprise: their titles are merged and it is in the lead industry if any row says so.
    Rows without a credit code cannot be matched and count as separate enterprises.
    """
    merged: dict[str, tuple[bool, set[str]]] = {}
    for index, ent in enumerate(enterprises):
        key = _normalise_code(ent.credit_code) or f"#row{index}"
        lead, titles = merged.get(key, (False, set()))
        merged[key] = (lead or bool(ent.in_lead_industry), titles | set(ent.titles or ()))
    group1 = sum(1 for lead, titles in merged.values() if lead and titles & {TITLE_CHAMPION, TITLE_GIANT})
    group2 = sum(1 for _lead, titles in merged.values() if titles & {TITLE_SPECIALISED, TITLE_HIGHTECH})
    return group1, group2


def rule_titles(facts: Facts, t: Thresholds) -> RuleResult:
    group1, group2 = count_title_groups(facts.enterprises)
    ok1, ok2 = group1 >= t.min_champion_giant, group2 >= t.min_specialised_hightech
    numbers = {
        "主导产业单项冠军+专精特新“小巨人”": f"{group1} 家（门槛 ≥ {t.min_champion_giant} 家）",
        "专精特新中小企业+高新技术企业": f"{group2} 家（门槛 ≥ {t.min_specialised_hightech} 家）",
    }
    formula = (
        f"属于集群主导产业的制造业单项冠军、专精特新“小巨人”企业合计 ≥ {t.min_champion_giant} 家，"
        f"或者专精特新中小企业、高新技术企业合计 ≥ {t.min_specialised_hightech} 家"
        "（后一组办法未限定主导产业，按集群内全部企业计）；按统一社会信用代码去重，每家企业每组只计一次"
    )
    if ok1 or ok2:
        outcome = Outcome.PASS
        met = []
        if ok1:
            met.append(f"主导产业单项冠军、“小巨人”企业 {group1} 家")
        if ok2:
            met.append(f"专精特新中小企业、高新技术企业 {group2} 家")
        message = f"{'，'.join(met)}，满足条件。"
    else:
        outcome = Outcome.FAIL
        message = (
            f"主导产业单项冠军、“小巨人”企业 {group1} 家（少于 {t.min_champion_giant} 家），"
            f"专精特新中小企业、高新技术企业 {group2} 家（少于 {t.min_specialised_hightech} 家），两项均未达到。"
        )
    return make_result("3", "优质企业数量", AREA_3, HARD, outcome, numbers, formula, message)
