from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from clusters.models import Certification
from monitoring.constants import RevocationGround, RevocationSource, RevocationStatus


class RevocationCase(ConcurrentTransitionMixin, models.Model):
    """A proposal to revoke a certification on one ground of Art. 14, for the province to decide. The annual
    sweep records ground (3) for the clusters of a city whose information table is overdue; the lifecycle issue
    adds the decision."""

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
    status = FSMField(
        _("状态"), default=RevocationStatus.PROPOSED, choices=RevocationStatus.choices, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The sweep records a ground once per certification and year, however often it runs.
            models.UniqueConstraint(
                fields=["certification", "ground", "year"],
                condition=Q(source="sweep"),
                name="uniq_sweep_revocation_case",
            )
        ]
        verbose_name = _("撤销认定建议")
        verbose_name_plural = _("撤销认定建议")

    def __str__(self):
        return f"{self.certification} {self.get_ground_display()}"
