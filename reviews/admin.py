from django.contrib import admin

from .models import Recommendation, ReviewOpinion


@admin.register(ReviewOpinion)
class ReviewOpinionAdmin(admin.ModelAdmin):
    list_display = ("application", "tier", "decision", "reviewer", "created_at")
    list_filter = ("tier", "decision")
    list_select_related = ("application__cluster", "reviewer")
    raw_id_fields = ("application", "reviewer")


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("city", "doc_number", "doc_date", "call", "status", "submitted_at")
    list_filter = ("call", "status")
    list_select_related = ("city", "call")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("applications",)
    readonly_fields = ("status",)
