"""The reported figures judged against earlier years, the Art. 6 thresholds and the 3-year plan.

Pure functions on plain data (no database): the services and selectors read the rows and pass them in.
Figures are dicts {field: Decimal | int | None} keyed by the names of clusters.models.YearData.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clusters import eligibility

from .constants import CONTRADICTION_FACTOR
from .models import FIGURE_FIELDS, AnnualReport

FACTOR = Decimal(CONTRADICTION_FACTOR)


def figure_label(name: str) -> str:
    return str(AnnualReport._meta.get_field(name).verbose_name)


def _fmt(value) -> str:
    if value is None:
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


# ---------------------------------------------------------------- figures that contradict earlier years


def contradiction_warnings(current: dict, previous: dict | None, *, year: int, previous_source: str) -> list[dict]:
    """Each figure that changed by more than ×3 or ÷3 against the previous year's value (or went to or from
    zero). A warning the applicant confirms, never a refusal: real clusters do merge, split and restate."""
    if not previous:
        return []
    out = []
    for name in FIGURE_FIELDS:
        now, before = current.get(name), previous.get(name)
        if now is None or before is None:
            continue
        now, before = Decimal(now), Decimal(before)
        if now == before:
            continue
        if before <= 0 or now <= 0:
            if (before == 0) == (now == 0):
                continue
            change = "由 0 变为非 0" if before == 0 else "变为 0"
        elif now > before * FACTOR:
            change = f"增至上年的 {(now / before).quantize(Decimal('0.1'))} 倍"
        elif now * FACTOR < before:
            change = f"降至上年的 {(now / before * 100).quantize(Decimal('0.1'))}%"
        else:
            continue
        label = figure_label(name)
        out.append(
            {
                "field": name,
                "label": label,
                "current": _fmt(now),
                "previous": _fmt(before),
                "message": (
                    f"{label}：{year}年 {_fmt(now)}，{year - 1}年（{previous_source}）{_fmt(before)}，{change}，"
                    "请核实数据和单位（万元）。"
                ),
            }
        )
    return out


# ---------------------------------------------------------------- Art. 6 thresholds (early warning)

# Rules judged on the reported year alone (each year must pass): the engine's "last three years" all carry it.
PER_YEAR_RULES = {"2a": ("total_output",), "2b": ("sme_output", "total_output"), "2d": ("lead_output", "total_output")}
# Growth over three years to the reported year: needs the base year (reported year − 3).
GROWTH_RULES = {"2c": "lead_output", "5b": "sme_rnd", "5c": "invention_patents"}


def _figures(values: dict | None) -> eligibility.YearFigures:
    values = values or {}
    return eligibility.YearFigures(**{name: values.get(name) for name in FIGURE_FIELDS})


def threshold_flags(series: dict[int, dict], report_year: int, thresholds: eligibility.Thresholds) -> list[dict]:
    """The Art. 6 rules that the reported year's figures fail, by the eligibility engine itself (same rules,
    the thresholds of the certification's call or the defaults). A rule lacking the data it needs (an imported
    cluster has no application years for a growth rate) is not judged: missing data is not a warning."""
    current = series.get(report_year)
    if not current:
        return []
    call_year = report_year + 1
    year_figures = _figures(current)
    single = eligibility.Facts(call_year=call_year, years={report_year - k: year_figures for k in range(3)})
    full = eligibility.Facts(
        call_year=call_year,
        years={y: _figures(v) for y, v in series.items() if report_year - 3 <= y <= report_year},
    )
    recent = eligibility.Facts(
        call_year=call_year,
        years={y: _figures(series.get(y)) for y in (report_year - 1, report_year) if series.get(y)},
    )
    flags = []
    for result in eligibility.evaluate(single, thresholds):
        needed = PER_YEAR_RULES.get(result.code)
        if needed and all(current.get(n) is not None for n in needed) and result.outcome == eligibility.Outcome.FAIL:
            value = result.numbers.get(f"{report_year}年", "")
            threshold = result.numbers.get("门槛", "")
            title = result.title.replace("（近三年每年）", "")
            flags.append(
                {
                    "code": result.code,
                    "title": title,
                    "message": f"{report_year}年{title}：{value}，门槛 {threshold}。",
                    "numbers": {f"{report_year}年": value, "门槛": threshold},
                }
            )
    base = series.get(report_year - 3) or {}
    for result in eligibility.evaluate(full, thresholds):
        if result.code in GROWTH_RULES:
            name = GROWTH_RULES[result.code]
            if base.get(name) is None or current.get(name) is None:
                continue
        elif result.code == "5d":
            if current.get("invention_patents") is None or not current.get("employees"):
                continue
        else:
            continue
        if result.outcome == eligibility.Outcome.FAIL:
            flags.append(_flag(result))
    if len(recent.years) == 2:
        for result in eligibility.evaluate(recent, thresholds):
            if result.code == "7" and result.outcome == eligibility.Outcome.FAIL:
                flags.append(_flag(result))
    order = {code: i for i, code in enumerate(eligibility.RULE_CODES)}
    return sorted(flags, key=lambda f: order.get(f["code"], 99))


def _flag(result) -> dict:
    return {"code": result.code, "title": result.title, "message": result.message, "numbers": dict(result.numbers)}


# ---------------------------------------------------------------- the 3-year plan


def plan_year(certification_year: int | None, report_year: int) -> int | None:
    """Which year of the certified application's 3-year plan the reported year is (1–3), or None outside it.
    The plan starts in the call's year: a cluster certified in the 2025 call reports on 2025 as plan year 1."""
    if certification_year is None:
        return None
    n = report_year - certification_year + 1
    return n if 1 <= n <= 3 else None


@dataclass
class TargetProgress:
    target: object  # clusters.models.PlanTarget
    actual: Decimal | None
    note: str
    plan_year: int | None
    target_value: Decimal | None
    decreasing: bool
    status: str  # "met", "missed", "pending" (no actual yet), "outside" (not a plan year)

    @property
    def status_label(self) -> str:
        return {"met": "已达到", "missed": "未达到", "pending": "未填写", "outside": "不在规划期内"}[self.status]


def target_progress(target, actual, note: str, n: int | None) -> TargetProgress:
    """Met or missed against the target of plan year `n`. A target below its baseline (e.g. CO₂ intensity) is
    met at or below the target value; any other at or above it."""
    decreasing = target.target_3 < target.baseline
    value = {1: target.target_1, 2: target.target_2, 3: target.target_3}.get(n) if n else None
    if value is None:
        status = "outside"
    elif actual is None:
        status = "pending"
    elif (actual <= value) if decreasing else (actual >= value):
        status = "met"
    else:
        status = "missed"
    return TargetProgress(target, actual, note or "", n, value, decreasing, status)
