"""Filter forms of the reviews lists (the review queue and the expert pool), and what a list's Excel export says
about the filters it was given."""

import django_filters
from django.db.models import F, Q

from accounts.constants import DivisionLevel
from accounts.models import Division
from clusters.constants import ApplicationState
from clusters.models import Application, Call, IndustryTag
from core.forms import FastSelect

from .models import ExpertProfile

ORDERINGS = {
    "waited": ("state_changed_at", "等待时间最长"),
    "-submitted": ("-submitted_at", "最近提交"),
    "cluster": ("cluster__name", "集群名称"),
    "county": ("cluster__division_id", "所在地"),
}


class ApplicationQueueFilter(django_filters.FilterSet):
    call = django_filters.ModelChoiceFilter(
        queryset=Call.objects.all(), label="申报批次", empty_label="全部批次", widget=FastSelect
    )
    city = django_filters.ModelChoiceFilter(
        queryset=Division.objects.filter(level="city"),
        field_name="cluster__division__parent",
        label="设区市",
        empty_label="全部设区市",
        widget=FastSelect,
    )
    county = django_filters.ModelChoiceFilter(
        queryset=Division.objects.filter(level="county"),
        field_name="cluster__division",
        label="县（市、区）",
        empty_label="全部县（市、区）",
        widget=FastSelect,
    )
    state = django_filters.ChoiceFilter(
        choices=ApplicationState.choices, label="状态", empty_label="全部状态", widget=FastSelect
    )
    lead_industry = django_filters.CharFilter(
        field_name="cluster__lead_industry", lookup_expr="icontains", label="主导产业"
    )
    q = django_filters.CharFilter(method="search", label="集群或申报主体名称")
    order = django_filters.ChoiceFilter(
        choices=[(k, v[1]) for k, v in ORDERINGS.items()],
        method="sort",
        label="排序",
        empty_label="默认（等待时间最长）",
        widget=FastSelect,
    )

    class Meta:
        model = Application
        fields = ["call", "city", "county", "state", "lead_industry"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the divisions the user's authority covers.
        if user is not None and not user.is_province:
            if user.role == "city":
                self.filters.pop("city")
                self.filters["county"].queryset = Division.objects.filter(parent_id=user.division.code)
            else:
                self.filters.pop("city")
                self.filters.pop("county")

    def search(self, queryset, name, value):
        return queryset.filter(Q(cluster__name__icontains=value) | Q(applicant__name__icontains=value))

    def sort(self, queryset, name, value):
        field = ORDERINGS.get(value, ORDERINGS["waited"])[0]
        return queryset.order_by(field, "pk")

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("order"):
            qs = qs.order_by(F("state_changed_at").asc(nulls_last=True), "pk")
        return qs


def _cities():
    return Division.objects.filter(level=DivisionLevel.CITY).order_by("code")


class ExpertPoolFilter(django_filters.FilterSet):
    """No filter joins more than one row per expert (`speciality` matches one tag of the many-to-many), so the
    filtered list needs no DISTINCT."""

    q = django_filters.CharFilter(method="search", label="姓名、用户名或工作单位")
    city = django_filters.ModelChoiceFilter(
        queryset=_cities(), label="所在设区市", empty_label="全部设区市", widget=FastSelect
    )
    speciality = django_filters.ModelChoiceFilter(
        queryset=IndustryTag.objects.filter(active=True),
        field_name="specialities",
        label="专业领域",
        empty_label="全部领域",
        widget=FastSelect,
    )
    active = django_filters.ChoiceFilter(
        choices=[("1", "已启用"), ("0", "已停用")],
        method="filter_active",
        label="状态",
        empty_label="全部",
        widget=FastSelect,
    )

    class Meta:
        model = ExpertProfile
        fields = ["q", "city", "speciality", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__full_name__icontains=value)
            | Q(user__username__icontains=value)
            | Q(user__organisation__name__icontains=value)
            | Q(keywords__icontains=value)
        )

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "1")


def export_query(request) -> str:
    """This page's query string for its Excel export: the same filters, every page."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return query.urlencode()


def filters_applied(form) -> dict:
    """{label: the chosen value as the form shows it, or "" when not given} for every filter (an invalid one is
    ignored, as on the page); a county names its city, since 南京市鼓楼区 and 徐州市鼓楼区 share a name."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    out = {}
    for name, field in form.fields.items():
        value = cleaned.get(name)
        if value in (None, ""):
            out[str(field.label)] = ""  # not written; an export with no filter says "筛选条件：全部"
            continue
        if getattr(value, "level", None) == DivisionLevel.COUNTY and value.parent_id:
            text = f"{value.parent.name}{value.name}"
        elif hasattr(field, "choices") and not hasattr(field, "queryset"):
            labels = {}
            for key, label in field.choices:
                if isinstance(label, list | tuple):  # an optgroup
                    labels.update({str(k): v for k, v in label})
                else:
                    labels[str(key)] = label
            text = labels.get(str(value), value)
        else:
            text = value
        out[str(field.label)] = str(text)
    return out
