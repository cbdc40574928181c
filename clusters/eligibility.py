"""Automatic evaluation of the numeric conditions of Art. 6 and the declarations of Art. 7.

《江苏省促进中小企业特色产业集群发展管理办法》(2023) sets the basic conditions a cluster must meet.  This module
evaluates every row of the rules table in ``/work/shared/domain.md`` against the thresholds of one Call and returns
one :class:`RuleResult` per rule, each carrying the numbers that decided it.

It is a pure module: no model, no database, no request.  Callers build :class:`Facts` from whatever they store
and pass the Call's :class:`Thresholds` (``Thresholds.from_dict(call.thresholds)``).

Conventions
-----------
* Y is the Call's year.  "The last three years" are Y-3, Y-2, Y-1; growth rates use Y-4 as base:
  CAGR = (V(Y-1) ÷ V(Y-4))^(1/3) − 1.
* Amounts are exact decimals in 万元.  Percentages (thresholds and inputs) are percent values: 70 means 70%.
* Every pass/fail decision is made in exact decimal arithmetic (a share ≥ 70% is checked as
  ``part × 100 ≥ 70 × total``; a growth rate ≥ 10% as ``V(Y-1) ≥ V(Y-4) × 1.1³``), so values exactly at a
  threshold pass.  Displayed rates are rounded to 2 decimals in a direction that never contradicts the verdict.
* Missing data on a hard rule is a failure whose message names the missing value; on the soft rule 1 it is a
  warning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

# Enough digits that products of user-entered decimals and (1 + t)^3 are exact.
_PRECISION = 60


# --------------------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------------------


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


@dataclass
class Thresholds:
    """A Call's thresholds.  Defaults are those of the measures; percentages are percent values (70 = 70%)."""

    max_area_km2: Decimal = Decimal("100")
    min_total_output: Decimal = Decimal("400000")  # 万元 (40亿元)
    min_sme_share_pct: Decimal = Decimal("70")
    min_lead_growth_pct: Decimal = Decimal("10")
    min_lead_share_pct: Decimal = Decimal("70")
    min_champion_giant: int = 3
    min_specialised_hightech: int = 15
    min_sharing_initiatives: int = 1
    min_platforms: int = 5
    min_rnd_growth_pct: Decimal = Decimal("10")
    min_patent_growth_pct: Decimal = Decimal("15")
    min_patents_per_10k_employees: Decimal = Decimal("15")
    min_standards: int = 3
    min_cloud_share_pct: Decimal = Decimal("30")
    min_platform_penetration_pct: Decimal = Decimal("20")
    min_pilot_projects: int = 1
    min_international: int = 1

    def to_dict(self) -> dict:
        """JSON-safe: Decimals as strings, counts as ints."""
        out: dict = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> Thresholds:
        """Build from stored JSON.  Missing keys (or None/"" values) take defaults; unknown keys are ignored.

        Values may be Decimal, str, int or float.  Raises ValueError naming the key for a value that is not a
        number (or, for a count, not a whole number).
        """
        defaults = cls()
        kwargs = {}
        for f in dataclasses.fields(cls):
            raw = (data or {}).get(f.name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                kwargs[f.name] = getattr(defaults, f.name)
                continue
            try:
                number = _to_decimal(raw)
            except (InvalidOperation, ValueError, TypeError) as exc:
                raise ValueError(f"门槛 {f.name} 的值 {raw!r} 不是数字") from exc
            if not number.is_finite():
                raise ValueError(f"门槛 {f.name} 的值 {raw!r} 不是有限数字")
            if isinstance(getattr(defaults, f.name), int):
                if number != number.to_integral_value():
                    raise ValueError(f"门槛 {f.name} 的值 {raw!r} 应为整数")
                kwargs[f.name] = int(number)
            else:
                kwargs[f.name] = number
        return cls(**kwargs)


# --------------------------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------------------------


class Outcome:
    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"
    JUDGMENT = "judgment"

    ALL = (PASS, FAIL, WARNING, JUDGMENT)
    LABELS = {PASS: "通过", FAIL: "未达标", WARNING: "提示", JUDGMENT: "需评审判断"}


HARD = "hard"
SOFT = "soft"


@dataclass
class RuleResult:
    code: str  # "1", "2a", ..., "9", "art7"
    title: str  # Chinese
    area: str  # Chinese area name of the Art. 6 item
    kind: str  # "hard" or "soft"
    outcome: str  # an Outcome value
    numbers: dict[str, str]  # Chinese label -> formatted value
    formula: str  # the rule in words
    message: str  # one-sentence Chinese verdict

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


RULE_CODES = (
    "1",
    "2a",
    "2b",
    "2c",
    "2d",
    "3",
    "4",
    "5a",
    "5b",
    "5c",
    "5d",
    "5e",
    "6a",
    "6b",
    "6c",
    "7",
    "8",
    "9",
    "art7",
)

AREA_1 = "（一）占地面积与主导产业"
AREA_2 = "（二）产业规模与结构"
AREA_3 = "（三）优质企业梯度培育"
AREA_4 = "（四）产业链协作"
AREA_5 = "（五）创新能力"
AREA_6 = "（六）数字化转型"
AREA_7 = "（七）绿色低碳"
AREA_8 = "（八）开放合作"
AREA_9 = "（九）治理与发展规划"
AREA_ART7 = "第七条 负面情形"


# --------------------------------------------------------------------------------------------------------------
# Number helpers
# --------------------------------------------------------------------------------------------------------------


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        return Decimal(value.strip().replace(",", ""))
    raise TypeError(f"not a number: {value!r}")


def _dec(value) -> Decimal | None:
    """Coerce an input figure to Decimal (None stays None)."""
    if value is None:
        return None
    return _to_decimal(value)


def _plain(value: Decimal) -> str:
    """Decimal with thousands separators, no exponent, no trailing zeros."""
    value = _to_decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def fmt_amount(value) -> str:
    """400000 -> '400,000 万元'."""
    return f"{_plain(value)} 万元"


def _places(value: Decimal, minimum: int = 2) -> int:
    exponent = _to_decimal(value).normalize().as_tuple().exponent
    return max(minimum, -exponent) if isinstance(exponent, int) else minimum


def _fixed(value: Decimal, places: int, rounding=ROUND_HALF_UP) -> str:
    q = _to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return f"{q:,f}"


def fmt_pct(value) -> str:
    """70 -> '70.00%' (more decimals only when the value itself has them, e.g. a custom threshold)."""
    value = _to_decimal(value)
    return f"{_fixed(value, _places(value))}%"


def _consistent(value: Decimal, threshold: Decimal, passed: bool) -> str:
    """Format a computed rate/ratio with 2 decimals, rounded so the shown number agrees with the verdict.

    A failing value is rounded down (69.996% shows as 69.99%, not 70.00%); a passing value is rounded half-up
    (a cube root computed as 9.99999…% for an exact 10% shows as 10.00%).  If 2 decimals still contradict the
    verdict (custom thresholds with more decimals), more decimals are shown.
    """
    start = _places(threshold)
    rounding = ROUND_HALF_UP if passed else ROUND_FLOOR
    for places in range(start, start + 7):
        q = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
        if (q >= threshold) == passed:
            return f"{q:,f}"
    return _fixed(value, start)


def cagr(base: Decimal, last: Decimal, years: int = 3) -> Decimal | None:
    """Compound annual growth rate as a fraction: (last ÷ base)^(1/years) − 1; 0.1 means 10%.

    None when a value is missing, base ≤ 0, last < 0 or years < 1.  When the ratio is an exact power (e.g.
    1.331 = 1.1³) the exact rate is returned (Decimal("0.1")), otherwise a 28-digit approximation.
    Decisions in :func:`evaluate` do not use this value; they compare ``last ≥ base × (1 + t)^years`` exactly.
    """
    base, last = _dec(base), _dec(last)
    if base is None or last is None or years < 1 or base <= 0 or last < 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        ratio = last / base
        if ratio == 0:
            return Decimal(-1)
        root = ratio ** (Decimal(1) / Decimal(years))
        # Snap to an exact root when there is one (avoids 1.0999999… for 1.331).
        for digits in (20, 12, 8):
            candidate = root.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP).normalize()
            if candidate**years == ratio:
                root = candidate
                break
        rate = root - 1
    with localcontext() as ctx:
        ctx.prec = 28
        return +rate


