"""The growth-rate rules: lead-industry output (2c), SME R&D spending (5b) and invention patents (5c), each a
compound annual rate from Y-4 to Y-1 decided exactly as V(Y-1) ≥ V(Y-4) × (1 + t)³."""

from __future__ import annotations

from decimal import Decimal

from .decimals import cagr, consistent, dec, fmt_amount, fmt_pct, growth_target, plain
from .facts import Facts
from .results import HARD, Outcome, RuleResult, make_result


def growth_rule(facts: Facts, code, title, area, attr, label, threshold: Decimal, unit: str = "万元") -> RuleResult:
    base_year, last_year = facts.call_year - 4, facts.call_year - 1
    base = dec(getattr(facts.year(base_year), attr))
    last = dec(getattr(facts.year(last_year), attr))

    def fmt(value: Decimal) -> str:
        return fmt_amount(value) if unit == "万元" else f"{plain(value)} {unit}"

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
        return make_result(
            code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, f"未填写{'、'.join(missing)}。"
        )
    if base <= 0:
        message = f"{base_year}年（基期）{label}为 {fmt(base)}，基期值为 0 或负数，无法计算增速。"
        return make_result(code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, message)
    if last < 0:
        message = f"{last_year}年{label}为 {fmt(last)}，不能为负数，无法计算增速。"
        return make_result(code, title, area, HARD, Outcome.FAIL, numbers | threshold_label, formula, message)
    target = growth_target(base, threshold)
    passed = last >= target
    rate_pct = cagr(base, last) * 100
    shown = consistent(rate_pct, threshold, passed)
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
    return make_result(code, title, area, HARD, outcome, numbers, formula, message)
