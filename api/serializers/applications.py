"""Applications: the list and detail as the web pages show them, and the inputs of the draft services."""

from rest_framework import serializers

from clusters.models import Application, ApplicationVersion, Attachment, Enterprise, ListItem, PlanTarget, YearData
from clusters.selectors import APPLICATION_FIELDS, YEAR_FIELDS
from core.validators import mask_phone

from .common import CallRefSerializer, DivisionRefSerializer, NamedRefSerializer, StrictInputMixin

MAX_VERSION = 2_147_483_647


class ApplicationListSerializer(serializers.ModelSerializer):
    call = CallRefSerializer()
    cluster = NamedRefSerializer()
    applicant = NamedRefSerializer(help_text="申报主体")
    county = DivisionRefSerializer(source="cluster.division")
    city = DivisionRefSerializer(source="cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="cluster.lead_industry")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Application
        fields = [
            "id", "call", "cluster", "applicant", "county", "city", "lead_industry", "state", "state_label",
            "state_changed_at", "submission_count", "edit_version", "submitted_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class YearDataSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearData
        fields = ["year", *YEAR_FIELDS]


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "in_lead_industry", "champion_cert", "giant_cert", "specialised_cert",
            "hightech_cert", "employees",
        ]  # fmt: skip


class ListItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListItem
        fields = ["id", "kind", "name", "level", "reference", "year", "description"]


class PlanTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "indicator", "unit", "baseline", "target_1", "target_2", "target_3"]


class AttachmentSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.name", allow_null=True, help_text="对应的材料要求")

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "requirement", "original_name", "file_type", "size", "sha256", "uploaded_at"]


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationVersion
        fields = ["number", "created_at"]


class ApplicationDetailSerializer(ApplicationListSerializer):
    """Everything the detail page shows. The contact phone is masked for experts, as on the page."""

    year_data = YearDataSerializer(many=True, read_only=True)
    enterprises = EnterpriseSerializer(many=True, read_only=True)
    list_items = ListItemSerializer(many=True, read_only=True)
    plan_targets = PlanTargetSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(source="active_attachments", many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            *APPLICATION_FIELDS,
            "return_reason", "returned_at", "returned_from", "failed_rule_explanations",
            "year_data", "enterprises", "list_items", "plan_targets", "attachments", "versions",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and getattr(request.user, "is_expert", False):
            data["contact_phone"] = mask_phone(data.get("contact_phone") or "")
        return data


class ApplicationCreateSerializer(StrictInputMixin, serializers.Serializer):
    cluster = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="集群 id（须为本机构的集群）")
    call = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="已发布的申报批次 id")


class ApplicationUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    """The draft's own fields (`clusters.services.application_update`); `version` is the `edit_version` the
    client last read: a stale one is refused with 409."""

    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="读取时的 edit_version")

    class Meta:
        model = Application
        fields = ["version", *APPLICATION_FIELDS]
        extra_kwargs = {name: {"required": False} for name in APPLICATION_FIELDS}


class YearRowSerializer(StrictInputMixin, serializers.ModelSerializer):
    year = serializers.IntegerField(min_value=1900, max_value=2100)

    class Meta:
        model = YearData
        fields = ["year", *YEAR_FIELDS]
        extra_kwargs = {name: {"required": False} for name in YEAR_FIELDS}
        validators = []  # (application, year) uniqueness is the service's: it updates the existing row


class YearDataUpdateSerializer(StrictInputMixin, serializers.Serializer):
    """Y-4 … Y-1 in one save (`clusters.services.year_data_update`): only the given values change."""

    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="读取时的 edit_version")
    years = YearRowSerializer(many=True, allow_empty=False, max_length=10)

    def validate_years(self, rows):
        years = [r["year"] for r in rows]
        if len(set(years)) != len(years):
            raise serializers.ValidationError("同一年份只能出现一次。")
        return rows


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="条件编号：1、2a … 9、art7")
    title = serializers.CharField()
    area = serializers.CharField()
    kind = serializers.ChoiceField(choices=["hard", "soft"])
    outcome = serializers.ChoiceField(choices=["pass", "fail", "warning", "judgment"])
    outcome_label = serializers.CharField()
    numbers = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="决定结果的数值")
    formula = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)


class EligibilitySerializer(serializers.Serializer):
    application = serializers.IntegerField()
    summary = serializers.DictField(child=serializers.IntegerField(), help_text="各结果的条数")
    failed_hard = serializers.ListField(child=serializers.CharField(), help_text="未达标的硬性条件编号")
    results = RuleResultSerializer(many=True)


class HistoryRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transition = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor_name")
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
