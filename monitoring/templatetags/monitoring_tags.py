"""Display filters of the monitoring pages (and the city table's PDF)."""

from decimal import Decimal, InvalidOperation

from django import template

from monitoring.constants import CitySubmissionState, ReportState

register = template.Library()

REPORT_BADGES = {
    ReportState.DRAFT: "text-bg-secondary",
    ReportState.SUBMITTED: "text-bg-primary",
    ReportState.RETURNED: "text-bg-warning",
    ReportState.VERIFIED: "text-bg-success",
}
CITY_BADGES = {
    CitySubmissionState.DRAFT: "text-bg-secondary",
    CitySubmissionState.SUBMITTED: "text-bg-success",
    CitySubmissionState.RETURNED: "text-bg-warning",
}
STATUS_BADGES = {
    "on_time": "text-bg-success",
    "late": "text-bg-warning",
    "overdue": "text-bg-danger",
    "pending": "text-bg-secondary",
}


@register.filter
def num(value):
    """A number with thousands separators and no trailing zeros; empty -> '—'."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


@register.filter
def report_badge(state):
    return REPORT_BADGES.get(state, "text-bg-light border")


@register.filter
def report_state_label(state):
    if not state:
        return "未填报"
    try:
        return str(ReportState(state).label)
    except ValueError:
        return state


@register.filter
def city_badge(state):
    return CITY_BADGES.get(state, "text-bg-light border")


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(status, "text-bg-light border")


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def cn_date(value):
    if not value:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日"


TRANSITIONS = {
    "create": "创建",
    "submit": "提交",
    "verify": "审核通过",
    "return_to_cluster": "退回修改",
    "return_to_city": "省厅退回",
    "propose": "提出撤销建议",
}


@register.filter
def transition_label(code):
    return TRANSITIONS.get(code, code)


@register.filter
def iso_time(value):
    """'2026-03-20T10:15:00+08:00' (a frozen table's time) -> '2026-03-20 10:15'."""
    if not value:
        return ""
    return str(value)[:16].replace("T", " ")
