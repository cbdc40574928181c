"""The joint review meeting and its decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Application, Call
from core.models import FrozenMixin

from ..constants import JointDecisionChoice, MeetingStatus


class JointReview(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """The joint review meeting (会审报批): one decision per application, producing the proposed list."""

    FROZEN_FIELDS = ("call", "meeting_date", "attendees", "minutes", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("申报批次"))
    meeting_date = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"))
    minutes = models.TextField(_("会议纪要摘要"), blank=True)
    status = FSMField(_("状态"), default=MeetingStatus.OPEN, choices=MeetingStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_date"]
        verbose_name = _("会审会议")
        verbose_name_plural = _("会审会议")

    def __str__(self):
        return f"{self.call.year}年度会审（{self.meeting_date}）"

    def is_frozen(self) -> bool:
        return self.status == MeetingStatus.CLOSED

    def frozen_extra(self) -> dict:
        return {
            "decisions": [
                [d.application_id, d.decision, d.reason, d.rank_raw, d.rank_normalised]
                for d in self.decisions.order_by("application_id")
            ]
        }

    @transition(field=status, source=MeetingStatus.OPEN, target=MeetingStatus.CLOSED)
    def close(self):
        from django.utils import timezone

        self.closed_at = timezone.now()


class JointDecision(FrozenMixin, models.Model):
    """One application's decision in a meeting; changeable while the meeting is open, frozen once it closes."""

    FROZEN_FIELDS = ("meeting", "application", "decision", "reason", "rank_raw", "rank_normalised")

    meeting = models.ForeignKey(JointReview, on_delete=models.CASCADE, related_name="decisions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="joint_decisions")
    decision = models.CharField(_("会审结论"), max_length=10, choices=JointDecisionChoice.choices)
    reason = models.TextField(_("理由"), blank=True)
    rank_raw = models.PositiveIntegerField(_("原始分排名"), null=True, blank=True)
    rank_normalised = models.PositiveIntegerField(_("标准化排名"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "application"], name="one_decision_per_application")]
        verbose_name = _("会审结论")
        verbose_name_plural = _("会审结论")

    def __str__(self):
        return f"{self.application_id} {self.get_decision_display()}"

    def is_frozen(self) -> bool:
        return JointReview.objects.filter(pk=self.meeting_id, status=MeetingStatus.CLOSED).exists()
