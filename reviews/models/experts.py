"""The expert pool, declared conflicts of interest and assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from clusters.models import Application
from core.models import FrozenMixin

from ..constants import AssignmentStatus, ConflictStatus


class ExpertProfile(models.Model):
    """A member of the province's expert pool; the user account has role expert."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile", verbose_name=_("专家账号")
    )
    city = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在设区市"),
        limit_choices_to={"level": "city"},
    )
    title = models.CharField(_("职称/职务"), max_length=100, blank=True)
    specialities = models.ManyToManyField(
        "clusters.IndustryTag", blank=True, related_name="experts", verbose_name=_("专业领域")
    )
    keywords = models.CharField(
        _("专业关键词"), max_length=300, blank=True, help_text=_("以顿号或逗号分隔，如：集成电路、新材料")
    )
    active = models.BooleanField(_("启用"), default=True)
    max_assignments = models.PositiveSmallIntegerField(_("每批次评审上限"), default=20)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("专家库")

    def __str__(self):
        return str(self.user)

    def keyword_list(self):
        import re

        return [k for k in re.split(r"[、,，;；\s]+", self.keywords) if k]


class ExpertConflict(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A conflict of interest the expert declared, with a cluster or an organisation."""

    FROZEN_FIELDS = ("expert", "cluster", "organisation", "credit_code", "reason")

    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("专家")
    )
    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("集群")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("机构"),
    )
    credit_code = models.CharField(_("企业统一社会信用代码"), max_length=18, blank=True)
    reason = models.CharField(_("说明"), max_length=300)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)
    status = FSMField(_("状态"), default=ConflictStatus.ACTIVE, choices=ConflictStatus.choices, protected=True)
    # Withdrawn, never deleted: past assignment refusals must stay explicable.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")

    def __str__(self):
        return self.reason

    @transition(field=status, source=ConflictStatus.ACTIVE, target=ConflictStatus.WITHDRAWN)
    def withdraw(self, by=None):
        from django.utils import timezone

        self.withdrawn_at = timezone.now()
        self.withdrawn_by = by


class Assignment(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """An expert assigned to score one application; the object permission is granted when the expert declares
    no conflict of interest, and withdrawn when the assignment ends."""

    FROZEN_FIELDS = ("application", "expert", "method", "assigned_by", "no_conflict_declared_at")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("申报")
    )
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("专家")
    )
    status = FSMField(_("状态"), default=AssignmentStatus.ACTIVE, choices=AssignmentStatus.choices, protected=True)
    method = models.CharField(_("方式"), max_length=10, choices=[("manual", _("人工指定")), ("auto", _("系统分配"))])
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("分配人")
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    no_conflict_declared_at = models.DateTimeField(_("无利益冲突声明时间"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], condition=models.Q(status="active"), name="one_active_assignment"
            )
        ]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")

    def __str__(self):
        return f"{self.expert} → {self.application_id}"

    def is_frozen(self) -> bool:
        return self.no_conflict_declared_at is not None or self.status != AssignmentStatus.ACTIVE

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.ACTIVE)
    def declare_no_conflict(self):
        """The expert states there is no conflict of interest; the application opens to them only now."""
        from django.utils import timezone

        self.no_conflict_declared_at = timezone.now()

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.REVOKED)
    def revoke(self, by=None):
        """The province ends the assignment (a reason is logged), or the expert declares a conflict."""
        from django.utils import timezone

        self.revoked_by = by
        self.revoked_at = timezone.now()
