from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Certification, Cluster
from core.models import FrozenMixin
from monitoring.constants import KeySupportState

K = KeySupportState


class ProgrammeTarget(models.Model):
    """The province's target of certified clusters for a plan period (Art. 5: about 100 in the 14th Five-Year Plan,
    2021–2025). "About" (左右) is the regulation's word: progress is shown against it, nothing is refused beyond it.
    A period without a row uses the regulation's figure (constants.DEFAULT_PROGRAMME_*)."""

    name = models.CharField(_("规划期"), max_length=50, help_text=_("如：“十四五”时期"))
    start_year = models.PositiveIntegerField(
        _("起始年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveIntegerField(_("截止年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    target = models.PositiveIntegerField(
        _("认定目标（个）"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：《管理办法》第五条"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-start_year", "-end_year"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "end_year"], name="uniq_programme_target_period"),
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="programme_target_period_order"),
        ]
        verbose_name = _("认定目标")
        verbose_name_plural = _("认定目标")

    def __str__(self):
        return f"{self.name}（{self.start_year}—{self.end_year}年）认定{self.target}个左右"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


def _may_unmark(instance, user):
    from monitoring import permissions

    return permissions.can_unmark_key_support(user, instance)


class KeySupport(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A cluster marked by province staff for key support (重点支持, Art. 13) in one year, with the reason. Unmarking
    keeps the row (who, when, why), so the history of marks stays whole; a cluster marked again after an unmark gets
    a new row. What was marked, when and why is frozen from the start."""

    FROZEN_FIELDS = ("cluster", "certification", "year", "reason", "marked_by", "marked_at")

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="key_supports", verbose_name=_("集群"))
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="key_supports", verbose_name=_("认定")
    )
    year = models.PositiveIntegerField(_("支持年度"), validators=[MinValueValidator(2023), MaxValueValidator(2100)])
    reason = models.TextField(_("支持理由"))
    state = FSMField(_("状态"), default=K.MARKED, choices=K.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("标记人")
    )
    marked_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    unmarked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmarked_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    unmark_reason = models.TextField(_("取消理由"), blank=True)

    class Meta:
        ordering = ["-year", "cluster_id", "-marked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"], condition=Q(state="marked"), name="uniq_key_support_per_cluster_year"
            )
        ]
        verbose_name = _("重点支持")
        verbose_name_plural = _("重点支持")

    def __str__(self):
        return f"{self.cluster.name}{self.year}年度重点支持"

    @transition(field=state, source=K.MARKED, target=K.UNMARKED, permission=_may_unmark)
    def unmark(self, by=None, reason: str = ""):
        self.unmarked_by = by
        self.unmarked_at = timezone.now()
        self.unmark_reason = reason
