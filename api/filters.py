"""The lists' filters, as the web lists offer them: call / year, state, city and county division code, lead
industry, a name search; and `updated_since` so that a city's system can fetch what changed since its last
call. Invalid values answer 400 naming the parameter."""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.constants import DivisionLevel
from accounts.models import Division
from clusters.constants import ApplicationState
from clusters.models import Application, Call, Certification, CertificationStatus, Cluster
from monitoring.constants import ReportState, ReReviewState, RevocationGround, RevocationSource, RevocationStatus
from monitoring.models import AnnualReport, ReReview, RevocationCase
from reviews.models import Notice

DIVISION_CODE = RegexValidator(r"^\d{6}$", "请填写六位行政区划代码。")
INT32 = 2_147_483_647


class BoundedIntegerField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INT32)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = BoundedIntegerField


class SinceField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time (a time without an offset is Beijing time), within years the portal can hold."""

    default_error_messages = {"invalid": "请填写 ISO 8601 日期时间，例如 2026-03-01T08:00:00+08:00。"}

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (up to ±23:59).
            result = result.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 1970 <= result.year <= 9000:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return result


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SinceField


class BoundedDateField(forms.DateField):
    default_error_messages = {"invalid": "请填写日期，格式如 2026-03-01。"}


class DateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=updated_at` (or `-updated_at`, `id` …), ties broken by id so that pages do not overlap."""

    def build_choices(self, fields, labels):
        choices = []
        for param in fields.values():
            label = labels.get(param, param)
            choices += [(param, label), (f"-{param}", f"{label}（倒序）")]
        return choices

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


@extend_schema_field({"type": "string", "pattern": r"^\d{6}$"})
class DivisionCodeFilter(django_filters.CharFilter):
    pass


def code_filter(field_name: str, label: str):
    return DivisionCodeFilter(field_name=field_name, label=label, validators=[DIVISION_CODE])


class CallFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label="年度")

    class Meta:
        model = Call
        fields = ["year"]


class DivisionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=DivisionLevel.choices, label="层级")
    parent = code_filter("parent_id", "上级区划代码")

    class Meta:
        model = Division
        fields = ["level", "parent"]


class ClusterFilter(django_filters.FilterSet):
    city = code_filter("division__parent_id", "设区市区划代码")
    county = code_filter("division_id", "县（市、区）区划代码")
    lead_industry = django_filters.CharFilter(field_name="lead_industry", lookup_expr="icontains", label="主导产业")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="集群名称")
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label="更新时间不早于")
    ordering = StableOrderingFilter(
        fields=("id", "updated_at", "name"),
        field_labels={"id": "编号", "updated_at": "更新时间", "name": "名称"},
        label="排序（前加 - 为倒序）",
    )

    class Meta:
        model = Cluster
        fields = ["city", "county", "lead_industry", "q", "updated_since"]


class ApplicationFilter(django_filters.FilterSet):
    call = IntegerFilter(field_name="call_id", label="申报批次 id")
    year = IntegerFilter(field_name="call__year", label="申报年度")
    state = django_filters.ChoiceFilter(choices=ApplicationState.choices, label="状态")
    city = code_filter("cluster__division__parent_id", "设区市区划代码")
    county = code_filter("cluster__division_id", "县（市、区）区划代码")
    lead_industry = django_filters.CharFilter(
        field_name="cluster__lead_industry", lookup_expr="icontains", label="主导产业"
    )
    q = django_filters.CharFilter(method="search", label="集群或申报主体名称")
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label="更新时间不早于")
    ordering = StableOrderingFilter(
        fields=("id", "updated_at", "state_changed_at", "submitted_at"),
        field_labels={
            "id": "编号",
            "updated_at": "更新时间",
            "state_changed_at": "进入当前状态时间",
            "submitted_at": "提交时间",
        },
        label="排序（前加 - 为倒序；增量同步请用 updated_at）",
    )

    class Meta:
        model = Application
        fields = ["call", "year", "state", "city", "county", "lead_industry", "q", "updated_since"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(cluster__name__icontains=value) | Q(applicant__name__icontains=value))


