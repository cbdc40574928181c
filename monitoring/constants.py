"""Choices of the monitoring app (annual reports, city submissions, revocation proposals, reminders)."""

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
    # The lifecycle issue adds the decision states (upheld, dismissed, revoked).
    PROPOSED = "proposed", _("撤销建议（待省厅研究）")


class RevocationSource(models.TextChoices):
    SWEEP = "sweep", _("系统自动记录")
    MANUAL = "manual", _("人工提出")


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
