"""The experts' score sheets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import FrozenMixin

from ..constants import Recommend, SheetStatus
from .experts import Assignment


class ScoreSheet(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """One expert's scores for one application against the call's rubric; read-only once submitted."""

    FROZEN_FIELDS = (
        "assignment",
        "scores",
        "comments",
        "recommendation",
        "overall_comment",
        "weighted_total",
        "submitted_at",
    )

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    status = FSMField(_("状态"), default=SheetStatus.DRAFT, choices=SheetStatus.choices, protected=True)
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)  # criterion id (str) -> points (str decimal)
    comments = models.JSONField(_("各项评语"), default=dict, blank=True)
    recommendation = models.CharField(_("总体意见"), max_length=12, choices=Recommend.choices, blank=True)
    overall_comment = models.TextField(_("总体评语"), blank=True)
    weighted_total = models.DecimalField(_("加权总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return f"{self.assignment}"

    def is_frozen(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    @transition(field=status, source=SheetStatus.DRAFT, target=SheetStatus.SUBMITTED)
    def submit(self):
        from django.utils import timezone

        self.submitted_at = timezone.now()
