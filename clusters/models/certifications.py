from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import FrozenMixin

from .applications import Application
from .calls import Call
from .clusters import Cluster

EXPIRING_DAYS = 90


class CertificationStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Certification(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A certified cluster (Art. 11): valid from the publication date for three years. Its identity and dates
    change only through transitions (re-review), which log the new digest."""

    FROZEN_FIELDS = ("number", "cluster", "call", "application", "valid_from", "valid_to", "doc_number")

    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("集群")
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("申报批次"))
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certification", verbose_name=_("申报")
    )
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    doc_number = models.CharField(_("公布文号"), max_length=60)
    status = FSMField(_("状态"), default=CertificationStatus.VALID, choices=CertificationStatus.choices, protected=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["valid_to"])]
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")

    def __str__(self):
        return f"{self.number} {self.cluster}"

    @staticmethod
    def validity(published_on: date) -> tuple[date, date]:
        """Valid from the publication date P to P + 3 years − 1 day."""
        return published_on, add_years(published_on, 3) - timedelta(days=1)

    @transition(field=status, source=CertificationStatus.VALID, target=CertificationStatus.REVOKED)
    def revoke(self, reason: str = ""):
        self.revoked_at = timezone.now()
        self.revocation_reason = reason

    def public_status(self, today: date | None = None) -> str:
        """pending / valid / expiring / expired / revoked, as the registry and the verification page show it."""
        today = today or timezone.localdate()
        if self.status == CertificationStatus.REVOKED:
            return "revoked"
        if today < self.valid_from:
            return "pending"
        if today > self.valid_to:
            return "expired"
        if (self.valid_to - today).days <= EXPIRING_DAYS:
            return "expiring"
        return "valid"


PUBLIC_STATUS_LABELS = {
    "pending": _("尚未生效"),
    "valid": _("有效"),
    "expiring": _("即将到期"),
    "expired": _("已过期"),
    "revoked": _("已撤销"),
}
