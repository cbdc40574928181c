from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Certification
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage
from monitoring.constants import RevocationGround, RevocationSource, RevocationStatus

R = RevocationStatus


def _may(verb):
    def check(instance, user):
        from monitoring import permissions

        return getattr(permissions, f"can_{verb}_revocation")(user, instance)

    check.__name__ = f"can_{verb}_revocation"
    return check


class RevocationCase(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A case for revoking one certification on one ground of Art. 14 (撤销认定), with its facts and evidence and
    who proposed it (a user, or the portal: the annual sweep's ground (3), an expiry without re-review or a failed
    re-review's ground (1)). The province revokes — with a decision document (文号, date, reasons, PDF), published
    on the public site — or dismisses it with a reason. Frozen once decided."""

    FROZEN_FIELDS = (
        "certification",
        "ground",
        "evidence",
        "decision_number",
        "decision_date",
        "decision_reasons",
        "dismiss_reason",
        "successor_regulation",
    )

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="revocation_cases", verbose_name=_("认定")
    )
    ground = models.CharField(_("撤销情形"), max_length=30, choices=RevocationGround.choices)
    evidence = models.TextField(_("事实和依据"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出人"),
        help_text=_("为空表示由系统自动记录。"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=RevocationSource.choices)
    year = models.PositiveIntegerField(_("所涉年度"), null=True, blank=True)
    # What the case came from, when it came from a workflow of this app.
    rereview = models.ForeignKey(
        "monitoring.ReReview", on_delete=models.PROTECT, null=True, blank=True, related_name="revocation_cases"
    )
    change_report = models.ForeignKey(
        "monitoring.ChangeReport", on_delete=models.PROTECT, null=True, blank=True, related_name="revocation_cases"
    )
    status = FSMField(_("状态"), default=R.PROPOSED, choices=R.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_number = models.CharField(_("撤销决定文号"), max_length=60, blank=True)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    decision_reasons = models.TextField(_("撤销理由"), blank=True)
    dismiss_reason = models.TextField(_("不予撤销理由"), blank=True)
    successor_regulation = models.CharField(_("所依据的后续办法"), max_length=200, blank=True)
    decision_pdf = models.FileField(
        storage=private_storage, upload_to=AreaUploadTo("revocations"), max_length=200, blank=True
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The sweep records a ground once per certification and year, however often it runs.
            models.UniqueConstraint(
                fields=["certification", "ground", "year"],
                condition=Q(source="sweep"),
                name="uniq_sweep_revocation_case",
            ),
            # One open case per certification and ground: a second proposal on the same facts is refused.
            models.UniqueConstraint(
                fields=["certification", "ground"],
                condition=Q(status="proposed"),
                name="uniq_open_revocation_case_per_ground",
            ),
            models.UniqueConstraint(
                fields=["decision_number"], condition=~Q(decision_number=""), name="uniq_revocation_decision_number"
            ),
        ]
        verbose_name = _("撤销认定")
        verbose_name_plural = _("撤销认定")

    def __str__(self):
        return f"{self.certification} {self.get_ground_display()}"

    def is_frozen(self) -> bool:
        return self.status != R.PROPOSED

    @property
    def ground_short(self) -> str:
        return str(self.get_ground_display()).split("）", 1)[0] + "）"

    @property
    def is_public(self) -> bool:
        return self.status == R.PUBLISHED

    # --- the state machine (fields in memory only) ---

    @transition(field=status, source=R.PROPOSED, target=R.REVOKED, permission=_may("decide"))
    def revoke(self, by=None, number: str = "", date=None, reasons: str = "", successor: str = ""):
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_number = number
        self.decision_date = date
        self.decision_reasons = reasons
        self.successor_regulation = successor

    @transition(field=status, source=R.PROPOSED, target=R.DISMISSED, permission=_may("decide"))
    def dismiss(self, by=None, reason: str = "", successor: str = ""):
        self.decided_by = by
        self.decided_at = timezone.now()
        self.dismiss_reason = reason
        self.successor_regulation = successor

    @transition(field=status, source=R.REVOKED, target=R.PUBLISHED, permission=_may("publish"))
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=status, source=R.PROPOSED, target=R.LAPSED)
    def lapse(self):
        """The certification was revoked on another case: nothing is left to decide on this one."""
