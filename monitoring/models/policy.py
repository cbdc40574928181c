from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.constants import DEFAULT_EXPIRING_LEAD_MONTHS, DEFAULT_REREVIEW_GRACE_DAYS


class LifecyclePolicy(models.Model):
    """The province's rules of the certification lifecycle for one year (复核工作安排): how long before the end of
    validity a certification is marked expiring, the grace period after it during which a re-review may still be
    applied for, and the tiers a re-review goes through. A year without a row uses the defaults (6 months, 90 days;
    county opinion, city opinion, province decision, no experts). A re-review keeps the route of the year it was
    first submitted in."""

    year = models.PositiveIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2023), MaxValueValidator(2100)]
    )
    expiring_lead_months = models.PositiveSmallIntegerField(
        _("到期预警提前月数"),
        default=DEFAULT_EXPIRING_LEAD_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("认定有效期届满前多少个月标记为“即将到期”并开放复核申请。"),
    )
    rereview_grace_days = models.PositiveSmallIntegerField(
        _("到期后复核申请宽限天数"),
        default=DEFAULT_REREVIEW_GRACE_DAYS,
        validators=[MaxValueValidator(365)],
        help_text=_("有效期届满后仍可申请复核的天数；期满未申请的，系统提出第十四条第（一）项撤销建议。"),
    )
    county_opinion = models.BooleanField(_("需县级主管部门意见"), default=True)
    city_opinion = models.BooleanField(_("需设区市主管部门意见"), default=True)
    expert_review = models.BooleanField(_("组织专家评审"), default=False)
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：当年复核工作通知的标题和文号"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("复核工作安排")
        verbose_name_plural = _("复核工作安排")

    def __str__(self):
        return f"{self.year}年度复核工作安排"
