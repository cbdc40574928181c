from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from core.models import FrozenMixin
from monitoring.constants import CitySubmissionState

C = CitySubmissionState


def _may(verb):
    def check(instance, user):
        from monitoring import permissions

        return getattr(permissions, f"can_{verb}_city_submission")(user, instance)

    check.__name__ = f"can_{verb}_city_submission"
    return check


class CitySubmission(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A city's compiled information table (年度培育情况信息表) of one reported year, submitted to the province
    (Art. 12). Frozen once submitted; a change goes through the province's return and a new submission, each kept
    whole as a CitySubmissionVersion."""

    FROZEN_FIELDS = ("city", "report_year", "remarks")

    city = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="annual_submissions",
        verbose_name=_("设区市"),
        limit_choices_to={"level": "city"},
    )
    report_year = models.PositiveIntegerField(_("报告年度"))
    state = FSMField(_("状态"), default=C.DRAFT, choices=C.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    edit_version = models.PositiveIntegerField(default=1)
    remarks = models.TextField(_("设区市意见和说明"), blank=True)
    submission_count = models.PositiveIntegerField(_("报送次数"), default=0)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-report_year", "city_id"]
        constraints = [models.UniqueConstraint(fields=["city", "report_year"], name="uniq_city_submission_year")]
        verbose_name = _("设区市年度培育情况信息表报送")
        verbose_name_plural = _("设区市年度培育情况信息表报送")

    def __str__(self):
        return f"{self.city.name}{self.report_year}年度集群培育情况信息表"

    def is_frozen(self) -> bool:
        return self.state == C.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.state in (C.DRAFT, C.RETURNED)

    @transition(field=state, source=[C.DRAFT, C.RETURNED], target=C.SUBMITTED, permission=_may("submit"))
    def submit(self, by=None):
        now = timezone.now()
        self.submission_count += 1
        self.submitted_at = now
        self.first_submitted_at = self.first_submitted_at or now
        self.submitted_by = by

    @transition(field=state, source=C.SUBMITTED, target=C.RETURNED, permission=_may("return"))
    def return_to_city(self, reason: str = ""):
        self.return_reason = reason
        self.returned_at = timezone.now()


class CitySubmissionVersion(FrozenMixin, models.Model):
    """The table as one submission sent it: one row per certified cluster of the city, missing ones listed."""

    FROZEN_FIELDS = ("submission", "number", "created_at", "created_by", "remarks", "rows", "late")

    submission = models.ForeignKey(CitySubmission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    remarks = models.TextField(_("设区市意见和说明"), blank=True)
    rows = models.JSONField(_("信息表"))
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        ordering = ["submission_id", "number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="uniq_city_version_number")]
        verbose_name = _("信息表报送版本")
        verbose_name_plural = _("信息表报送版本")

    def __str__(self):
        return f"{self.submission_id} v{self.number}"
