"""Display filters of the monitoring pages (and the city table's PDF)."""

from decimal import Decimal, InvalidOperation

from django import template

from monitoring.constants import (
    ChangeReportState,
    CitySubmissionState,
    ReportState,
    ReReviewState,
    RevocationStatus,
)

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


LIFECYCLE_BADGES = {
    ReReviewState.DRAFT: "text-bg-secondary",
    ReReviewState.RETURNED: "text-bg-warning",
    ReReviewState.COUNTY_REVIEW: "text-bg-primary",
    ReReviewState.CITY_REVIEW: "text-bg-primary",
    ReReviewState.EXPERT_REVIEW: "text-bg-primary",
    ReReviewState.PROVINCE_REVIEW: "text-bg-primary",
    ReReviewState.PASSED: "text-bg-success",
    ReReviewState.FAILED: "text-bg-danger",
    ChangeReportState.ACCEPTED: "text-bg-success",
    ChangeReportState.REFUSED: "text-bg-danger",
    RevocationStatus.PROPOSED: "text-bg-warning",
    RevocationStatus.REVOKED: "text-bg-danger",
    RevocationStatus.PUBLISHED: "text-bg-danger",
    RevocationStatus.DISMISSED: "text-bg-secondary",
    RevocationStatus.LAPSED: "text-bg-light border",
    "valid": "text-bg-success",
    "expiring": "text-bg-warning",
    "expired": "text-bg-secondary",
    "revoked": "text-bg-danger",
}


@register.filter
def lifecycle_badge(state):
    return LIFECYCLE_BADGES.get(state, "text-bg-light border")


TRANSITIONS = {
    "create": "创建",
    "submit": "提交",
    "verify": "审核通过",
    "return_to_cluster": "退回修改",
    "return_to_city": "省厅退回",
    "propose": "提出撤销建议",
    "certify": "公布认定",
    "import": "导入平台上线前认定",
    "import_cluster": "导入集群",
    "mark_expiring": "标记即将到期",
    "expire": "有效期届满",
    "renew": "复核通过，有效期延长",
    "revoke": "撤销认定",
    "forward": "提出意见，转下一环节",
    "approve": "复核通过",
    "reject": "复核未通过",
    "dismiss": "不予撤销",
    "publish": "公布",
    "lapse": "建议终止",
    "accept": "确认变更",
    "refuse": "不予确认",
    "change": "变更基本信息",
    "open": "创建",
    "select": "选入推荐名单",
    "deselect": "移出推荐名单",
    "reopen": "重新调整推荐名单",
    "assemble": "请求生成推荐材料",
    "complete": "推荐材料已生成",
    "fail": "推荐材料生成失败",
    "mark": "列为重点支持",
    "unmark": "取消重点支持",
    "target_set": "设置认定目标",
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


@register.filter
def tier_label(tier):
    from monitoring.constants import ReReviewTier

    try:
        return str(ReReviewTier(tier).label)
    except ValueError:
        return tier


OUTCOME_BADGES = {
    "pass": "text-bg-success",
    "fail": "text-bg-danger",
    "warning": "text-bg-warning",
    "judgment": "text-bg-info",
}


@register.filter
def outcome_badge(outcome):
    return OUTCOME_BADGES.get(outcome, "text-bg-light border")


@register.filter
def outcome_label(outcome):
    from clusters.eligibility import Outcome

    return Outcome.LABELS.get(outcome, outcome)


@register.filter
def target_badge(status):
    return {"met": "text-bg-success", "missed": "text-bg-danger"}.get(status, "text-bg-light border")


@register.filter
def target_label(status):
    return {"met": "完成", "missed": "未完成", "pending": "未填写"}.get(status, status)


YI = Decimal(10000)


@register.filter
def amount(value):
    """An amount in 万元, shown in 亿元 from 1亿元 (10,000 万元) up: exact decimals, two places."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if abs(number) >= YI:
        return f"{(number / YI).quantize(Decimal('0.01')):,}亿元"
    return f"{num(number)}万元"


@register.filter
def cell(item):
    """A cell of a dashboard list ({"value", "kind"}) as text."""
    value, kind = item["value"], item["kind"]
    if value is None or value == "":
        return "—"
    if kind == "pct":
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}%"
    if kind == "wan":
        return num(value)
    if kind == "datetime":
        from django.utils import timezone

        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if kind == "date":
        return f"{value:%Y-%m-%d}"
    return value


@register.filter
def split_words(value):
    """ "a b c" -> ["a", "b", "c"]: a fixed list of keys in a template loop."""
    return str(value).split()
