"""Evaluate every rule in the order of RULE_CODES; the failed hard rules; counts per outcome."""

from __future__ import annotations

from .counts import count_rule
from .enterprises import rule_titles
from .facts import Facts
from .governance import rule_art7, rule_governance
from .green import rule_green
from .growth import growth_rule
from .ratios import pct_rule, rule_patent_density
from .results import AREA_2, AREA_4, AREA_5, AREA_6, AREA_8, HARD, Outcome, RuleResult
from .scale import rule_area, rule_total_output, share_rule
from .thresholds import Thresholds


def evaluate(facts: Facts, thresholds: Thresholds | None = None) -> list[RuleResult]:
    """Evaluate every rule; one result per code, in the order of RULE_CODES."""
    t = thresholds or Thresholds()
    return [
        rule_area(facts, t),
        rule_total_output(facts, t),
        share_rule(facts, "2b", "中小企业产值占比（近三年每年）", "sme_output", "中小企业产值", t.min_sme_share_pct),
        growth_rule(
            facts, "2c", "主导产业产值年均增速", AREA_2, "lead_output", "集群主导产业产值", t.min_lead_growth_pct
        ),
        share_rule(facts, "2d", "主导产业产值占比（近三年每年）", "lead_output", "主导产业产值", t.min_lead_share_pct),
        rule_titles(facts, t),
        count_rule(
            "4",
            "制造资源共享工作",
            AREA_4,
            "开展集群制造资源共享工作",
            facts.sharing_initiatives,
            t.min_sharing_initiatives,
            "项",
        ),
        count_rule(
            "5a", "省级及以上创新平台", AREA_5, "省级及以上创新平台", facts.provincial_platforms, t.min_platforms, "个"
        ),
        growth_rule(
            facts, "5b", "中小企业研发经费年均增长", AREA_5, "sme_rnd", "中小企业研发经费", t.min_rnd_growth_pct
        ),
        growth_rule(
            facts,
            "5c",
            "有效发明专利年均增长率",
            AREA_5,
            "invention_patents",
            "有效发明专利数",
            t.min_patent_growth_pct,
            unit="件",
        ),
        rule_patent_density(facts, t),
        count_rule(
            "5e",
            "参与制定国家标准、行业标准",
            AREA_5,
            "参与制定国家标准、行业标准",
            facts.standards,
            t.min_standards,
            "项",
        ),
        pct_rule("6a", "企业上云或上标识比例", "企业上云或上标识比例", facts.cloud_share_pct, t.min_cloud_share_pct),
        pct_rule(
            "6b",
            "工业互联网平台应用普及率",
            "工业互联网平台应用普及率",
            facts.platform_penetration_pct,
            t.min_platform_penetration_pct,
        ),
        count_rule(
            "6c",
            "智能制造、工业互联网试点示范项目",
            AREA_6,
            "省级以上智能制造、工业互联网等试点示范项目",
            facts.pilot_projects,
            t.min_pilot_projects,
            "个",
        ),
        rule_green(facts),
        count_rule(
            "8",
            "国际合作交流活动",
            AREA_8,
            "参与国际合作机制或交流活动",
            facts.international_activities,
            t.min_international,
            "项",
        ),
        rule_governance(facts),
        rule_art7(facts),
    ]


def failed_hard(results) -> list[RuleResult]:
    """The hard rules that failed (these need an explicit explanation at submission). Art. 7 is not among them:
    it is absolute, a declared situation blocks submission (`clusters.services.submission_blockers`)."""
    return [r for r in results if r.kind == HARD and r.outcome == Outcome.FAIL]


def summary(results) -> dict[str, int]:
    """Counts per outcome; every outcome is present (0 when none)."""
    counts = dict.fromkeys(Outcome.ALL, 0)
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return counts
