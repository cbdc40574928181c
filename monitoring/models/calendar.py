from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingCalendar(models.Model):
    """The due dates of one reported year's annual reports (Art. 12). A year without a row uses the defaults
    (31 March for clusters, 10 April for cities, in the following year); the year's notice may move them."""

    report_year = models.PositiveIntegerField(
        _("报告年度"), unique=True, validators=[MinValueValidator(2022), MaxValueValidator(2100)]
    )
    cluster_due = models.DateField(_("集群年度发展报告截止日期"))
    city_due = models.DateField(_("设区市培育情况信息表报送截止日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：当年通知的标题和文号"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-report_year"]
        verbose_name = _("年度报送时间安排")
        verbose_name_plural = _("年度报送时间安排")

    def __str__(self):
        return f"{self.report_year}年度"
