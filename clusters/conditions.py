"""The conditions every review tier gives an opinion on: the automatic rules of Art. 6 and Art. 7 (the eligibility
engine) and the qualitative parts of Art. 6 the engine cannot judge, each with the applicant's own text; and which
section of the application form each condition concerns (a returned application shows the tier's opinion there).
Other apps read these through `clusters.selectors`."""

from dataclasses import dataclass, field

from clusters import eligibility

# The qualitative parts of Art. 6 (the reviewers' judgment): code, title, area, the application fields holding the
# applicant's text for it.
QUALITATIVE_CONDITIONS = [
    (
        "q1",
        "主导产业符合产业政策、居细分领域前列（重点支持16个先进制造业集群、50条重点产业链）",
        eligibility.AREA_1,
        ("policy_fit",),
    ),
    ("q4", "产业链布局合理、关键环节配套能力和产供销协同协作机制", eligibility.AREA_4, ("supply_chain",)),
    ("q5", "创新激励机制、产业链短板技术梳理和关键核心技术攻关", eligibility.AREA_5, ("innovation_mechanism",)),
    ("q7", "能源消费结构、污染物排放治理和绿色低碳服务机制", eligibility.AREA_7, ("pollution_control", "green_notes")),
]
QUALITATIVE_CODES = tuple(code for code, _t, _a, _f in QUALITATIVE_CONDITIONS)
# Every condition a tier's opinion covers, in the order of Art. 6 then Art. 7.
CONDITION_ORDER = {
    "1": 10, "q1": 11, "2a": 20, "2b": 21, "2c": 22, "2d": 23, "3": 30, "4": 40, "q4": 41, "5a": 50, "5b": 51,
    "5c": 52, "5d": 53, "5e": 54, "q5": 55, "6a": 60, "6b": 61, "6c": 62, "7": 70, "q7": 71, "8": 80, "9": 90,
    "art7": 100,
}  # fmt: skip
CONDITION_CODES = tuple(sorted((*eligibility.RULE_CODES, *QUALITATIVE_CODES), key=CONDITION_ORDER.__getitem__))
# The section of the application form (selectors.SECTIONS) where the applicant answers each condition.
CONDITION_SECTIONS = {
    "1": "basic", "q1": "basic", "2a": "data", "2b": "data", "2c": "data", "2d": "data", "3": "roster",
    "4": "lists", "q4": "lists", "5a": "lists", "5b": "data", "5c": "data", "5d": "data", "5e": "lists",
    "q5": "lists", "6a": "digital", "6b": "digital", "6c": "lists", "7": "digital", "q7": "digital", "8": "lists",
    "9": "management", "art7": "declarations",
}  # fmt: skip


@dataclass
class ConditionRow:
    """One row of a tier's per-condition checklist."""

    code: str
    title: str
    area: str
    kind: str  # the engine's kind, or "judgment" for a qualitative condition
    outcome: str  # the engine's outcome; "judgment" for a qualitative condition
    message: str
    texts: list = field(default_factory=list)  # [(label, the applicant's text)]


def condition_rows(application, results) -> list[ConditionRow]:
    """Every condition, in the order of the articles: the engine's results and the qualitative conditions with the
    applicant's text beside each."""
    from clusters.models import Application

    rows = [
        ConditionRow(r.code, r.title, r.area, r.kind, r.outcome, r.message)
        for r in results
        if r.code in CONDITION_ORDER
    ]
    for code, title, area, fields in QUALITATIVE_CONDITIONS:
        texts = [
            (str(Application._meta.get_field(name).verbose_name), getattr(application, name, "") or "")
            for name in fields
        ]
        rows.append(
            ConditionRow(
                code,
                title,
                area,
                "judgment",
                eligibility.Outcome.JUDGMENT,
                "定性条件，由审核人员对照申报主体的说明判断。",
                texts,
            )
        )
    return sorted(rows, key=lambda row: CONDITION_ORDER[row.code])


def condition_titles() -> dict[str, str]:
    """code -> title of every condition (the engine's titles do not depend on the figures)."""
    titles = {code: title for code, title, _a, _f in QUALITATIVE_CONDITIONS}
    titles.update({r.code: r.title for r in eligibility.evaluate(eligibility.Facts(call_year=2000))})
    return titles


def opinions_by_section(opinions: dict) -> dict[str, list[dict]]:
    """A returned application's per-condition opinions grouped by the form section they concern."""
    grouped: dict[str, list[dict]] = {}
    for code in sorted(opinions, key=lambda c: CONDITION_ORDER.get(c, 999)):
        grouped.setdefault(CONDITION_SECTIONS.get(code, "review"), []).append({"code": code, **opinions[code]})
    return grouped
