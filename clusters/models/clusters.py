from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Division, Organisation
from clusters.constants import TagKind


class IndustryTag(models.Model):
    """An entry of the province's 16 advanced manufacturing clusters or 50 key industry chains."""

    kind = models.CharField(_("类别"), max_length=20, choices=TagKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="uniq_tag_kind_name")]
        verbose_name = _("产业标签")
        verbose_name_plural = _("产业标签")

    def __str__(self):
        return self.name


class Cluster(models.Model):
    """A county-level SME cluster with one lead industry."""

    name = models.CharField(_("集群名称"), max_length=100)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="clusters",
        verbose_name=_("所在县（市、区）"),
        limit_choices_to={"level": "county"},
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("申报主体")
    )
    lead_industry = models.CharField(_("主导产业"), max_length=100)
    segment = models.CharField(_("细分领域"), max_length=100)
    area_km2 = models.DecimalField(
        _("占地面积（平方公里）"),
        max_digits=8,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "面积必须大于0。"),
            MaxValueValidator(Decimal("5000"), "面积过大，请核对单位（平方公里）。"),
        ],
    )
    management_body = models.CharField(_("运营管理机构"), max_length=200)
    tags = models.ManyToManyField(
        IndustryTag, blank=True, related_name="clusters", verbose_name=_("所属先进制造业集群/重点产业链")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["division_id", "name"]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="uniq_cluster_name_in_division")]
        verbose_name = _("特色产业集群")
        verbose_name_plural = _("特色产业集群")

    def __str__(self):
        return self.name
