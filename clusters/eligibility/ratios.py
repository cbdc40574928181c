"""The ratio rules: invention patents per 10,000 employees (5d) and the digital percentages (6a, 6b)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from .decimals import PRECISION, consistent, dec, fmt_pct, plain, to_decimal
from .facts import Facts
from .results import AREA_5, AREA_6, HARD, Outcome, RuleResult, make_result
from .thresholds import Thresholds


def rule_patent_density(facts: Facts, t: Thresholds) -> RuleResult:
    year = facts.call_year - 1
    figures = facts.year(year)
    patents, employees = figures.invention_patents, figures.employees
    threshold = t.min_patents_per_10k_employees
    formula = f"每万人发明专利拥有量 = {year}年有效发明专利数 ÷ {year}年从业人员数 × 10,000 ≥ {plain(threshold)} 件"
    numbers = {
        f"{year}年有效发明专利": "未填写" if patents is None else f"{plain(patents)} 件",
        f"{year}年从业人员": "未填写" if employees is None else f"{plain(employees)} 人",
    }
    threshold_label = {"门槛": f"≥ {plain(threshold)} 件/万人"}
    missing = [
        label for label, v in ((f"{year}年有效发明专利数", patents), (f"{year}年从业人员数", employees)) if v is None
    ]
    if missing:
        return make_result(
            "5d",
            "每万人发明专利拥有量",
            AREA_5,
            HARD,
            Outcome.FAIL,
            numbers | threshold_label,
            formula,
            f"未填写{'、'.join(missing)}。",
        )
    patents_d, employees_d = to_decimal(patents), to_decimal(employees)
    if employees_d <= 0:
        message = f"{year}年从业人员数为 {plain(employees_d)}，无法计算每万人发明专利拥有量。"
        return make_result(
            "5d", "每万人发明专利拥有量", AREA_5, HARD, Outcome.FAIL, numbers | threshold_label, formula, message
        )
    if patents_d < 0:
        message = f"{year}年有效发明专利数为 {plain(patents_d)}，不能为负数。"
        return make_result(
            "5d", "每万人发明专利拥有量", AREA_5, HARD, Outcome.FAIL, numbers | threshold_label, formula, message
        )
    with localcontext() as ctx:
        ctx.prec = PRECISION
        density = patents_d * 10000 / employees_d
        passed = patents_d * 10000 >= threshold * employees_d
    shown = consistent(density, threshold, passed)
    numbers["每万人发明专利拥有量"] = f"{shown} 件/万人"
    numbers.update(threshold_label)
    if passed:
        outcome = Outcome.PASS
        message = f"{year}年每万人发明专利拥有量 {shown} 件，不低于 {plain(threshold)} 件。"
    else:
        outcome = Outcome.FAIL
        message = f"{year}年每万人发明专利拥有量 {shown} 件，低于 {plain(threshold)} 件。"
    return make_result("5d", "每万人发明专利拥有量", AREA_5, HARD, outcome, numbers, formula, message)


def pct_rule(code, title, label, value, threshold: Decimal) -> RuleResult:
    value = dec(value)
    formula = f"{label} ≥ {fmt_pct(threshold)}"
    numbers = {label: "未填写" if value is None else fmt_pct(value), "门槛": f"≥ {fmt_pct(threshold)}"}
    if value is None:
        outcome, message = Outcome.FAIL, f"未填写{label}。"
    elif value < 0 or value > 100:
        outcome, message = Outcome.FAIL, f"{label}填写为 {plain(value)}%，比例应在0至100之间。"
    elif value >= threshold:
        outcome, message = Outcome.PASS, f"{label} {fmt_pct(value)}，不低于 {fmt_pct(threshold)}。"
    else:
        outcome = Outcome.FAIL
        message = f"{label} {consistent(value, threshold, False)}%，低于 {fmt_pct(threshold)}。"
    return make_result(code, title, AREA_6, HARD, outcome, numbers, formula, message)
