from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.storage import AreaUploadTo, private_storage


class LifecycleFile(models.Model):
    """A private file of a revocation case (evidence), a change report (evidence) or a re-review (materials),
    stored under a random name and served only after the parent's view predicate. Exactly one parent is set;
    removal only hides it (a frozen record may have listed it)."""

    case = models.ForeignKey(
        "monitoring.RevocationCase", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    change_report = models.ForeignKey(
        "monitoring.ChangeReport", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    rereview = models.ForeignKey(
        "monitoring.ReReview", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    file = models.FileField(_("文件"), storage=private_storage, upload_to=AreaUploadTo("lifecycle"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    file_type = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, change_report__isnull=True, rereview__isnull=True)
                    | Q(case__isnull=True, change_report__isnull=False, rereview__isnull=True)
                    | Q(case__isnull=True, change_report__isnull=True, rereview__isnull=False)
                ),
                name="lifecycle_file_one_parent",
            )
        ]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    def __str__(self):
        return self.original_name