class NoticeFilter(django_filters.FilterSet):
    call = IntegerFilter(field_name="call_id", label="申报批次 id")
    year = IntegerFilter(field_name="call__year", label="申报年度")

    class Meta:
        model = Notice
        fields = ["call", "year"]


# ---------------------------------------------------------------- monitoring (Arts. 11–14)


def _ordering(fields: dict[str, str], hint: str = ""):
    return StableOrderingFilter(fields=tuple(fields), field_labels=fields, label=f"排序（前加 - 为倒序{hint}）")


class AnnualReportFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="report_year", label="报告年度")
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label="状态")
    city = code_filter("cluster__division__parent_id", "设区市区划代码")
    county = code_filter("cluster__division_id", "县（市、区）区划代码")
    cluster = IntegerFilter(field_name="cluster_id", label="集群 id")
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label="更新时间不早于")
    ordering = _ordering(
        {"id": "编号", "updated_at": "更新时间", "report_year": "报告年度", "submitted_at": "最近提交时间"},
        "；增量同步请用 updated_at",
    )

    class Meta:
        model = AnnualReport
        fields = ["year", "state", "city", "county", "cluster", "updated_since"]


class ReReviewFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label="复核年度")
    state = django_filters.ChoiceFilter(choices=ReReviewState.choices, label="状态")
    city = code_filter("cluster__division__parent_id", "设区市区划代码")
    county = code_filter("cluster__division_id", "县（市、区）区划代码")
    cluster = IntegerFilter(field_name="cluster_id", label="集群 id")
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label="更新时间不早于")
    ordering = _ordering(
        {"id": "编号", "updated_at": "更新时间", "valid_to": "本期有效期至", "submitted_at": "最近提交时间"},
        "；增量同步请用 updated_at",
    )

    class Meta:
        model = ReReview
        fields = ["year", "state", "city", "county", "cluster", "updated_since"]


class RevocationFilter(django_filters.FilterSet):
    """A case has no updated_at (it is frozen once decided): `state_changed_since` finds the cases proposed or
    decided since the last call."""

    year = IntegerFilter(field_name="year", label="所涉年度")
    status = django_filters.ChoiceFilter(choices=RevocationStatus.choices, label="状态")
    ground = django_filters.ChoiceFilter(choices=RevocationGround.choices, label="撤销情形")
    source = django_filters.ChoiceFilter(choices=RevocationSource.choices, label="来源")
    city = code_filter("certification__cluster__division__parent_id", "设区市区划代码")
    county = code_filter("certification__cluster__division_id", "县（市、区）区划代码")
    cluster = IntegerFilter(field_name="certification__cluster_id", label="集群 id")
    certification = IntegerFilter(field_name="certification_id", label="认定记录 id")
    state_changed_since = SinceFilter(field_name="state_changed_at", lookup_expr="gte", label="状态变化时间不早于")
    ordering = _ordering(
        {"id": "编号", "created_at": "提出时间", "state_changed_at": "状态变化时间", "decision_date": "决定日期"}
    )

    class Meta:
        model = RevocationCase
        fields = [
            "year", "status", "ground", "source", "city", "county", "cluster", "certification", "state_changed_since",
        ]  # fmt: skip


class CertificationRecordFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label="认定年度")
    status = django_filters.ChoiceFilter(choices=CertificationStatus.choices, label="状态")
    city = code_filter("cluster__division__parent_id", "设区市区划代码")
    county = code_filter("cluster__division_id", "县（市、区）区划代码")
    cluster = IntegerFilter(field_name="cluster_id", label="集群 id")
    lead_industry = django_filters.CharFilter(
        field_name="cluster__lead_industry", lookup_expr="icontains", label="主导产业"
    )
    valid_to_before = DateFilter(field_name="valid_to", lookup_expr="lte", label="有效期至不晚于")
    valid_to_after = DateFilter(field_name="valid_to", lookup_expr="gte", label="有效期至不早于")
    ordering = _ordering(
        {"id": "编号", "number": "证书编号", "year": "认定年度", "valid_from": "有效期起", "valid_to": "有效期至"}
    )

    class Meta:
        model = Certification
        fields = ["year", "status", "city", "county", "cluster", "lead_industry", "valid_to_before", "valid_to_after"]
