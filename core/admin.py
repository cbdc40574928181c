from django.contrib import admin

from .models import CalendarDay, CalendarYear, Notification, TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "object_repr", "transition", "from_state", "to_state", "actor_name")
    list_filter = ("content_type", "transition")
    search_fields = ("object_repr", "actor_name", "comment")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
