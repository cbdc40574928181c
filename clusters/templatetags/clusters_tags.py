"""Small display filters for the cluster and application pages (and the application PDF)."""

from decimal import Decimal, InvalidOperation

from django import template

from clusters.constants import TITLE_LABELS, ApplicationState, CallStatus, ListKind, PlatformLevel
from core.filetypes import format_size

register = template.Library()

_STATE_LABELS = {**dict(CallStatus.choices), **dict(ApplicationState.choices)}

TRANSITION_LABELS = {
    "create": "创建申报草稿",
    "submit": "提交申报",
    "county_pass": "县级审核通过",
    "recommend": "设区市推荐",
    "formal_pass": "形式审查通过",
    "start_site_check": "列入实地抽查",
    "to_joint_review": "提交会审",
    "approve": "会审通过，进入公示",
    "certify": "公布认定",
    "return_to_applicant": "退回修改",
    "reject": "不予通过",
    "withdraw": "撤回申报",
    "publish": "发布",
}

# Outcome -> (label, badge classes, symbol). Bootstrap's text-bg-* with the portal's darker success/danger/primary
# (white text 6.3:1 to 6.5:1) and black on the warning yellow (12.9:1); the text label is always shown.
OUTCOMES = {
    "pass": ("通过", "text-bg-success", "✓"),
    "fail": ("未达标", "text-bg-danger", "✕"),
    "warning": ("提示", "text-bg-warning", "!"),
    "judgment": ("需评审判断", "text-bg-primary", "?"),
}


def _get(obj, key, default=None):
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


@register.filter
def state_label(code):
    """An application (or call) state code as its Chinese label; an empty code as a dash."""
    if not code:
        return "—"
    return str(_STATE_LABELS.get(code, code))


@register.filter
def transition_label(code):
    return TRANSITION_LABELS.get(code, code)


def _decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


@register.filter
def wan(value):
    """An amount in 万元 with thousands separators (no unit): 400000.00 -> '400,000'; empty -> '—'."""
    number = _decimal(value)
    if number is None:
        return "—" if value in (None, "") else value
    return _plain(number)


@register.filter
def yi(value):
    """An amount in 万元 of at least 10,000 as 亿元 ('40 亿元', '约 12.35 亿元'); '' below that."""
    number = _decimal(value)
    if number is None or abs(number) < 10000:
        return ""
    amount = number / Decimal(10000)
    rounded = amount.quantize(Decimal("0.01"))
    if rounded == amount:
        return f"{_plain(amount)} 亿元"
    return f"约 {_plain(rounded)} 亿元"


@register.filter
def number(value):
    """Any number with thousands separators; empty -> '—'."""
    return wan(value)


@register.filter
def outcome_label(outcome):
    return OUTCOMES.get(outcome, (outcome, "", ""))[0]


@register.filter
def outcome_class(outcome):
    return OUTCOMES.get(outcome, ("", "text-bg-secondary", ""))[1]


@register.filter
def outcome_symbol(outcome):
    return OUTCOMES.get(outcome, ("", "", ""))[2]


@register.filter
def outcome_summary(results):
    """[{outcome, label, css, symbol, count}] for every outcome, in a fixed order (results or their dicts)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for r in results or ():
        outcome = _get(r, "outcome")
        counts[outcome] = counts.get(outcome, 0) + 1
    return [
        {"outcome": key, "label": label, "css": css, "symbol": symbol, "count": counts.get(key, 0)}
        for key, (label, css, symbol) in OUTCOMES.items()
    ]


@register.filter
def title_label(code):
    return str(TITLE_LABELS.get(code, code))


@register.filter
def titles_of(enterprise):
    """Title labels of a roster row (a model instance or a snapshot dict)."""
    out = []
    for code, attr in (
        ("champion", "champion_cert"),
        ("giant", "giant_cert"),
        ("specialised", "specialised_cert"),
        ("hightech", "hightech_cert"),
    ):
        cert = _get(enterprise, attr)
        if cert:
            out.append({"code": code, "label": str(TITLE_LABELS[code]), "cert": cert})
    return out


@register.filter
def list_kind_label(code):
    try:
        return str(ListKind(code).label)
    except ValueError:
        return code


@register.filter
def level_label(code):
    if not code:
        return ""
    try:
        return str(PlatformLevel(code).label)
    except ValueError:
        return code


@register.filter
def condition_section(code):
    """The form section where the applicant answers a review condition."""
    from clusters.conditions import CONDITION_SECTIONS

    return CONDITION_SECTIONS.get(code, "review")


@register.filter
def of_kind(items, kind):
    """List items (or snapshot dicts) of one kind."""
    return [i for i in items or () if _get(i, "kind") == kind]


@register.filter
def with_purpose(attachments, purpose):
    return [a for a in attachments or () if _get(a, "purpose") == purpose]


@register.filter
def for_requirement(attachments, requirement_id):
    return [a for a in attachments or () if _get(a, "requirement_id") == requirement_id]


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def mask_phone(value):
    """138****1234 for a role that does not need the whole number (a***@domain for an e-mail address)."""
    value = (value or "").strip()
    if "@" in value:
        from core.validators import mask_phone as mask

        return mask(value)
    if len(value) < 7:
        return "****" if value else ""
    return f"{value[:3]}****{value[-4:]}"


@register.filter
def yes_no(value):
    """True/False/None (or the snapshot's '是'/'否'/'') as 是/否/未填写."""
    if value in (True, "是", "true", "True"):
        return "是"
    if value in (False, "否", "false", "False"):
        return "否"
    return "未填写"


@register.filter
def declared(value):
    """An Art. 7 declaration: True = declared that the situation did not occur."""
    if value in (True, "是", "true", "True"):
        return "确认无此情形"
    if value in (False, "否", "false", "False"):
        return "存在此情形"
    return "尚未声明"


@register.filter
def filesize(value):
    try:
        return format_size(int(value))
    except (TypeError, ValueError):
        return ""


# The main path an application travels, as the applicant sees it (site check is an optional stop).
_STEPS = [
    ("draft", "填写申报"),
    ("county_review", "县级审核"),
    ("city_review", "设区市初审推荐"),
    ("formal_review", "省级形式审查"),
    ("expert_review", "专家评审"),
    ("joint_review", "会审报批"),
    ("public_notice", "公示"),
    ("certified", "认定"),
]


@register.filter
def progress_steps(state):
    """[{label, status}] with status done / current / todo along the main path; site check counts as expert
    review's stage, and a rejected or withdrawn application shows no current step."""
    position = {"site_check": "expert_review"}.get(state, state)
    keys = [k for k, _label in _STEPS]
    index = keys.index(position) if position in keys else -1
    steps = []
    for i, (_key, label) in enumerate(_STEPS):
        if index < 0:
            status = "todo"
        elif i < index or (state == "certified" and i == index):
            status = "done"
        elif i == index:
            status = "current"
        else:
            status = "todo"
        steps.append({"label": label, "status": status})
    return steps


@register.filter
def plain_value(value):
    """A snapshot value for people: lists joined with 、, booleans as 是/否, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


@register.simple_tag
def list_kind_choices():
    """[(code, label)] of the list kinds, in their defined order (for templates rendered without a view)."""
    return [(code, str(label)) for code, label in ListKind.choices]
