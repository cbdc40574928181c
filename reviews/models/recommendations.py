"""The city's recommendation document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from clusters.models import Application, Call
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage

from ..constants import RecommendationStatus


class Recommendation(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A city's recommendation document (推荐文件) for one call: 文号, date and the recommended applications."""

    FROZEN_FIELDS = ("call", "city", "doc_number", "doc_date", "title", "body", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("申报批次"))
    city = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("设区市"),
        limit_choices_to={"level": "city"},
    )
    doc_number = models.CharField(_("文号"), max_length=60)
    doc_date = models.DateField(_("成文日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    applications = models.ManyToManyField(Application, related_name="recommendations", verbose_name=_("推荐的申报"))
    status = FSMField(
        _("状态"), default=RecommendationStatus.DRAFT, choices=RecommendationStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    pdf = models.FileField(
        _("推荐文件 PDF"),
        storage=private_storage,
        upload_to=AreaUploadTo("recommendations"),
        max_length=200,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["city", "doc_number"], name="uniq_recommendation_doc_number")]
        verbose_name = _("推荐文件")
        verbose_name_plural = _("推荐文件")

    def __str__(self):
        return f"{self.city.name} {self.doc_number}"

    def is_frozen(self) -> bool:
        return self.status == RecommendationStatus.SUBMITTED

    def frozen_extra(self) -> dict:
        return {"applications": sorted(self.applications.values_list("pk", flat=True))}

    @transition(field=status, source=RecommendationStatus.DRAFT, target=RecommendationStatus.SUBMITTED)
    def submit(self):
        from django.utils import timezone

        self.submitted_at = timezone.now()
