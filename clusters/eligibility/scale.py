"""Art. 6 (一)(二): the cluster's area (rule 1, soft), total output (2a) and the shares of SME and lead-industry
output in it (2b, 2d), each of the last three years."""

from __future__ import annotations

from decimal import Decimal, localcontext

from .decimals import PRECISION, consistent, dec, fixed, fmt_amount, fmt_pct, plain
from .facts import Facts
from .results import AREA_1, AREA_2, HARD, SOFT, Outcome, RuleResult, make_result
from .thresholds import Thresholds


def rule_area(facts: Facts, t: Thresholds) -> RuleResult:
    area = dec(facts.area_km2)
    numbers = {"门槛": f"一般 ≤ {plain(t.max_area_km2)} 平方公里"}
    formula = f"集群占地面积一般不超过 {plain(t.max_area_km2)} 平方公里（超过时提醒，不作为否决条件）"
    if area is None:
        outcome, message = Outcome.WARNING, "未填写集群占地面积。"
    else:
        numbers = {"占地面积": f"{plain(area)} 平方公里", **numbers}
        if area <= 0:
            outcome, message = Outcome.WARNING, f"集群占地面积 {plain(area)} 平方公里，应大于 0，请核对。"
        elif area > t.max_area_km2:
            outcome = Outcome.WARNING
            message = f"集群占地面积 {plain(area)} 平方公里，超过一般不超过的 {plain(t.max_area_km2)} 平方公里。"
        else:
            outcome = Outcome.PASS
            message = f"集群占地面积 {plain(area)} 平方公里，未超过 {plain(t.max_area_km2)} 平方公里。"
    return make_result("1", "集群占地面积", AREA_1, SOFT, outcome, numbers, formula, message)


def _last_three(facts: Facts) -> list[int]:
    y = facts.call_year
    return [y - 3, y - 2, y - 1]


def rule_total_output(facts: Facts, t: Thresholds) -> RuleResult:
    numbers: dict[str, str] = {}
    missing, low = [], []
    for year in _last_three(facts):
        value = dec(facts.year(year).total_output)
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
    return make_result("2a", "集群总产值（近三年每年）", AREA_2, HARD, outcome, numbers, formula, message)


def share_rule(facts: Facts, code, title, part_attr, part_label, threshold: Decimal) -> RuleResult:
    numbers: dict[str, str] = {}
    problems: list[str] = []
    missing: list[str] = []
    years = _last_three(facts)
    for year in years:
        figures = facts.year(year)
        part, total = dec(getattr(figures, part_attr)), dec(figures.total_output)
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
                ctx.prec = PRECISION
                share = part * 100 / total
            numbers[f"{year}年"] = f"{fixed(share, 2)}%"
            problems.append(
                f"{year}年{part_label} {fmt_amount(part)} 占总产值 {fmt_amount(total)} 的 {fixed(share, 2)}%，"
                "比例应在0至100之间"
            )
            continue
        with localcontext() as ctx:
            ctx.prec = PRECISION
            share = part * 100 / total
            passed = part * 100 >= threshold * total
        shown = consistent(share, threshold, passed)
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
    return make_result(code, title, AREA_2, HARD, outcome, numbers, formula, message)
