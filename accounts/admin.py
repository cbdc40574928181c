from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserCreateForm
from .models import Division, Organisation, User


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
