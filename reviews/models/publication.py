"""The published list of certified clusters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusters.models import Call
from core.models import FrozenMixin

from .notices import Notice


class Publication(FrozenMixin, models.Model):
    """The published list of certified clusters (公布名单)."""

    FROZEN_FIELDS = ("call", "notice", "title", "doc_number", "publish_date", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="publications", verbose_name=_("申报批次"))
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="publication", verbose_name=_("公示"))
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, unique=True)
    publish_date = models.DateField(_("公布日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-publish_date"]
        verbose_name = _("认定名单公布")
        verbose_name_plural = _("认定名单公布")

    def __str__(self):
        return self.title
