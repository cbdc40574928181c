from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.constants import CallStatus
from clusters.eligibility import Thresholds


def default_thresholds():
    return Thresholds().to_dict()


class Call(ConcurrentTransitionMixin, models.Model):
    """The province's yearly call for applications (申报批次, Art. 8)."""

    year = models.PositiveIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2023), MaxValueValidator(2100)]
    )
    title = models.CharField(_("通知标题"), max_length=200)
    notice_text = models.TextField(_("申报通知正文"), blank=True)
    opens_at = models.DateTimeField(_("申报开始时间"))
    closes_at = models.DateTimeField(_("申报截止时间"))
    city_deadline = models.DateTimeField(_("设区市推荐截止时间"))
    thresholds = models.JSONField(_("认定条件门槛"), default=default_thresholds)
    experts_per_application = models.PositiveSmallIntegerField(
        _("每个申报的评审专家人数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    outlier_distance = models.DecimalField(
        _("离群分差阈值（分）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("专家加权总分与该申报中位数相差超过此值时标为离群。"),
    )
    status = FSMField(_("状态"), default=CallStatus.DRAFT, choices=CallStatus.choices, protected=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")

    def __str__(self):
        return self.title or f"{self.year}年度申报"

    @transition(field=status, source=CallStatus.DRAFT, target=CallStatus.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    def get_thresholds(self) -> Thresholds:
        return Thresholds.from_dict(self.thresholds)

    @property
    def data_years(self) -> list[int]:
        """Y-4 .. Y-1: the base year for growth rates and the three assessed years."""
        return [self.year - 4, self.year - 3, self.year - 2, self.year - 1]

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == CallStatus.PUBLISHED and self.opens_at <= at <= self.closes_at

    @property
    def phase_label(self) -> str:
        now = timezone.now()
        if self.status != CallStatus.PUBLISHED:
            return str(_("未发布"))
        if now < self.opens_at:
            return str(_("未开始"))
        if now <= self.closes_at:
            return str(_("申报中"))
        return str(_("已截止"))


class AttachmentRequirement(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("申报批次"))
    name = models.CharField(_("材料名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    required = models.BooleanField(_("必须提供"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("申报材料要求")
        verbose_name_plural = _("申报材料要求")

    def __str__(self):
        return self.name


class RubricCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rubric", verbose_name=_("申报批次"))
    name = models.CharField(_("评分项"), max_length=100)
    description = models.CharField(_("评分要点"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("权重（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    max_points = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=2, default=Decimal("100"), validators=[MinValueValidator(Decimal("1"))]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")

    def __str__(self):
        return f"{self.name}（{self.weight}%）"
