import datetime
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("流转记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("流转记录只能追加，不能删除。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("流转记录只能追加，不能修改。")


GENESIS_HASH = "0" * 64


class FrozenRecordError(Exception):
    """Raised when code tries to change a record that a transition has frozen (a submitted score sheet…)."""


def _canonical(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


class FrozenMixin:
    """A record that a transition freezes. FROZEN_FIELDS are compared on every save once the stored row is
    frozen (`is_frozen()` on the stored copy): a change raises, whichever path tries it (admin, shell, a
    service). The transition that freezes it logs `frozen_digest()`, so `verify_transition_log` also names a
    record changed afterwards by raw SQL."""

    FROZEN_FIELDS: tuple[str, ...] = ()

    def is_frozen(self) -> bool:
        return True

    def frozen_field_names(self) -> tuple[str, ...]:
        return self.FROZEN_FIELDS

    def frozen_extra(self) -> dict:
        """Related content frozen with the record (e.g. the applications a document lists)."""
        return {}

    def frozen_content(self) -> dict:
        content = {
            name: _canonical(getattr(self, self._meta.get_field(name).attname)) for name in self.frozen_field_names()
        }
        content.update(self.frozen_extra())
        return content

    def frozen_digest(self) -> str:
        from .crypto import sm3

        content = json.dumps(self.frozen_content(), sort_keys=True, ensure_ascii=False, default=str)
        return sm3(content)

    def _check_not_frozen(self):
        # The transition service is the sanctioned path of change (e.g. a re-review extending a certificate);
        # it logs the new digest.
        if self._state.adding or self.pk is None or getattr(self, "_in_transition", False):
            return
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen():
            return
        names = stored.frozen_field_names()
        mine = {n: _canonical(getattr(self, self._meta.get_field(n).attname)) for n in names}
        theirs = {n: _canonical(getattr(stored, stored._meta.get_field(n).attname)) for n in names}
        changed = [str(self._meta.get_field(n).verbose_name) for n in names if mine[n] != theirs[n]]
        if changed:
            raise FrozenRecordError(
                f"{self._meta.verbose_name}已提交或已生效，不能修改：{'、'.join(changed)}。如需更正，请按规定程序办理。"
            )

    def save(self, *args, **kwargs):
        self._check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            if stored is not None and stored.is_frozen():
                raise FrozenRecordError(f"{self._meta.verbose_name}已提交或已生效，不能删除。")
        return super().delete(*args, **kwargs)


class TransitionLog(models.Model):
    """One row per state change anywhere in the portal; each row carries the previous row's hash."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255)
    transition = models.CharField(_("操作"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=64)
    to_state = models.CharField(_("新状态"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("意见"), blank=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    # SM3 of the content this transition froze (a submitted score sheet, a published notice…): the chain then
    # proves what the record said when it was frozen, and verification names a record changed afterwards.
    digest = models.CharField(_("冻结内容摘要"), max_length=160, blank=True)
    # 1: SHA-256 over the first fields (rows written before the audit baseline); 2: HMAC-SM3 over every field.
    hash_version = models.PositiveSmallIntegerField(default=2)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["content_type", "object_id", "id"])]

    def __str__(self):
        return f"{self.object_repr}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("流转记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("流转记录只能追加，不能删除。")

    def payload(self) -> str:
        fields = [
            self.prev_hash,
            self.content_type_id,
            self.object_id,
            self.transition,
            self.from_state,
            self.to_state,
            self.actor_id,
            self.created_at.astimezone(datetime.UTC).isoformat(),
            self.comment,
        ]
        if self.hash_version >= 2:
            fields += [self.object_repr, self.actor_name, self.client_ip or "", self.digest]
        return json.dumps(fields, ensure_ascii=False)

    def compute_hash(self) -> str:
        if self.hash_version == 1:
            return hashlib.sha256(self.payload().encode("utf-8")).hexdigest()
        from .crypto import hmac_sm3

        return hmac_sm3(self.payload())


class CalendarYear(models.Model):
    """A year whose official holiday schedule province staff have entered in full (as CalendarDay rows)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=255, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    entered_by = models.CharField(_("录入人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("节假日安排年份")
        verbose_name_plural = _("节假日安排年份")

    def __str__(self):
        return f"{self.year}"


class CalendarDay(models.Model):
    """A day whose status differs from the weekday rule: a weekday holiday or a weekend makeup working day."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"), help_text=_("勾选表示调休上班日；不勾选表示放假。"))
    name = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如：春节、国庆节调休"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working_day else '放假'} {self.name}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboundEmail(models.Model):
    """An e-mail written in the same transaction as the event it reports, then delivered by a task.

    A broker or mail-server outage delays delivery and never loses the message: the periodic job re-sends
    whatever is still pending (the outbox pattern)."""

    to = models.EmailField(_("收件人"))
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    status = models.CharField(_("状态"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("待发邮件")
        verbose_name_plural = _("邮件发送队列")
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class AuditEvent(models.Model):
    """Security-relevant events outside the state machines (等保): logins, password and permission changes,
    exports, views of personal data. Append-only; a retention job removes rows only past the retention period."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=40, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, default="success")
    detail = models.CharField(_("说明"), max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.event} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除。")


class Heartbeat(models.Model):
    """The last time a background process proved it runs (the worker, through a beat job every minute)."""

    name = models.CharField(max_length=30, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class RatingScore(models.IntegerChoices):
    VERY_GOOD = 5, _("非常满意")
    GOOD = 4, _("满意")
    FAIR = 3, _("基本满意")
    POOR = 2, _("不满意")
    VERY_POOR = 1, _("非常不满意")


class ServiceRating(models.Model):
    """好差评: the applicant's rating of one closed matter (the log row that closed it: certified, rejected,
    returned, a report verified). A bad rating waits for an answer from the authority that took the step."""

    log = models.OneToOneField(
        TransitionLog, on_delete=models.PROTECT, related_name="rating", verbose_name=_("办理环节")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价人")
    )
    # The staff member who took the rated step (the log row's actor); their organisation is the authority rated.
    rated_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("办理人")
    )
    score = models.PositiveSmallIntegerField(_("评价"), choices=RatingScore.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    answer = models.CharField(_("答复"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("办事评价")
        verbose_name_plural = _("办事评价（好差评）")

    def __str__(self):
        return f"{self.log_id} {self.get_score_display()}"

    @property
    def is_bad(self) -> bool:
        return self.score <= RatingScore.POOR