def _growth_target(base: Decimal, threshold_pct: Decimal, years: int = 3) -> Decimal:
    """Smallest last-year value that meets the growth threshold: base × (1 + t/100)^years, exact."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return base * (1 + threshold_pct / 100) ** years


# --------------------------------------------------------------------------------------------------------------
# Enterprise roster
# --------------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------------------


def _result(code, title, area, kind, outcome, numbers, formula, message) -> RuleResult:
    return RuleResult(
        code=code, title=title, area=area, kind=kind, outcome=outcome, numbers=numbers, formula=formula, message=message
    )


def _rule_area(facts: Facts, t: Thresholds) -> RuleResult:
    area = _dec(facts.area_km2)
    numbers = {"门槛": f"一般 ≤ {_plain(t.max_area_km2)} 平方公里"}
    formula = f"集群占地面积一般不超过 {_plain(t.max_area_km2)} 平方公里（超过时提醒，不作为否决条件）"
    if area is None:
        outcome, message = Outcome.WARNING, "未填写集群占地面积。"
    else:
        numbers = {"占地面积": f"{_plain(area)} 平方公里", **numbers}
        if area <= 0:
            outcome, message = Outcome.WARNING, f"集群占地面积 {_plain(area)} 平方公里，应大于 0，请核对。"
        elif area > t.max_area_km2:
            outcome = Outcome.WARNING
            message = f"集群占地面积 {_plain(area)} 平方公里，超过一般不超过的 {_plain(t.max_area_km2)} 平方公里。"
        else:
            outcome = Outcome.PASS
            message = f"集群占地面积 {_plain(area)} 平方公里，未超过 {_plain(t.max_area_km2)} 平方公里。"
    return _result("1", "集群占地面积", AREA_1, SOFT, outcome, numbers, formula, message)


def _last_three(facts: Facts) -> list[int]:
    y = facts.call_year
    return [y - 3, y - 2, y - 1]


def _rule_total_output(facts: Facts, t: Thresholds) -> RuleResult:
    numbers: dict[str, str] = {}
    missing, low = [], []
    for year in _last_three(facts):
        value = _dec(facts.year(year).total_output)
        if value is None:
            numbers[f"{year}年"] = "未填写"
            missing.append(f"{year}年集群总产值")
            continue
        numbers[f"{year}年"] = fmt_amount(value)
        if value < t.min_total_output:
            low.append(f"{year}年总产值 {fmt_amount(value)}")
    numbers["门槛"] = f"≥ {fmt_amount(t.min_total_output)}"
    years = _last_three(facts)
    formula = f"{years[0]}—{years[-1]}年每年集群总产值 ≥ {fmt_amount(t.min_total_output)}"
    if missing:
        outcome, message = Outcome.FAIL, f"未填写{'、'.join(missing)}。"
    elif low:
        outcome, message = Outcome.FAIL, f"{'；'.join(low)}，低于 {fmt_amount(t.min_total_output)}。"
    else:
        outcome = Outcome.PASS
        message = f"近三年集群总产值每年均不低于 {fmt_amount(t.min_total_output)}。"
    return _result("2a", "集群总产值（近三年每年）", AREA_2, HARD, outcome, numbers, formula, message)


def _share_rule(facts: Facts, code, title, part_attr, part_label, threshold: Decimal) -> RuleResult:
    numbers: dict[str, str] = {}
    problems: list[str] = []
    missing: list[str] = []
    years = _last_three(facts)
    for year in years:
        figures = facts.year(year)
        part, total = _dec(getattr(figures, part_attr)), _dec(figures.total_output)
        if part is None:
            missing.append(f"{year}年{part_label}")
        if total is None:
            missing.append(f"{year}年集群总产值")
        if part is None or total is None:
            numbers[f"{year}年"] = "未填写"
            continue
        if total <= 0:
            numbers[f"{year}年"] = f"{part_label} {fmt_amount(part)} ÷ 总产值 {fmt_amount(total)}"
            problems.append(f"{year}年集群总产值为 {fmt_amount(total)}，无法计算占比")
            continue
        if part < 0 or part > total:
            with localcontext() as ctx:
                ctx.prec = _PRECISION
                share = part * 100 / total
            numbers[f"{year}年"] = f"{_fixed(share, 2)}%"
            problems.append(
                f"{year}年{part_label} {fmt_amount(part)} 占总产值 {fmt_amount(total)} 的 {_fixed(share, 2)}%，"
                "比例应在0至100之间"
            )
            continue
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            share = part * 100 / total
            passed = part * 100 >= threshold * total
        shown = _consistent(share, threshold, passed)
        numbers[f"{year}年"] = f"{shown}%（{fmt_amount(part)} ÷ {fmt_amount(total)}）"
        if not passed:
            problems.append(f"{year}年{part_label}占比 {shown}%，低于 {fmt_pct(threshold)}")
    numbers["门槛"] = f"≥ {fmt_pct(threshold)}"
    formula = f"{years[0]}—{years[-1]}年每年{part_label} ÷ 集群总产值 ≥ {fmt_pct(threshold)}"
    if missing:
        outcome, message = Outcome.FAIL, f"未填写{'、'.join(missing)}。"
    elif problems:
        outcome, message = Outcome.FAIL, f"{'；'.join(problems)}。"
    else:
        outcome, message = Outcome.PASS, f"近三年{part_label}占集群总产值比例每年均不低于 {fmt_pct(threshold)}。"
    return _result(code, title, AREA_2, HARD, outcome, numbers, formula, message)


def _growth_rule(facts: Facts, code, title, area, attr, label, threshold: Decimal, unit: str = "万元") -> RuleResult:
    base_year, last_year = facts.call_year - 4, facts.call_year - 1
    base = _dec(getattr(facts.year(base_year), attr))
    last = _dec(getattr(facts.year(last_year), attr))

    def fmt(value: Decimal) -> str:
        return fmt_amount(value) if unit == "万元" else f"{_plain(value)} {unit}"

    formula = (
        f"年均增速 = (V({last_year}) ÷ V({base_year}))^(1/3) − 1 ≥ {fmt_pct(threshold)}，"
        f"即 V({last_year}) ≥ V({base_year}) × (1 + {fmt_pct(threshold)})³（精确比较）"
    )
    numbers = {
        f"{base_year}年（基期）": "未填写" if base is None else fmt(base),
        f"{last_year}年": "未填写" if last is None else fmt(last),
    }
    threshold_label = {"门槛": f"≥ {fmt_pct(threshold)}"}
    missing = [f"{y}年{label}" for y, v in ((base_year, base), (last_year, last)) if v is None]
    if missing:
        return _result(
            code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, f"未填写{'、'.join(missing)}。"
        )
    if base <= 0:
        message = f"{base_year}年（基期）{label}为 {fmt(base)}，基期值为 0 或负数，无法计算增速。"
        return _result(code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, message)
    if last < 0:
        message = f"{last_year}年{label}为 {fmt(last)}，不能为负数，无法计算增速。"
        return _result(code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, message)
    target = _growth_target(base, threshold)
    passed = last >= target
    rate_pct = cagr(base, last) * 100
    shown = _consistent(rate_pct, threshold, passed)
    numbers["年均增速"] = f"{shown}%"
    numbers.update(threshold_label)
    numbers[f"达标所需{last_year}年值"] = f"≥ {fmt(target)}"
    if passed:
        outcome = Outcome.PASS
        message = f"{base_year}—{last_year}年{label}年均增长 {shown}%，不低于 {fmt_pct(threshold)}。"
    else:
        outcome = Outcome.FAIL
        message = (
            f"{base_year}—{last_year}年{label}年均增长 {shown}%，低于 {fmt_pct(threshold)}"
            f"（{last_year}年需达到 {fmt(target)}）。"
        )
    return _result(code, title, area, HARD, outcome, numbers, formula, message)


def _rule_titles(facts: Facts, t: Thresholds) -> RuleResult:
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
    return _result("3", "优质企业数量", AREA_3, HARD, outcome, numbers, formula, message)


def _count_rule(code, title, area, label, value, minimum: int, unit: str) -> RuleResult:
    value = int(value or 0)
    numbers = {label: f"{value} {unit}", "门槛": f"≥ {minimum} {unit}"}
    formula = f"{label} ≥ {minimum} {unit}"
    if value >= minimum:
        outcome, message = Outcome.PASS, f"{label} {value} {unit}，不少于 {minimum} {unit}。"
    else:
        outcome, message = Outcome.FAIL, f"{label} {value} {unit}，少于 {minimum} {unit}。"
    return _result(code, title, area, HARD, outcome, numbers, formula, message)


def _rule_patent_density(facts: Facts, t: Thresholds) -> RuleResult:
    year = facts.call_year - 1
    figures = facts.year(year)
    patents, employees = figures.invention_patents, figures.employees
    threshold = t.min_patents_per_10k_employees
    formula = f"每万人发明专利拥有量 = {year}年有效发明专利数 ÷ {year}年从业人员数 × 10,000 ≥ {_plain(threshold)} 件"
    numbers = {
        f"{year}年有效发明专利": "未填写" if patents is None else f"{_plain(patents)} 件",
        f"{year}年从业人员": "未填写" if employees is None else f"{_plain(employees)} 人",
    }
    threshold_label = {"门槛": f"≥ {_plain(threshold)} 件/万人"}
    missing = [
        label for label, v in ((f"{year}年有效发明专利数", patents), (f"{year}年从业人员数", employees)) if v is None
    ]
    if missing:
        return _result(
            "5d",
            "每万人发明专利拥有量",
            AREA_5,
            HARD,
            Outcome.FAIL,
            numbers | threshold_label,
            formula,
            f"未填写{'、'.join(missing)}。",
        )
    patents_d, employees_d = _to_decimal(patents), _to_decimal(employees)
    if employees_d <= 0:
        message = f"{year}年从业人员数为 {_plain(employees_d)}，无法计算每万人发明专利拥有量。"
        return _result(
            "5d", "每万人发明专利拥有量", AREA_5, HARD, Outcome.FAIL, numbers | threshold_label, formula, message
        )
    if patents_d < 0:
        message = f"{year}年有效发明专利数为 {_plain(patents_d)}，不能为负数。"
        return _result(
            "5d", "每万人发明专利拥有量", AREA_5, HARD, Outcome.FAIL, numbers | threshold_label, formula, message
        )
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        density = patents_d * 10000 / employees_d
        passed = patents_d * 10000 >= threshold * employees_d
    shown = _consistent(density, threshold, passed)
    numbers["每万人发明专利拥有量"] = f"{shown} 件/万人"
    numbers.update(threshold_label)
    if passed:
        outcome = Outcome.PASS
        message = f"{year}年每万人发明专利拥有量 {shown} 件，不低于 {_plain(threshold)} 件。"
    else:
        outcome = Outcome.FAIL
        message = f"{year}年每万人发明专利拥有量 {shown} 件，低于 {_plain(threshold)} 件。"
    return _result("5d", "每万人发明专利拥有量", AREA_5, HARD, outcome, numbers, formula, message)


def _pct_rule(code, title, label, value, threshold: Decimal) -> RuleResult:
    value = _dec(value)
    formula = f"{label} ≥ {fmt_pct(threshold)}"
    numbers = {label: "未填写" if value is None else fmt_pct(value), "门槛": f"≥ {fmt_pct(threshold)}"}
    if value is None:
        outcome, message = Outcome.FAIL, f"未填写{label}。"
    elif value < 0 or value > 100:
        outcome, message = Outcome.FAIL, f"{label}填写为 {_plain(value)}%，比例应在0至100之间。"
    elif value >= threshold:
        outcome, message = Outcome.PASS, f"{label} {fmt_pct(value)}，不低于 {fmt_pct(threshold)}。"
    else:
        outcome = Outcome.FAIL
        message = f"{label} {_consistent(value, threshold, False)}%，低于 {fmt_pct(threshold)}。"
    return _result(code, title, AREA_6, HARD, outcome, numbers, formula, message)


def _rule_green(facts: Facts) -> RuleResult:
    y = facts.call_year
    years = [y - 4, y - 3, y - 2, y - 1]
    numbers: dict[str, str] = {}
    given: list[tuple[int, Decimal]] = []
    for year in years:
        value = _dec(facts.year(year).co2_intensity)
        numbers[f"{year}年二氧化碳排放强度"] = "未填写" if value is None else f"{_plain(value)} 吨/万元"
        if value is not None:
            given.append((year, value))

    fails: list[str] = []
    judgments: list[str] = []
    notes: list[str] = []

    negatives = [f"{year}年" for year, value in given if value < 0]
    if negatives:
        fails.append(f"{'、'.join(negatives)}二氧化碳排放强度为负数")
    if not given:
        judgments.append("未填写二氧化碳排放强度，需评审判断")
    elif len(given) == 1:
        judgments.append("仅填写一年二氧化碳排放强度，无法判断是否持续下降，需评审判断")
    else:
        rises = [
            f"{y1}年 {_plain(v1)} → {y2}年 {_plain(v2)}"
            for (y1, v1), (y2, v2) in zip(given, given[1:], strict=False)
            if v2 >= v1
        ]
        if rises:
            fails.append(f"二氧化碳排放强度未逐年下降（{'；'.join(rises)}）")
        elif len(given) < len(years):
            missing = [f"{year}年" for year in years if year not in dict(given)]
            judgments.append(f"已填年份二氧化碳排放强度逐年下降，但{'、'.join(missing)}未填写，需评审判断")
        else:
            notes.append("二氧化碳排放强度逐年下降")

    for intensive, above, name, kind in (
        (facts.energy_intensive, facts.energy_above_benchmark, "能效", "高耗能行业"),
        (facts.water_intensive, facts.water_above_benchmark, "水效", "高用水行业"),
    ):
        if not intensive:
            numbers[kind] = "否"
            continue
        numbers[kind] = "是"
        label = f"{name}水平高于行业基准值"
        if above is None:
            numbers[label] = "未声明"
            judgments.append(f"属于{kind}，未声明{name}水平是否高于行业基准值，需评审判断")
        elif above:
            numbers[label] = "是"
            notes.append(f"{name}水平高于行业基准值")
        else:
            numbers[label] = "否"
            fails.append(f"属于{kind}，{name}水平未高于行业基准值")

    formula = (
        f"{years[0]}—{years[-1]}年二氧化碳排放强度逐年下降（每年严格低于上一年）；"
        "属于高耗能行业的，能效水平高于行业基准值；属于高用水行业的，水效水平高于行业基准值；"
        "未填写数值的由评审判断"
    )
    if fails:
        outcome, message = Outcome.FAIL, f"{'；'.join(fails)}。"
    elif judgments:
        outcome, message = Outcome.JUDGMENT, f"{'；'.join(judgments)}。"
    else:
        outcome, message = Outcome.PASS, f"{'，'.join(notes)}。"
    return _result("7", "碳排放强度与能效水效", AREA_7, HARD, outcome, numbers, formula, message)


def _rule_governance(facts: Facts) -> RuleResult:
    items = [
        ("运营管理机构", bool(facts.has_management_body), "未设立（园区）管委会等运营管理机构"),
        ("中小企业公共服务体系", bool(facts.has_service_system), "未建立中小企业公共服务体系"),
        ("三年发展规划文本", bool(facts.has_plan_document), "未提供三年发展规划文本"),
        (
            "可考核的规划目标",
            (facts.plan_target_count or 0) >= 1,
            "三年发展规划未填写可考核的目标（指标、基数、分年度目标）",
        ),
    ]
    numbers = {label: ("有" if ok else "无") for label, ok, _ in items}
    numbers["规划目标数"] = f"{int(facts.plan_target_count or 0)} 项"
    formula = "设立运营管理机构；建立中小企业公共服务体系；有三年发展规划文本，且至少有 1 项可考核的目标"
    missing = [text for _, ok, text in items if not ok]
    if missing:
        outcome, message = Outcome.FAIL, f"{'；'.join(missing)}。"
    else:
        outcome = Outcome.PASS
        message = f"已设立运营管理机构和公共服务体系，三年发展规划含 {int(facts.plan_target_count)} 项可考核目标。"
    return _result("9", "运营管理机构、公共服务体系与三年发展规划", AREA_9, HARD, outcome, numbers, formula, message)


def _rule_art7(facts: Facts) -> RuleResult:
    declarations = facts.declarations or {}
    numbers: dict[str, str] = {}
    occurred, undeclared = [], []
    for key, label in DECLARATION_LABELS.items():
        value = declarations.get(key)
        if value is True:
            numbers[label] = "声明不存在"
        elif value is False:
            numbers[label] = "存在"
            occurred.append(label)
        else:
            numbers[label] = "尚未声明"
            undeclared.append(label)
    formula = "申报主体逐项声明不存在第七条所列四种情形"
    parts = []
    if occurred:
        parts.append(f"存在第七条所列情形：{'；'.join(occurred)}")
    if undeclared:
        parts.append(f"尚未声明是否存在以下情形：{'；'.join(undeclared)}")
    if parts:
        outcome, message = Outcome.FAIL, f"{'；'.join(parts)}。"
    else:
        outcome, message = Outcome.PASS, "已声明不存在第七条所列情形。"
    return _result("art7", "不存在第七条所列情形", AREA_ART7, HARD, outcome, numbers, formula, message)


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------


def evaluate(facts: Facts, thresholds: Thresholds | None = None) -> list[RuleResult]:
    """Evaluate every rule; one result per code, in the order of RULE_CODES."""
    t = thresholds or Thresholds()
    return [
        _rule_area(facts, t),
        _rule_total_output(facts, t),
        _share_rule(facts, "2b", "中小企业产值占比（近三年每年）", "sme_output", "中小企业产值", t.min_sme_share_pct),
        _growth_rule(
            facts, "2c", "主导产业产值年均增速", AREA_2, "lead_output", "集群主导产业产值", t.min_lead_growth_pct
        ),
        _share_rule(facts, "2d", "主导产业产值占比（近三年每年）", "lead_output", "主导产业产值", t.min_lead_share_pct),
        _rule_titles(facts, t),
        _count_rule(
            "4",
            "制造资源共享工作",
            AREA_4,
            "开展集群制造资源共享工作",
            facts.sharing_initiatives,
            t.min_sharing_initiatives,
            "项",
        ),
        _count_rule(
            "5a", "省级及以上创新平台", AREA_5, "省级及以上创新平台", facts.provincial_platforms, t.min_platforms, "个"
        ),
        _growth_rule(
            facts, "5b", "中小企业研发经费年均增长", AREA_5, "sme_rnd", "中小企业研发经费", t.min_rnd_growth_pct
        ),
        _growth_rule(
            facts,
            "5c",
            "有效发明专利年均增长率",
            AREA_5,
            "invention_patents",
            "有效发明专利数",
            t.min_patent_growth_pct,
            unit="件",
        ),
        _rule_patent_density(facts, t),
        _count_rule(
            "5e",
            "参与制定国家标准、行业标准",
            AREA_5,
            "参与制定国家标准、行业标准",
            facts.standards,
            t.min_standards,
            "项",
        ),
        _pct_rule("6a", "企业上云或上标识比例", "企业上云或上标识比例", facts.cloud_share_pct, t.min_cloud_share_pct),
        _pct_rule(
            "6b",
            "工业互联网平台应用普及率",
            "工业互联网平台应用普及率",
            facts.platform_penetration_pct,
            t.min_platform_penetration_pct,
        ),
        _count_rule(
            "6c",
            "智能制造、工业互联网试点示范项目",
            AREA_6,
            "省级以上智能制造、工业互联网等试点示范项目",
            facts.pilot_projects,
            t.min_pilot_projects,
            "个",
        ),
        _rule_green(facts),
        _count_rule(
            "8",
            "国际合作交流活动",
            AREA_8,
            "参与国际合作机制或交流活动",
            facts.international_activities,
            t.min_international,
            "项",
        ),
        _rule_governance(facts),
        _rule_art7(facts),
    ]


def failed_hard(results) -> list[RuleResult]:
    """The hard rules that failed (these need an explicit explanation at submission)."""
    return [r for r in results if r.kind == HARD and r.outcome == Outcome.FAIL]


def summary(results) -> dict[str, int]:
    """Counts per outcome; every outcome is present (0 when none)."""
    counts = dict.fromkeys(Outcome.ALL, 0)
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return counts
