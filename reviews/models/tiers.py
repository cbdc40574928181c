"""The opinions of the county, city and formal review tiers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Application
from core.models import FrozenMixin

from ..constants import Decision, Tier


class ReviewOpinion(FrozenMixin, models.Model):
    """One reviewer's opinion at one tier: per Art. 6 condition agree/disagree with a comment, and a decision.
    Written by the transition it decides and never changed afterwards."""

    FROZEN_FIELDS = (
        "application",
        "tier",
        "reviewer",
        "version_number",
        "conditions",
        "checklist",
        "decision",
        "comment",
    )

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("申报")
    )
    tier = models.CharField(_("审核环节"), max_length=10, choices=Tier.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    version_number = models.PositiveIntegerField(_("审核的版本"))
    conditions = models.JSONField(_("逐条意见"), default=dict)  # rule code -> {"agree": bool, "comment": str}
    checklist = models.JSONField(_("形式审查清单"), default=dict, blank=True)  # check key -> bool
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self):
        return f"{self.application_id} {self.get_tier_display()} {self.get_decision_display()}"
