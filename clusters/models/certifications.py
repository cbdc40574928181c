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
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")


class CertificationSource(models.TextChoices):
    PORTAL = "portal", _("平台认定")
    IMPORTED = "imported", _("平台上线前认定（导入）")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Certification(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A certified cluster (Art. 11): valid from the publication date P to P + 3 years − 1 day. A passed
    re-review extends the same certification by three years (its number stays, so the QR codes already printed
    keep pointing at the current state; the new certificate PDF carries the renewal suffix). Its identity and
    dates change only through transitions, which log the new digest."""

    FROZEN_FIELDS = ("number", "cluster", "call", "application", "valid_from", "valid_to", "doc_number", "year")

    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("集群")
    )
    # Certifications made on paper before the portal (imported) have no call or application in the portal.
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="certifications", verbose_name=_("申报批次")
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certification",
        verbose_name=_("申报"),
    )
    year = models.PositiveIntegerField(_("认定年度"), db_index=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=CertificationSource.choices, default=CertificationSource.PORTAL
    )
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    doc_number = models.CharField(_("公布文号"), max_length=60)
    status = FSMField(_("状态"), default=CertificationStatus.VALID, choices=CertificationStatus.choices, protected=True)
    renewals = models.PositiveSmallIntegerField(_("复核通过次数"), default=0)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["valid_to"]), models.Index(fields=["status", "valid_to"])]
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")

    def __str__(self):
        return f"{self.number} {self.cluster}"

    @property
    def certificate_number(self) -> str:
        """The number printed on the current certificate PDF: the certification number, with "-F<n>" after the
        n-th passed re-review (复核)."""
        return self.number if not self.renewals else f"{self.number}-F{self.renewals}"

    @staticmethod
    def validity(published_on: date) -> tuple[date, date]:
        """Valid from the publication date P to P + 3 years − 1 day."""
        return published_on, add_years(published_on, 3) - timedelta(days=1)

    @transition(field=status, source=CertificationStatus.VALID, target=CertificationStatus.EXPIRING)
    def mark_expiring(self):
        """The daily sweep, once the configured lead time before valid_to is reached."""

    @transition(
        field=status,
        source=[CertificationStatus.VALID, CertificationStatus.EXPIRING],
        target=CertificationStatus.EXPIRED,
    )
    def expire(self):
        """The daily sweep, the day after valid_to, unless a re-review is under way."""

    @transition(
        field=status,
        source=[CertificationStatus.VALID, CertificationStatus.EXPIRING, CertificationStatus.EXPIRED],
        target=CertificationStatus.VALID,
    )
    def renew(self, until: date | None = None):
        """A passed re-review: three more years from the day after the current validity ends."""
        start = self.valid_to + timedelta(days=1)
        self.valid_to = until or (add_years(start, 3) - timedelta(days=1))
        self.renewals += 1

    @transition(
        field=status,
        source=[CertificationStatus.VALID, CertificationStatus.EXPIRING, CertificationStatus.EXPIRED],
        target=CertificationStatus.REVOKED,
    )
    def revoke(self, reason: str = ""):
        self.revoked_at = timezone.now()
        self.revocation_reason = reason

    def public_status(self, today: date | None = None) -> str:
        """pending / valid / expiring / expired / revoked, as the registry and the verification page show it."""
        today = today or timezone.localdate()
        if self.status == CertificationStatus.REVOKED:
            return "revoked"
        if self.status == CertificationStatus.EXPIRED:
            return "expired"
        if today < self.valid_from:
            return "pending"
        if today > self.valid_to:
            return "expired"
        if self.status == CertificationStatus.EXPIRING or (self.valid_to - today).days <= EXPIRING_DAYS:
            return "expiring"
        return "valid"


PUBLIC_STATUS_LABELS = {
    "pending": _("尚未生效"),
    "valid": _("有效"),
    "expiring": _("即将到期"),
    "expired": _("已过期"),
    "revoked": _("已撤销"),
}
