from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from clusters.models import Certification, Cluster
from core.models import FrozenMixin
from monitoring.constants import EDITABLE_CHANGE_STATES, OPEN_CHANGE_STATES, ChangeKind, ChangeReportState

S = ChangeReportState


def _may(verb):
    def check(instance, user):
        from monitoring import permissions

        return getattr(permissions, f"can_{verb}_change_report")(user, instance)

    check.__name__ = f"can_{verb}_change_report"
    return check


class ChangeReport(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A certified cluster's report of a major change (重大变动报备, Art. 14(4)): its lead industry, spatial scope
    (county, area) or management body, with the effective date, reasons and evidence. The city gives an opinion,
    the province accepts it (the cluster record changes through clusters.services.certifications, the old values
    kept here and in the log) or refuses it. Frozen once submitted."""

    FROZEN_FIELDS = (
        "cluster",
        "kind",
        "new_lead_industry",
        "new_segment",
        "new_division",
        "new_area_km2",
        "new_management_body",
        "scope_description",
        "effective_date",
        "reasons",
        "old_values",
        "new_values",
        "city_opinion",
        "city_agree",
        "decision_reason",
    )

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="change_reports", verbose_name=_("集群")
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="change_reports", verbose_name=_("认定")
    )
    kind = models.CharField(_("变动类型"), max_length=20, choices=ChangeKind.choices)
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    edit_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )

    new_lead_industry = models.CharField(_("变更后主导产业"), max_length=100, blank=True)
    new_segment = models.CharField(_("变更后细分领域"), max_length=100, blank=True)
    new_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("变更后所在县（市、区）"),
    )
    new_area_km2 = models.DecimalField(
        _("变更后占地面积（平方公里）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01), MaxValueValidator(5000)],
    )
    new_management_body = models.CharField(_("变更后运营管理机构"), max_length=200, blank=True)
    scope_description = models.TextField(_("空间范围说明"), blank=True, help_text=_("变更后涉及的镇（街道）、园区等。"))
    effective_date = models.DateField(_("变动生效日期"), null=True, blank=True)
    reasons = models.TextField(_("变动原因"), blank=True)
    old_values = models.JSONField(_("变更前"), default=dict, blank=True)
    new_values = models.JSONField(_("变更后"), default=dict, blank=True)

    submission_count = models.PositiveIntegerField(_("提交次数"), default=0)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    city_opinion = models.TextField(_("设区市意见"), blank=True)
    city_agree = models.BooleanField(_("设区市同意变更"), null=True, blank=True)
    city_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    city_at = models.DateTimeField(_("设区市意见时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("省厅意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One change report open per cluster: a second one waits until the first is decided.
            models.UniqueConstraint(
                fields=["cluster"], condition=Q(state__in=OPEN_CHANGE_STATES), name="uniq_open_change_report"
            )
        ]
        verbose_name = _("重大变动报备")
        verbose_name_plural = _("重大变动报备")

    def __str__(self):
        return f"{self.cluster.name}{self.get_kind_display()}报备"

    def is_frozen(self) -> bool:
        return self.state not in EDITABLE_CHANGE_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_CHANGE_STATES

    @property
    def days_late(self) -> int | None:
        """Days between the change taking effect and its (first) report; None while not reported."""
        if not self.first_submitted_at or not self.effective_date:
            return None
        return (timezone.localdate(self.first_submitted_at) - self.effective_date).days

    # --- the state machine (fields in memory only) ---

    @transition(field=state, source=EDITABLE_CHANGE_STATES, target=S.CITY_REVIEW, permission=_may("submit"))
    def submit(self, by=None, old_values=None, new_values=None):
        now = timezone.now()
        self.submission_count += 1
        self.submitted_at = now
        self.first_submitted_at = self.first_submitted_at or now
        self.submitted_by = by
        self.old_values = old_values or {}
        self.new_values = new_values or {}
        self.return_reason = ""

    @transition(field=state, source=S.CITY_REVIEW, target=S.PROVINCE_REVIEW, permission=_may("opine"))
    def forward(self, by=None, agree=None, opinion: str = ""):
        self.city_by = by
        self.city_at = timezone.now()
        self.city_agree = agree
        self.city_opinion = opinion

    @transition(field=state, source=[S.CITY_REVIEW, S.PROVINCE_REVIEW], target=S.RETURNED, permission=_may("return"))
    def return_to_cluster(self, reason: str = ""):
        self.return_reason = reason
        self.returned_at = timezone.now()

    @transition(field=state, source=S.PROVINCE_REVIEW, target=S.ACCEPTED, permission=_may("decide"))
    def accept(self, by=None, reason: str = ""):
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_reason = reason

    @transition(field=state, source=S.PROVINCE_REVIEW, target=S.REFUSED, permission=_may("decide"))
    def refuse(self, by=None, reason: str = ""):
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_reason = reason
