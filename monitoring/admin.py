"""Admin of the monitoring app. States change only through the services (core.transitions); frozen records
(submitted reports, tables, re-reviews, change reports, decided cases, every version and opinion) are read-only
here, and nothing is deleted."""

from django.contrib import admin

from core.admin import FrozenRecordAdmin, ReadOnlyAdmin

from .models import (
    AnnualReport,
    AnnualReportVersion,
    ChangeReport,
    CitySubmission,
    CitySubmissionVersion,
    ExpiryReminder,
    LifecycleFile,
    LifecyclePolicy,
    ReportingCalendar,
    ReReview,
    ReReviewOpinion,
    ReReviewVersion,
    RevocationCase,
    SentReminder,
)


class FrozenAwareAdmin(FrozenRecordAdmin):
    """Viewable always; changeable only while not frozen, and then never the state (the services move it)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(ReadOnlyAdmin):
    """Province staff set the dates on the calendar page (logged); the admin only shows them."""

    list_display = ("report_year", "cluster_due", "city_due", "basis", "updated_by", "updated_at")


@admin.register(AnnualReport)
class AnnualReportAdmin(FrozenAwareAdmin):
    list_display = ("cluster", "report_year", "state", "first_submitted_at", "flag_count")
    list_filter = ("report_year", "state")
    search_fields = ("cluster__name",)
    list_select_related = ("cluster",)


@admin.register(AnnualReportVersion)
class AnnualReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("report", "number", "created_at", "created_by")
    list_select_related = ("report__cluster", "created_by")


@admin.register(CitySubmission)
class CitySubmissionAdmin(FrozenAwareAdmin):
    list_display = ("city", "report_year", "state", "first_submitted_at", "submitted_at")
    list_filter = ("report_year", "state")
    list_select_related = ("city",)


@admin.register(CitySubmissionVersion)
class CitySubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ("submission", "number", "created_at", "late")
    list_select_related = ("submission__city",)


@admin.register(RevocationCase)
class RevocationCaseAdmin(ReadOnlyAdmin):
    list_display = ("certification", "ground", "year", "source", "status", "decision_number", "created_at")
    list_filter = ("ground", "source", "status", "year")
    list_select_related = ("certification__cluster",)


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ("kind", "report_year", "target", "due_date", "sent_on", "recipients")
    list_filter = ("kind", "report_year")


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ("kind", "certification", "valid_to", "sent_on", "recipients")
    list_filter = ("kind",)
    list_select_related = ("certification",)


@admin.register(LifecyclePolicy)
class LifecyclePolicyAdmin(ReadOnlyAdmin):
    """Province staff set the policy on its page (logged); the admin only shows it."""

    list_display = (
        "year",
        "expiring_lead_months",
        "rereview_grace_days",
        "county_opinion",
        "city_opinion",
        "expert_review",
    )


@admin.register(ReReview)
class ReReviewAdmin(FrozenAwareAdmin):
    list_display = ("cluster", "valid_to", "state", "submitted_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("cluster",)


@admin.register(ReReviewOpinion)
class ReReviewOpinionAdmin(ReadOnlyAdmin):
    list_display = ("rereview", "tier", "agree", "author", "created_at")


@admin.register(ReReviewVersion)
class ReReviewVersionAdmin(ReadOnlyAdmin):
    list_display = ("rereview", "number", "created_at", "created_by")


@admin.register(ChangeReport)
class ChangeReportAdmin(FrozenAwareAdmin):
    list_display = ("cluster", "kind", "effective_date", "state", "submitted_at")
    list_filter = ("kind", "state")
    list_select_related = ("cluster",)


@admin.register(LifecycleFile)
class LifecycleFileAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "case", "change_report", "rereview", "uploaded_at", "removed_at")
