"""The engine's input: what a cluster declares (year figures, roster, lists, declarations), built by the
caller from whatever it stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class YearFigures:
    """One calendar year of the cluster's figures; amounts in 万元 as Decimal."""

    total_output: Decimal | None = None
    sme_output: Decimal | None = None
    lead_output: Decimal | None = None
    sme_rnd: Decimal | None = None
    invention_patents: int | None = None  # valid invention patents at year end
    employees: int | None = None
    co2_intensity: Decimal | None = None  # tonnes CO2 per 万元 of output


TITLE_CHAMPION = "champion"  # 制造业单项冠军
TITLE_GIANT = "giant"  # 专精特新"小巨人"
TITLE_SPECIALISED = "specialised"  # 专精特新中小企业
TITLE_HIGHTECH = "hightech"  # 高新技术企业
TITLES = frozenset({TITLE_CHAMPION, TITLE_GIANT, TITLE_SPECIALISED, TITLE_HIGHTECH})


@dataclass
class EnterpriseFacts:
    """One row of the enterprise roster."""

    credit_code: str
    in_lead_industry: bool
    titles: frozenset[str]  # subset of TITLES


DECLARATION_LABELS: dict[str, str] = {
    "prohibited_industry": "主导产业属于国家规定的禁止、限制和淘汰类产业",
    "major_accident": "近三年发生过重大及以上安全、质量和环境污染等事故",
    "cyber_incident": "近三年发生过重大及以上网络安全事件和数据安全事件",
    "tax_dishonesty": "有偷税漏税、严重失信等其他重大违法违规行为",
}
DECLARATION_KEYS = tuple(DECLARATION_LABELS)


@dataclass
class Facts:
    call_year: int
    area_km2: Decimal | None = None
    years: dict[int, YearFigures] = field(default_factory=dict)  # keys call_year-4 .. call_year-1
    enterprises: list[EnterpriseFacts] = field(default_factory=list)
    sharing_initiatives: int = 0
    provincial_platforms: int = 0  # provincial-or-higher innovation platforms
    standards: int = 0
    cloud_share_pct: Decimal | None = None  # 0..100
    platform_penetration_pct: Decimal | None = None  # 0..100
    pilot_projects: int = 0
    energy_intensive: bool = False
    energy_above_benchmark: bool | None = None
    water_intensive: bool = False
    water_above_benchmark: bool | None = None
    international_activities: int = 0
    has_management_body: bool = False
    has_service_system: bool = False
    plan_target_count: int = 0
    has_plan_document: bool = False
    declarations: dict[str, bool | None] = field(default_factory=dict)
    # keys: DECLARATION_KEYS; True = the applicant declares the situation did NOT occur;
    # False = it did occur; None (or key absent) = not declared yet

    def year(self, year: int) -> YearFigures:
        return self.years.get(year) or YearFigures()
