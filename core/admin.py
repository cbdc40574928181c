from django.contrib import admin

from .models import AuditEvent, CalendarDay, CalendarYear, Notification, OutboundEmail, TransitionLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody may add, change or delete through the admin (audit trails, frozen records)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenRecordAdmin(admin.ModelAdmin):
    """A record a transition freezes (core.models.FrozenMixin): viewable; never added or deleted here (the
    services create them, and nothing is ever deleted); changeable only while not frozen — and then only the
    fields that carry no rule (the services own the rest)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen():
            return False
        return super().has_change_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "username", "client_ip", "event", "object_repr", "outcome")
    list_filter = ("event", "outcome")
    search_fields = ("username", "object_repr", "client_ip", "detail")
    date_hierarchy = "created_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")


def _register_axes_read_only():
    """django-axes' records (attempts, lockouts, logins) are audit records too: read-only here."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, fields in (
        (AccessAttempt, ("attempt_time", "username", "ip_address", "failures_since_start")),
        (AccessFailureLog, ("attempt_time", "username", "ip_address", "locked_out")),
        (AccessLog, ("attempt_time", "logout_time", "username", "ip_address")),
    ):
        admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields}))


_register_axes_read_only()


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "object_repr", "transition", "from_state", "to_state", "actor_name", "client_ip")
    list_filter = ("content_type", "transition")
    search_fields = ("object_repr", "actor_name", "comment")
    date_hierarchy = "created_at"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_by", "created_at")

    def save_model(self, request, obj, form, change):
        obj.entered_by = obj.entered_by or request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at", "emailed")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
