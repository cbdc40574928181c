"""The spot-check draw, site checks and the stored files of site checks and meetings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Application, Call
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage

from ..constants import CheckResult


class SpotCheckDraw(FrozenMixin, models.Model):
    """A reproducible random sample: anyone can recompute it from the seed and the ordered candidate list."""

    FROZEN_FIELDS = ("call", "seed", "sample_size", "candidates", "drawn", "algorithm", "drawn_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="draws", verbose_name=_("申报批次"))
    seed = models.CharField(_("随机种子"), max_length=64)
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    candidates = models.JSONField(_("候选名单（按编号排序）"))
    drawn = models.JSONField(_("抽中名单"))
    algorithm = models.CharField(_("算法"), max_length=200)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("抽取人")
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("实地抽查抽样")
        verbose_name_plural = _("实地抽查抽样")

    def __str__(self):
        return f"{self.call.year} seed={self.seed}"


class SiteCheck(FrozenMixin, models.Model):
    FROZEN_FIELDS = ("application", "draw", "check_date", "inspectors", "findings", "result", "recorded_by")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="site_checks", verbose_name=_("申报")
    )
    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.PROTECT, related_name="checks")
    check_date = models.DateField(_("核查日期"))
    inspectors = models.CharField(_("核查人员"), max_length=300)
    findings = models.TextField(_("核查情况"))
    result = models.CharField(_("核查结论"), max_length=10, choices=CheckResult.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("实地核查记录")
        verbose_name_plural = _("实地核查记录")

    def __str__(self):
        return f"{self.application_id} {self.get_result_display()}"


class StoredFile(models.Model):
    """Photos and documents attached to a site check or a meeting, stored under random names."""

    site_check = models.ForeignKey(SiteCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    meeting = models.ForeignKey("JointReview", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=AreaUploadTo("reviews"), max_length=200)
    file_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name
