"""Calls (published ones), divisions and clusters."""

from rest_framework import serializers

from accounts.models import Division
from clusters.models import AttachmentRequirement, Call, Cluster, IndustryTag

from .common import DivisionRefSerializer, NamedRefSerializer


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttachmentRequirement
        fields = ["id", "name", "description", "required"]


class CallSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(source="phase_label", help_text="未开始 / 申报中 / 已截止")
    is_open = serializers.SerializerMethodField()
    data_years = serializers.ListField(child=serializers.IntegerField(), help_text="Y-4 … Y-1：填报的四个年份")
    thresholds = serializers.SerializerMethodField(help_text="认定条件门槛（数值为字符串形式的精确小数或整数）")
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id", "year", "title", "notice_text", "opens_at", "closes_at", "city_deadline", "published_at",
            "phase", "is_open", "data_years", "thresholds", "requirements",
        ]  # fmt: skip

    def get_is_open(self, call) -> bool:
        return call.is_open()

    def get_thresholds(self, call) -> dict[str, str]:
        return {k: str(v) for k, v in call.get_thresholds().to_dict().items()}


class DivisionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, help_text="上级区划代码")
    full_name = serializers.CharField()

    class Meta:
        model = Division
        fields = ["code", "name", "full_name", "level", "parent", "kind", "may_host_cluster"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryTag
        fields = ["id", "kind", "name"]


class ClusterSerializer(serializers.ModelSerializer):
    county = DivisionRefSerializer(source="division", help_text="所在县（市、区）")
    city = DivisionRefSerializer(source="division.parent", allow_null=True, help_text="所在设区市")
    owner = NamedRefSerializer(help_text="申报主体（机构）")
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = Cluster
        fields = [
            "id", "name", "county", "city", "owner", "lead_industry", "segment", "area_km2", "management_body",
            "tags", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
