from django.contrib import admin, messages

from core.exceptions import ServiceError

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only (the hash included); tokens are issued on the token page, where the plain token is shown once.
    Revoking here goes through the service, so it is audited."""

    list_display = ("name", "prefix", "user", "organisation", "created_by", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "organisation__name")
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="撤销所选令牌")
    def revoke(self, request, queryset):
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.token_revoke(actor=request.user, token=token)
            except ServiceError as exc:
                self.message_user(request, f"{token}：{exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"已撤销 {done} 个令牌。")
