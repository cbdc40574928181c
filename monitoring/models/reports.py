from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Certification, Cluster, PlanTarget, YearData
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage
from monitoring.constants import EDITABLE_REPORT_STATES, REPORTED_STATES, ReportState

S = ReportState
# The indicator table is the application's (clusters.models.YearData): same fields, units and validators, so the
# reported years line up with the application's Y-4..Y-1 data.
FIGURE_FIELDS = [
    "total_output",
    "sme_output",
    "lead_output",
    "sme_rnd",
    "invention_patents",
    "employees",
    "co2_intensity",
]


def _figure(name):
    return YearData._meta.get_field(name).clone()


def _may(verb):
    """A transition's `permission=`: which buttons the UI shows. The services are the gate."""

    def check(instance, user):
        from monitoring import permissions

        return getattr(permissions, f"can_{verb}_report")(user, instance)

    check.__name__ = f"can_{verb}_report"
    return check


class AnnualReport(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A certified cluster's annual development report (年度发展报告) on one year (Art. 12), due in the next.

    Frozen while submitted or verified (nothing changes it by any path); a county return reopens it, and every
    submission is kept whole as an AnnualReportVersion, which the submit transition's log row seals."""

    FROZEN_FIELDS = (
        "cluster",
        "certification",
        "report_year",
        *FIGURE_FIELDS,
        "development",
        "practices",
        "problems",
        "next_steps",
    )

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("集群")
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("认定")
    )
    report_year = models.PositiveIntegerField(_("报告年度"))
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    # Bumped by every save of the form: a stale browser tab is refused instead of overwriting newer data.
    edit_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )

    total_output = _figure("total_output")
    sme_output = _figure("sme_output")
    lead_output = _figure("lead_output")
    sme_rnd = _figure("sme_rnd")
    invention_patents = _figure("invention_patents")
    employees = _figure("employees")
    co2_intensity = _figure("co2_intensity")

    development = models.TextField(_("发展情况"), blank=True, help_text=_("上年度集群发展总体情况、主要指标变化。"))
    practices = models.TextField(_("经验做法"), blank=True, help_text=_("推动集群发展的主要举措和典型经验。"))
    problems = models.TextField(_("存在问题"), blank=True, help_text=_("发展中存在的主要问题和困难。"))
    next_steps = models.TextField(_("下一步措施"), blank=True, help_text=_("本年度工作打算和改进措施。"))

    # Figures that contradict earlier years (×3 / ÷3): what the applicant confirmed at the latest submission.
    warnings = models.JSONField(_("已确认的数据提示"), default=list, blank=True)
    warnings_explanation = models.TextField(_("数据变动说明"), blank=True)
    # Art. 6 thresholds the reported figures fall below (early warning for the province), set at submission.
    threshold_flags = models.JSONField(_("预警项"), default=list, blank=True)
    flag_count = models.PositiveSmallIntegerField(_("预警项数"), default=0, db_index=True)

    submission_count = models.PositiveIntegerField(_("提交次数"), default=0)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-report_year", "cluster_id"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "report_year"], name="uniq_annual_report_per_cluster_year")
        ]
        indexes = [models.Index(fields=["report_year", "state"])]
        verbose_name = _("年度发展报告")
        verbose_name_plural = _("年度发展报告")

    def __str__(self):
        return f"{self.cluster.name}{self.report_year}年度发展报告"

    def is_frozen(self) -> bool:
        return self.state in REPORTED_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REPORT_STATES

    @property
    def is_reported(self) -> bool:
        return self.state in REPORTED_STATES

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}

    # --- the state machine (fields in memory only; services save, log and notify) ---

    @transition(field=state, source=EDITABLE_REPORT_STATES, target=S.SUBMITTED, permission=_may("submit"))
    def submit(self, by=None):
        now = timezone.now()
        self.submission_count += 1
        self.submitted_at = now
        self.first_submitted_at = self.first_submitted_at or now
        self.submitted_by = by

    @transition(field=state, source=S.SUBMITTED, target=S.VERIFIED, permission=_may("verify"))
    def verify(self):
        self.verified_at = timezone.now()

    @transition(field=state, source=S.SUBMITTED, target=S.RETURNED, permission=_may("return"))
    def return_to_cluster(self, reason: str = ""):
        self.return_reason = reason
        self.returned_at = timezone.now()


class ReportTargetProgress(models.Model):
    """The actual value, in the reported year, of one target of the certified application's 3-year plan."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(PlanTarget, on_delete=models.PROTECT, related_name="+", verbose_name=_("规划目标"))
    actual = models.DecimalField(_("本年度实际值"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["target_id"]
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="uniq_progress_per_report_target")]
        verbose_name = _("规划目标进展")
        verbose_name_plural = _("规划目标进展")

    def __str__(self):
        return f"{self.report_id} {self.target_id}"


class ReportAttachment(models.Model):
    """A file attached to a report, stored privately under a random name; removal from a draft only hides it
    (a submitted version may list it)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("文件"), storage=private_storage, upload_to=AreaUploadTo("annual-reports"), max_length=200
    )
    original_name = models.CharField(_("原文件名"), max_length=255)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    file_type = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")

    def __str__(self):
        return self.original_name


class AnnualReportVersion(FrozenMixin, models.Model):
    """Everything one submission of a report contained, frozen (the submit transition logs its digest)."""

    FROZEN_FIELDS = ("report", "number", "created_at", "created_by", "snapshot")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("报告内容"))

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version_number")]
        verbose_name = _("年度发展报告版本")
        verbose_name_plural = _("年度发展报告版本")

    def __str__(self):
        return f"{self.report_id} v{self.number}"
