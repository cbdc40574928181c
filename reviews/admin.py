from django.contrib import admin

from core.admin import FrozenRecordAdmin

from .models import (
    Assignment,
    ExpertConflict,
    ExpertProfile,
    JointDecision,
    JointReview,
    Recommendation,
    ReviewOpinion,
    ScoreSheet,
    SiteCheck,
    SpotCheckDraw,
    StoredFile,
)


class FrozenInline(admin.TabularInline):
    """Frozen records shown under another record: read-only, never added or deleted from here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewOpinion)
class ReviewOpinionAdmin(FrozenRecordAdmin):
    list_display = ("application", "tier", "decision", "reviewer", "created_at")
    list_filter = ("tier", "decision")
    list_select_related = ("application__cluster", "reviewer")
    raw_id_fields = ("application", "reviewer")


@admin.register(Recommendation)
class RecommendationAdmin(FrozenRecordAdmin):
    list_display = ("city", "doc_number", "doc_date", "call", "status", "submitted_at")
    list_filter = ("call", "status")
    list_select_related = ("city", "call")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("applications",)
    # The PDF is rendered by the portal and served by its own page after a permission check, not from here.
    exclude = ("pdf",)
    readonly_fields = ("status", "pdf_stored_as")

    @admin.display(description="推荐文件 PDF")
    def pdf_stored_as(self, obj):
        return obj.pdf.name or "—"


# ---------------------------------------------------------------- the province's decision
# Writes with rules (assignment, scoring, draws, meetings) belong to the portal's pages and services; the admin is
# for looking things up, so the state fields and the records that prove a step are read-only here.


class ExpertConflictInline(FrozenInline):
    """Conflicts are declared through the expert pool page and the expert's own declaration (both logged)."""

    model = ExpertConflict
    fields = ("cluster", "organisation", "credit_code", "reason", "status", "declared_at")
    readonly_fields = fields


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "city", "title", "active", "max_assignments")
    list_filter = ("active", "city")
    list_select_related = ("user", "city")
    search_fields = ("user__full_name", "user__username", "user__organisation__name", "keywords")
    raw_id_fields = ("user",)
    filter_horizontal = ("specialities",)
    inlines = [ExpertConflictInline]


@admin.register(ExpertConflict)
class ExpertConflictAdmin(FrozenRecordAdmin):
    list_display = ("expert", "cluster", "organisation", "credit_code", "reason", "declared_at")
    list_select_related = ("expert__user", "cluster", "organisation")
    raw_id_fields = ("expert", "cluster", "organisation")
    search_fields = ("expert__user__full_name", "reason", "credit_code")


@admin.register(Assignment)
class AssignmentAdmin(FrozenRecordAdmin):
    list_display = ("application", "expert", "status", "method", "assigned_at", "no_conflict_declared_at")
    list_filter = ("status", "method", "application__call")
    list_select_related = ("application__cluster", "application__call", "expert__user")
    raw_id_fields = ("application", "expert", "assigned_by", "revoked_by")
    readonly_fields = ("status", "assigned_at", "revoked_at", "no_conflict_declared_at")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(FrozenRecordAdmin):
    list_display = ("assignment", "status", "weighted_total", "recommendation", "submitted_at")
    list_filter = ("status", "recommendation")
    list_select_related = ("assignment__expert__user", "assignment__application")
    raw_id_fields = ("assignment",)
    readonly_fields = ("status", "weighted_total", "submitted_at", "updated_at")


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(FrozenRecordAdmin):
    list_display = ("call", "seed", "sample_size", "drawn_by", "drawn_at")
    list_filter = ("call",)
    list_select_related = ("call", "drawn_by")
    # A draw is made by spot_check_draw, which also moves the applications: never added here.
    readonly_fields = ("call", "seed", "sample_size", "candidates", "drawn", "algorithm", "drawn_by", "drawn_at")


class StoredFileInline(admin.TabularInline):
    model = StoredFile
    extra = 0
    fields = ("original_name", "file_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SiteCheck)
class SiteCheckAdmin(FrozenRecordAdmin):
    list_display = ("application", "check_date", "result", "inspectors", "recorded_by", "recorded_at")
    list_filter = ("result", "draw__call")
    list_select_related = ("application__cluster", "recorded_by")
    raw_id_fields = ("application", "draw", "recorded_by")
    inlines = [StoredFileInline]


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "file_type", "size", "site_check", "meeting", "uploaded_by", "uploaded_at")
    list_filter = ("file_type",)
    list_select_related = ("site_check__application__cluster", "meeting__call", "uploaded_by")
    raw_id_fields = ("site_check", "meeting", "uploaded_by")
    # Files are uploaded through the site-check and meeting pages (checked by content) and served by their page.
    exclude = ("file",)
    readonly_fields = ("stored_as", "file_type", "size", "uploaded_at")

    @admin.display(description="存储位置")
    def stored_as(self, obj):
        return obj.file.name

    def has_add_permission(self, request):
        return False  # a file without its upload check and its owner's page is not a record of anything


class JointDecisionInline(FrozenInline):
    """Decisions are taken on the meeting page (meeting_decide), frozen when the meeting closes."""

    model = JointDecision
    fields = ("application", "decision", "reason", "rank_raw", "rank_normalised", "decided_by", "decided_at")
    readonly_fields = fields


@admin.register(JointReview)
class JointReviewAdmin(FrozenRecordAdmin):
    list_display = ("call", "meeting_date", "status", "created_by", "closed_at")
    list_filter = ("call", "status")
    list_select_related = ("call", "created_by")
    raw_id_fields = ("created_by",)
    readonly_fields = ("status", "closed_at")
    inlines = [JointDecisionInline, StoredFileInline]


@admin.register(JointDecision)
class JointDecisionAdmin(FrozenRecordAdmin):
    list_display = ("meeting", "application", "decision", "rank_raw", "rank_normalised", "decided_by", "decided_at")
    list_filter = ("decision", "meeting__call")
    list_select_related = ("meeting__call", "application__cluster", "decided_by")
    raw_id_fields = ("meeting", "application", "decided_by")
    readonly_fields = ("rank_raw", "rank_normalised", "decided_at")
