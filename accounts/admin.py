from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserCreateForm
from .models import Division, Invitation, Organisation, User


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "may_host_cluster")
    list_filter = ("level", "kind", "may_host_cluster")
    search_fields = ("code", "name")
    list_editable = ("may_host_cluster",)
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "division")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("division",)
    list_select_related = ("division",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("门户角色"), {"fields": ("full_name", "role", "organisation", "phone", "large_text")}),
    )
    add_form = UserCreateForm
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("门户角色"), {"fields": ("full_name", "role", "organisation")}),
    )
    readonly_fields = ("password_changed_at", "last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # A password chosen by an administrator is known to two people: the user replaces it at first login.
        if not change or "password" in getattr(form, "changed_data", ()):
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and getattr(response, "status_code", 200) == 302:
            User.objects.filter(pk=id).update(must_change_password=True)
        return response


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "accepted_at", "created_by")
    list_select_related = ("user", "created_by")
    readonly_fields = ("user", "token_hash", "created_by", "created_at", "expires_at", "accepted_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
