"""Monitoring (Arts. 11–14): annual reports with their figures, re-reviews, revocation cases and the certifications
themselves (status and term), as the monitoring pages show them to the same user.

No personal contact data is in these answers: users appear by display name only (as on the pages), and the
cluster's applicant body by id and name — its contact phone is never sent, masked or not."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.models import Certification
from monitoring.models import (
    FIGURE_FIELDS,
    AnnualReport,
    AnnualReportVersion,
    LifecycleFile,
    ReportAttachment,
    ReReview,
    ReReviewOpinion,
    ReReviewVersion,
    ReReviewYear,
    RevocationCase,
)
from monitoring.models.rereviews import COUNT_FIELDS, DECLARATION_FIELDS, GREEN_FIELDS, PCT_FIELDS, TEXT_FIELDS

from .common import CallRefSerializer, DivisionRefSerializer, NamedRefSerializer

MONEY = {"max_digits": 16, "decimal_places": 2}


class CertificationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="证书编号")


# ---------------------------------------------------------------- certifications


class CertificationRecordSerializer(serializers.ModelSerializer):
    """One certification with its status and term (有效期), as the cluster's monitoring page shows it."""

    cluster = NamedRefSerializer()
    owner = NamedRefSerializer(source="cluster.owner", help_text="申报主体（机构）")
    county = DivisionRefSerializer(source="cluster.division")
    city = DivisionRefSerializer(source="cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="cluster.lead_industry")
    call = CallRefSerializer(allow_null=True, help_text="认定所属申报批次（线下认定导入的为空）")
    source_label = serializers.CharField(source="get_source_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Certification
        fields = [
            "id", "number", "certificate_number", "cluster", "owner", "county", "city", "lead_industry", "call",
            "year", "source", "source_label", "valid_from", "valid_to", "doc_number", "status", "status_label",
            "renewals", "revoked_at", "revocation_reason", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


# ---------------------------------------------------------------- annual reports


class AnnualReportListSerializer(serializers.ModelSerializer):
    cluster = NamedRefSerializer()
    certification = CertificationRefSerializer()
    county = DivisionRefSerializer(source="cluster.division")
    city = DivisionRefSerializer(source="cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="cluster.lead_industry")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = AnnualReport
        fields = [
            "id", "cluster", "certification", "county", "city", "lead_industry", "report_year", "state",
            "state_label", "state_changed_at", *FIGURE_FIELDS, "flag_count", "submission_count", "edit_version",
            "first_submitted_at", "submitted_at", "verified_at", "returned_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    """One target of the certified application's three-year plan, with the reported year's actual value."""

    indicator = serializers.CharField(source="target.indicator")
    unit = serializers.CharField(source="target.unit")
    baseline = serializers.DecimalField(source="target.baseline", **MONEY)
    plan_year = serializers.IntegerField(allow_null=True, help_text="规划第几年（1–3）；不在规划期内为空")
    target_value = serializers.DecimalField(allow_null=True, help_text="该规划年的目标值", **MONEY)
    actual = serializers.DecimalField(allow_null=True, help_text="本年度实际值", **MONEY)
    note = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["met", "missed", "pending", "outside"])
    status_label = serializers.CharField()


class ReportAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "original_name", "description", "file_type", "size", "sha256", "uploaded_at"]


class ReportVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualReportVersion
        fields = ["number", "created_at"]


class AnnualReportDetailSerializer(AnnualReportListSerializer):
    """Everything the report's page shows (`report_with_sections`, `report_progress`)."""

    progress = serializers.SerializerMethodField(help_text="三年发展规划目标的本年度进展")
    attachments = ReportAttachmentSerializer(source="active_attachments", many=True, read_only=True)
    versions = ReportVersionSerializer(many=True, read_only=True)

    class Meta(AnnualReportListSerializer.Meta):
        fields = [
            *AnnualReportListSerializer.Meta.fields,
            "development", "practices", "problems", "next_steps", "warnings", "warnings_explanation",
            "threshold_flags", "return_reason", "progress", "attachments", "versions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer(many=True))
    def get_progress(self, report):
        from monitoring import selectors

        return ProgressSerializer(selectors.report_progress(report), many=True).data


# ---------------------------------------------------------------- re-reviews


class ReReviewListSerializer(serializers.ModelSerializer):
    cluster = NamedRefSerializer()
    certification = CertificationRefSerializer()
    county = DivisionRefSerializer(source="cluster.division")
    city = DivisionRefSerializer(source="cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="cluster.lead_industry")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = ReReview
        fields = [
            "id", "cluster", "certification", "county", "city", "lead_industry", "year", "valid_to", "state",
            "state_label", "state_changed_at", "route", "submission_count", "edit_version", "first_submitted_at",
            "submitted_at", "returned_at", "decided_at", "renewal_number", "renewed_until", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReReviewYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReReviewYear
        fields = ["year", *FIGURE_FIELDS, "source"]


class ReReviewTargetSerializer(serializers.Serializer):
    """A target of the three-year plan: the annual reports' values by year, and the final assessment."""

    id = serializers.IntegerField(source="target.id")
    indicator = serializers.CharField(source="target.indicator")
    unit = serializers.CharField(source="target.unit")
    baseline = serializers.DecimalField(source="target.baseline", **MONEY)
    target_1 = serializers.DecimalField(source="target.target_1", allow_null=True, **MONEY)
    target_2 = serializers.DecimalField(source="target.target_2", allow_null=True, **MONEY)
    target_3 = serializers.DecimalField(source="target.target_3", **MONEY)
    reported = serializers.DictField(
        source="target.reported", child=serializers.CharField(allow_null=True), help_text="年度报告填报值，键为年份"
    )
    actual = serializers.DecimalField(source="target.actual", allow_null=True, help_text="期末实际值", **MONEY)
    note = serializers.CharField(source="target.note", allow_blank=True)
    final = serializers.DecimalField(allow_null=True, help_text="用于评价的值（期末实际值或最近填报值）", **MONEY)
    status = serializers.ChoiceField(choices=["met", "missed", "pending"])
    status_label = serializers.CharField()


class OpinionSerializer(serializers.ModelSerializer):
    tier_label = serializers.CharField(source="get_tier_display")
    author = serializers.CharField(source="author.display_name")

    class Meta:
        model = ReReviewOpinion
        fields = ["tier", "tier_label", "agree", "text", "experts", "author", "created_at"]


class LifecycleFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = LifecycleFile
        fields = ["id", "original_name", "description", "file_type", "size", "sha256", "uploaded_at"]


class ReReviewVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReReviewVersion
        fields = ["number", "created_at"]


class ReReviewDetailSerializer(ReReviewListSerializer):
    """Everything the re-review's page shows (`rereview_with_sections`, `target_rows`)."""

    years = ReReviewYearSerializer(many=True, read_only=True)
    targets = serializers.SerializerMethodField(help_text="三年发展规划目标完成情况")
    opinions = OpinionSerializer(many=True, read_only=True)
    files = LifecycleFileSerializer(source="active_files", many=True, read_only=True)
    versions = ReReviewVersionSerializer(many=True, read_only=True)

    class Meta(ReReviewListSerializer.Meta):
        fields = [
            *ReReviewListSerializer.Meta.fields,
            *COUNT_FIELDS, *PCT_FIELDS, *GREEN_FIELDS, *DECLARATION_FIELDS, *TEXT_FIELDS,
            "eligibility", "return_reason", "decision_reason", "successor_regulation",
            "years", "targets", "opinions", "files", "versions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ReReviewTargetSerializer(many=True))
    def get_targets(self, rereview):
        from monitoring import selectors

        return ReReviewTargetSerializer(selectors.target_rows(rereview), many=True).data


# ---------------------------------------------------------------- revocation cases


class RevocationListSerializer(serializers.ModelSerializer):
    certification = CertificationRefSerializer()
    cluster = NamedRefSerializer(source="certification.cluster")
    county = DivisionRefSerializer(source="certification.cluster.division")
    city = DivisionRefSerializer(source="certification.cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="certification.cluster.lead_industry")
    ground_label = serializers.CharField(source="get_ground_display")
    source_label = serializers.CharField(source="get_source_display")
    status_label = serializers.CharField(source="get_status_display")
    proposed_by = serializers.SerializerMethodField(help_text="提出人；为空表示由系统自动记录")

    class Meta:
        model = RevocationCase
        fields = [
            "id", "certification", "cluster", "county", "city", "lead_industry", "ground", "ground_label",
            "source", "source_label", "year", "status", "status_label", "state_changed_at", "created_at",
            "proposed_by", "decided_at", "decision_number", "decision_date", "published_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_proposed_by(self, case) -> str | None:
        return case.proposed_by.display_name if case.proposed_by_id else None


class RevocationDetailSerializer(RevocationListSerializer):
    """Everything the case's page shows to the cluster and the authorities over it: facts, evidence, decision."""

    files = LifecycleFileSerializer(source="active_files", many=True, read_only=True, help_text="证明材料")

    class Meta(RevocationListSerializer.Meta):
        fields = [
            *RevocationListSerializer.Meta.fields,
            "evidence", "rereview", "change_report", "decision_reasons", "dismiss_reason", "successor_regulation",
            "files",
        ]  # fmt: skip
        read_only_fields = fields
