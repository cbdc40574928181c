"""Art. 6 (七): CO2 intensity falling every year, and energy and water efficiency above the benchmark (rule 7)."""

from __future__ import annotations

from decimal import Decimal

from .decimals import dec, plain
from .facts import Facts
from .results import AREA_7, HARD, Outcome, RuleResult, make_result


def rule_green(facts: Facts) -> RuleResult:
    y = facts.call_year
    years = [y - 4, y - 3, y - 2, y - 1]
    numbers: dict[str, str] = {}
    given: list[tuple[int, Decimal]] = []
    for year in years:
        value = dec(facts.year(year).co2_intensity)
        numbers[f"{year}年二氧化碳排放强度"] = "未填写" if value is None else f"{plain(value)} 吨/万元"
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
            f"{y1}年 {plain(v1)} → {y2}年 {plain(v2)}"
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
    return make_result("7", "碳排放强度与能效水效", AREA_7, HARD, outcome, numbers, formula, message)
