"""The count rules: a minimum number of sharing initiatives (4), platforms (5a), standards (5e), pilot projects
(6c) and international activities (8)."""

from __future__ import annotations

from .results import HARD, Outcome, RuleResult, make_result


def count_rule(code, title, area, label, value, minimum: int, unit: str) -> RuleResult:
    value = int(value or 0)
    numbers = {label: f"{value} {unit}", "门槛": f"≥ {minimum} {unit}"}
    formula = f"{label} ≥ {minimum} {unit}"
    if value >= minimum:
        outcome, message = Outcome.PASS, f"{label} {value} {unit}，不少于 {minimum} {unit}。"
    else:
        outcome, message = Outcome.FAIL, f"{label} {value} {unit}，少于 {minimum} {unit}。"
    return make_result(code, title, area, HARD, outcome, numbers, formula, message)
