"""The public notice, objections with their evidence, and the log of who saw a filer's personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Application, Call
from core.fields import EncryptedCharField
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage

from ..constants import NoticeStatus, ObjectionStatus


class Notice(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """The public notice (公示) of the proposed list: 5 working days (Art. 10)."""

    FROZEN_FIELDS = (
        "call",
        "title",
        "body",
        "start_date",
        "end_date",
        "contact_department",
        "contact_phone",
        "contact_email",
        "contact_address",
    )

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="notices", verbose_name=_("申报批次"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    start_date = models.DateField(_("公示开始日期"))
    end_date = models.DateField(_("公示截止日期"))
    contact_department = models.CharField(_("异议受理部门"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=50)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    contact_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    applications = models.ManyToManyField(Application, related_name="notices", verbose_name=_("公示的申报"))
    status = FSMField(_("状态"), default=NoticeStatus.DRAFT, choices=NoticeStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self):
        return self.title

    def is_frozen(self) -> bool:
        return self.status != NoticeStatus.DRAFT

    def frozen_extra(self) -> dict:
        return {"applications": sorted(self.applications.values_list("pk", flat=True))}

    @transition(field=status, source=NoticeStatus.DRAFT, target=NoticeStatus.PUBLISHED)
    def publish(self):
        from django.utils import timezone

        self.published_at = timezone.now()

    @transition(field=status, source=NoticeStatus.PUBLISHED, target=NoticeStatus.CLOSED)
    def close(self):
        from django.utils import timezone

        self.closed_at = timezone.now()

    @transition(field=status, source=NoticeStatus.CLOSED, target=NoticeStatus.CONCLUDED)
    def conclude(self):
        pass

    @property
    def deadline(self):
        from core.workdays import deadline_end_of_day

        return deadline_end_of_day(self.end_date)

    @property
    def opens(self):
        import datetime
        from zoneinfo import ZoneInfo

        return datetime.datetime.combine(self.start_date, datetime.time.min, tzinfo=ZoneInfo("Asia/Shanghai"))

    def accepting_objections(self, at=None) -> bool:
        from django.utils import timezone

        at = at or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and self.opens <= at <= self.deadline


class Objection(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """An objection (异议) to one listed cluster; the filer's name and contact are personal information (kept
    out of the frozen content: they are anonymised after the retention period)."""

    FROZEN_FIELDS = ("notice", "application", "receipt_number", "content")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name=_("异议对象")
    )
    receipt_number = models.CharField(_("受理编号"), max_length=30, unique=True)
    name = models.CharField(_("姓名或单位"), max_length=100)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)  # SM4 (personal data)
    email = models.EmailField(_("电子邮箱"), blank=True)
    content = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = FSMField(_("状态"), default=ObjectionStatus.RECEIVED, choices=ObjectionStatus.choices, protected=True)
    result = models.TextField(_("处理结果"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # How the objector learns the result: by e-mail (sent with the handling) when they gave an address,
    # otherwise by a phone call the staff make and record here.
    result_channel = models.CharField(
        _("结果告知方式"), max_length=10, choices=[("email", _("电子邮件")), ("phone", _("电话"))], blank=True
    )
    result_told_at = models.DateTimeField(_("结果告知时间"), null=True, blank=True)
    result_told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self):
        return self.receipt_number

    def frozen_field_names(self) -> tuple[str, ...]:
        if self.status == ObjectionStatus.RECEIVED:
            return self.FROZEN_FIELDS
        return (*self.FROZEN_FIELDS, "result", "handled_by", "handled_at")

    @transition(field=status, source=ObjectionStatus.RECEIVED, target=ObjectionStatus.UPHELD)
    def uphold(self):
        pass

    @transition(field=status, source=ObjectionStatus.RECEIVED, target=ObjectionStatus.DISMISSED)
    def dismiss(self):
        pass


class ObjectionFile(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    original_name = models.CharField(max_length=255)
    file = models.FileField(storage=private_storage, upload_to=AreaUploadTo("objections"), max_length=200)
    file_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()

    def __str__(self):
        return self.original_name


class PersonalDataView(models.Model):
    """Each time a staff member saw an objection filer's name and contact in full."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="pii_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self):
        return f"{self.viewer_id} {self.viewed_at:%Y-%m-%d %H:%M}"
