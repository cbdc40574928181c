"""Art. 6 (九) governance and plan (rule 9), and the Art. 7 declarations."""

from __future__ import annotations

from .facts import DECLARATION_LABELS, Facts
from .results import ABSOLUTE, AREA_9, AREA_ART7, HARD, Outcome, RuleResult, make_result


def rule_governance(facts: Facts) -> RuleResult:
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
    return make_result(
        "9", "运营管理机构、公共服务体系与三年发展规划", AREA_9, HARD, outcome, numbers, formula, message
    )


def rule_art7(facts: Facts) -> RuleResult:
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
    return make_result("art7", "不存在第七条所列情形", AREA_ART7, ABSOLUTE, outcome, numbers, formula, message)
