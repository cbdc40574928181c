from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from clusters.models import Application, Call

from .constants import Decision, RecommendationStatus, Tier


class ReviewOpinion(models.Model):
    """One reviewer's opinion at one tier: per Art. 6 condition agree/disagree with a comment, and a decision."""

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


class Recommendation(ConcurrentTransitionMixin, models.Model):
    """A city's recommendation document (推荐文件) for one call: 文号, date and the recommended applications."""

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
    pdf_name = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["city", "doc_number"], name="uniq_recommendation_doc_number")]
        verbose_name = _("推荐文件")
        verbose_name_plural = _("推荐文件")

    def __str__(self):
        return f"{self.city.name} {self.doc_number}"

    @transition(field=status, source=RecommendationStatus.DRAFT, target=RecommendationStatus.SUBMITTED)
    def submit(self):
        from django.utils import timezone

        self.submitted_at = timezone.now()
