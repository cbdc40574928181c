"""Choices of the monitoring app (annual reports, city submissions, re-reviews, revocations, change reports,
reminders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待县级审核")
    RETURNED = "returned", _("退回修改")
    VERIFIED = "verified", _("审核通过")


# The applicant may edit (and submit) a report in these states.
EDITABLE_REPORT_STATES = [ReportState.DRAFT, ReportState.RETURNED]
# A report in these states counts as reported: its figures are frozen and go into the city's table.
REPORTED_STATES = [ReportState.SUBMITTED, ReportState.VERIFIED]


class CitySubmissionState(models.TextChoices):
    DRAFT = "draft", _("未报送")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("省厅退回")


class RevocationGround(models.TextChoices):
    """The five grounds of Art. 14 (《管理办法》第十四条)."""

    EXPIRY_REVIEW = "expiry_review", _("（一）有效期满未申请复核或经复核未通过")
    FALSE_DECLARATION = "false_declaration", _("（二）发现虚假申报或存在违法违规行为")
    ANNUAL_INFO_MISSING = "annual_info_missing", _("（三）未及时报送集群年度培育情况信息表，不接受、不配合监测监督工作")
    CHANGE_UNREPORTED = (
        "change_unreported",
        _("（四）集群发生主导产业、空间范围、运营管理机构变更等重大变动未及时更新报备"),
    )
    SERIOUS_INCIDENT = (
        "serious_incident",
        _(
            "（五）集群企业发生较大及以上安全、质量和环境污染等事故，重大及以上网络安全事件和数据安全事件，"
            "以及偷税漏税、违法违规、严重失信和其它重大问题的行为"
        ),
    )


class RevocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("撤销建议（待省厅研究）")
    REVOKED = "revoked", _("已决定撤销")
    PUBLISHED = "published", _("撤销决定已公布")
    DISMISSED = "dismissed", _("不予撤销")
    LAPSED = "lapsed", _("已终止（认定已撤销）")


OPEN_REVOCATION_STATES = [RevocationStatus.PROPOSED]
DECIDED_REVOCATION_STATES = [RevocationStatus.REVOKED, RevocationStatus.PUBLISHED, RevocationStatus.DISMISSED]


class RevocationSource(models.TextChoices):
    SWEEP = "sweep", _("系统自动记录")
    MANUAL = "manual", _("人工提出")
    REREVIEW = "rereview", _("复核未通过（系统提出）")


class ReReviewState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COUNTY_REVIEW = "county_review", _("县级审核")
    CITY_REVIEW = "city_review", _("设区市审核")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    PROVINCE_REVIEW = "province_review", _("省厅审定")
    RETURNED = "returned", _("退回修改")
    PASSED = "passed", _("复核通过")
    FAILED = "failed", _("复核未通过")


EDITABLE_REREVIEW_STATES = [ReReviewState.DRAFT, ReReviewState.RETURNED]
REVIEW_REREVIEW_STATES = [
    ReReviewState.COUNTY_REVIEW,
    ReReviewState.CITY_REVIEW,
    ReReviewState.EXPERT_REVIEW,
    ReReviewState.PROVINCE_REVIEW,
]
CLOSED_REREVIEW_STATES = [ReReviewState.PASSED, ReReviewState.FAILED]
OPEN_REREVIEW_STATES = [*EDITABLE_REREVIEW_STATES, *REVIEW_REREVIEW_STATES]


class ReReviewTier(models.TextChoices):
    COUNTY = "county", _("县级主管部门意见")
    CITY = "city", _("设区市主管部门意见")
    EXPERT = "expert", _("专家评审意见")
    PROVINCE = "province", _("省工业和信息化厅决定")


class ChangeKind(models.TextChoices):
    LEAD_INDUSTRY = "lead_industry", _("主导产业变更")
    SPATIAL_SCOPE = "spatial_scope", _("空间范围变更")
    MANAGEMENT_BODY = "management_body", _("运营管理机构变更")


# The cluster fields each kind of change reports (clusters.services.certifications.CHANGEABLE_FIELDS).
CHANGE_FIELDS = {
    ChangeKind.LEAD_INDUSTRY: ["lead_industry", "segment"],
    ChangeKind.SPATIAL_SCOPE: ["division", "area_km2"],
    ChangeKind.MANAGEMENT_BODY: ["management_body"],
}


class ChangeReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CITY_REVIEW = "city_review", _("设区市审核")
    PROVINCE_REVIEW = "province_review", _("省厅审定")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已确认变更")
    REFUSED = "refused", _("不予确认")


EDITABLE_CHANGE_STATES = [ChangeReportState.DRAFT, ChangeReportState.RETURNED]
OPEN_CHANGE_STATES = [
    ChangeReportState.DRAFT,
    ChangeReportState.CITY_REVIEW,
    ChangeReportState.PROVINCE_REVIEW,
    ChangeReportState.RETURNED,
]


class ExpiryReminderKind(models.TextChoices):
    MONTHS_6 = "months_6", _("认定到期前6个月提醒")
    MONTHS_3 = "months_3", _("认定到期前3个月提醒")
    MONTHS_1 = "months_1", _("认定到期前1个月提醒")
    EXPIRED = "expired", _("认定已到期通知")


# (kind, months before valid_to): sent once per certification and end of validity, on the first sweep inside its
# window (up to the next smaller one), like the annual reminders.
EXPIRY_REMINDERS = [
    (ExpiryReminderKind.MONTHS_6, 6),
    (ExpiryReminderKind.MONTHS_3, 3),
    (ExpiryReminderKind.MONTHS_1, 1),
]

# Defaults of the province-editable lifecycle policy (LifecyclePolicy): the expiring mark's lead, and the grace
# period after expiry during which a re-review may still be applied for (after it: ground (1) of Art. 14).
DEFAULT_EXPIRING_LEAD_MONTHS = 6
DEFAULT_REREVIEW_GRACE_DAYS = 90
# A change reported this many days after its effective date was not reported in time (Art. 14(4)): the province
# is shown it and may open a ground-(4) case.
LATE_CHANGE_DAYS = 30


class ReminderKind(models.TextChoices):
    CLUSTER_30 = "cluster_30", _("集群报告截止前30天提醒")
    CLUSTER_7 = "cluster_7", _("集群报告截止前7天提醒")
    CLUSTER_1 = "cluster_1", _("集群报告截止前1天提醒")
    CLUSTER_OVERDUE = "cluster_overdue", _("集群报告逾期未报")
    CITY_7 = "city_7", _("设区市报送截止前7天提醒")
    CITY_1 = "city_1", _("设区市报送截止前1天提醒")
    CITY_OVERDUE = "city_overdue", _("设区市逾期未报送")


# (kind, the most days before the due date it covers). A kind is sent once per target and due date, on the first
# sweep whose days-left falls in its window (up to the next smaller window): a sweep that missed a day still sends
# the reminder, and a target that appears late gets only the most pressing one.
CLUSTER_REMINDERS = [(ReminderKind.CLUSTER_30, 30), (ReminderKind.CLUSTER_7, 7), (ReminderKind.CLUSTER_1, 1)]
CITY_REMINDERS = [(ReminderKind.CITY_7, 7), (ReminderKind.CITY_1, 1)]

# Default due dates (month, day) in the year after the reported year (Art. 12).
DEFAULT_CLUSTER_DUE = (3, 31)
DEFAULT_CITY_DUE = (4, 10)

# A figure changing by more than this factor against the previous year asks the applicant to confirm it.
CONTRADICTION_FACTOR = 3

NARRATIVE_FIELDS = ["development", "practices", "problems", "next_steps"]


# ---------------------------------------------------------------- the programme (Arts. 5 and 13)

# The target of Art. 5 until province staff enter one: about 100 clusters certified in the 14th Five-Year Plan period.
DEFAULT_PROGRAMME_NAME = "“十四五”时期"
DEFAULT_PROGRAMME_START = 2021
DEFAULT_PROGRAMME_END = 2025
DEFAULT_PROGRAMME_TARGET = 100


class KeySupportState(models.TextChoices):
    MARKED = "marked", _("重点支持")
    UNMARKED = "unmarked", _("已取消")


class RecommendationState(models.TextChoices):
    DRAFT = "draft", _("遴选中")
    GENERATING = "generating", _("正在生成推荐材料")
    READY = "ready", _("推荐材料已生成")
    FAILED = "failed", _("推荐材料生成失败")


# The package task's limits (seconds): the soft one lets the service record the failure, the hard one kills it.
PACKAGE_SOFT_TIME_LIMIT = 600
PACKAGE_TIME_LIMIT = 660
# A package still "generating" this long after it was asked for was lost (a killed worker): it may be asked again.
PACKAGE_STALE_MINUTES = 30
