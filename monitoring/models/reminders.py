from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.constants import ExpiryReminderKind, ReminderKind


class SentReminder(models.Model):
    """One reminder or overdue flag sent by the daily sweep to one target (a certification or a city) for one
    reported year and due date. The unique constraint makes the sweep idempotent: a second run on the same day,
    or two workers at once, send nothing more. A due date moved by the province re-arms the reminders."""

    kind = models.CharField(_("类型"), max_length=20, choices=ReminderKind.choices)
    report_year = models.PositiveIntegerField(_("报告年度"))
    # "cert:<id>" or "city:<division code>"
    target = models.CharField(_("对象"), max_length=40)
    due_date = models.DateField(_("截止日期"))
    sent_on = models.DateField(_("发送日期"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "report_year", "target", "due_date"], name="uniq_sent_reminder_per_due_date"
            )
        ]
        indexes = [models.Index(fields=["report_year", "kind", "due_date"])]
        verbose_name = _("已发送的提醒")
        verbose_name_plural = _("已发送的提醒")

    def __str__(self):
        return f"{self.get_kind_display()} {self.target} {self.sent_on}"


class ExpiryReminder(models.Model):
    """One expiry warning (6, 3 and 1 months before the end of validity, and the expiry notice) sent by the daily
    sweep for one certification and end of validity. The unique constraint makes the sweep idempotent; a renewal
    (a new valid_to) re-arms the warnings for the next term."""

    certification = models.ForeignKey(
        "clusters.Certification", on_delete=models.CASCADE, related_name="expiry_reminders", verbose_name=_("认定")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ExpiryReminderKind.choices)
    valid_to = models.DateField(_("有效期至"))
    sent_on = models.DateField(_("发送日期"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "kind", "certification_id"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "kind", "valid_to"], name="uniq_expiry_reminder")
        ]
        verbose_name = _("认定到期提醒")
        verbose_name_plural = _("认定到期提醒")

    def __str__(self):
        return f"{self.get_kind_display()} {self.certification_id} {self.sent_on}"
