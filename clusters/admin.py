"""Admin of the clusters app: the industry tags (the 16 advanced manufacturing clusters and 50 key industrial
chains of Art. 6(1)), kept as data so province staff can follow the province's own wording. A tag is retired by
unticking 启用, never deleted (clusters and experts refer to it). Applications, versions and certifications change
only through the services; they are not in the admin."""

from django.contrib import admin

from .models import IndustryTag


@admin.register(IndustryTag)
class IndustryTagAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "order", "active")
    list_filter = ("kind", "active")
    list_editable = ("order", "active")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False
