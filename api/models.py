"""Tokens of the integrations (a city's own system, the statistics office) that read and write through the API."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class ApiToken(models.Model):
    """A bearer token issued by province staff for one user account of one organisation. The token acts as that
    user, so the same predicates and jurisdiction selectors apply. Only the SHA-256 of the token is stored; the
    token itself is shown once, when it is issued."""

    name = models.CharField(_("名称"), max_length=100, help_text=_("用途，例如“苏州市工信局数据对接”。"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("代表账号")
    )
    # The organisation at issue: a token stops working if its account moves to another organisation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("所属机构")
    )
    prefix = models.CharField(_("令牌前缀"), max_length=16, help_text=_("令牌的开头几位，用于识别，不能用于认证。"))
    token_hash = models.CharField(_("令牌摘要（SHA-256）"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def status(self, now=None) -> str:
        if self.revoked_at:
            return "revoked"
        if self.is_expired(now):
            return "expired"
        return "active"

    def status_label(self, now=None) -> str:
        return {"revoked": "已撤销", "expired": "已过期", "active": "有效"}[self.status(now)]
