from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts.models import Division
from clusters.constants import DECLARATIONS, TagKind
from clusters.eligibility import Thresholds
from core.forms import BoundedFormMixin

from .models import (
    Application,
    AttachmentRequirement,
    Call,
    Cluster,
    Enterprise,
    IndustryTag,
    ListItem,
    PlanTarget,
    RubricCriterion,
    YearData,
)

NULL_BOOL_CHOICES = [("", "请选择"), ("true", "是"), ("false", "否")]


def _coerce_bool(value):
    return {"true": True, "false": False}.get(value)


class NullBoolField(forms.TypedChoiceField):
    def __init__(self, *, label, yes="是", no="否", **kwargs):
        super().__init__(
            label=label,
            choices=[("true", yes), ("false", no)],
            coerce=_coerce_bool,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "true"
        if value is False:
            return "false"
        return value


class ClusterForm(BoundedFormMixin, forms.ModelForm):
    advanced_tags = forms.ModelMultipleChoiceField(
        queryset=IndustryTag.objects.filter(kind=TagKind.ADVANCED_CLUSTER, active=True),
        required=False,
        label="所属16个先进制造业集群",
        widget=forms.CheckboxSelectMultiple,
    )
    chain_tags = forms.ModelMultipleChoiceField(
        queryset=IndustryTag.objects.filter(kind=TagKind.KEY_CHAIN, active=True),
        required=False,
        label="所属50条重点产业链",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cluster
        fields = ["name", "division", "lead_industry", "segment", "area_km2", "management_body"]
        help_texts = {"area_km2": "一般不超过100平方公里（第六条第一项）。"}

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = (
            divisions if divisions is not None else Division.objects.filter(level="county")
        )
        self.fields["division"].empty_label = None
        if self.instance.pk:
            tags = list(self.instance.tags.all())
            self.initial["advanced_tags"] = [t for t in tags if t.kind == TagKind.ADVANCED_CLUSTER]
            self.initial["chain_tags"] = [t for t in tags if t.kind == TagKind.KEY_CHAIN]

    def tags(self):
        return [*self.cleaned_data.get("advanced_tags", []), *self.cleaned_data.get("chain_tags", [])]


class VersionedForm(BoundedFormMixin, forms.ModelForm):
    """A section form carrying the application's edit version, so stale tabs are refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class BasicForm(VersionedForm):
    class Meta:
        model = Application
        fields = ["contact_name", "contact_phone", "contact_email", "summary", "policy_fit"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}), "policy_fit": forms.Textarea(attrs={"rows": 4})}


class ListsNarrativeForm(VersionedForm):
    """The qualitative parts of Art. 6(4) and 6(5), beside the lists they go with."""

    class Meta:
        model = Application
        fields = ["supply_chain", "innovation_mechanism"]
        widgets = {
            "supply_chain": forms.Textarea(attrs={"rows": 4}),
            "innovation_mechanism": forms.Textarea(attrs={"rows": 4}),
        }


class DigitalForm(VersionedForm):
    energy_above_benchmark = NullBoolField(label="能效水平高于行业基准值（高耗能行业填写）")
    water_above_benchmark = NullBoolField(label="用水效率高于行业基准值（高耗水行业填写）")

    class Meta:
        model = Application
        fields = [
            "cloud_share_pct",
            "platform_penetration_pct",
            "digital_notes",
            "energy_intensive",
            "energy_above_benchmark",
            "water_intensive",
            "water_above_benchmark",
            "pollution_control",
            "green_notes",
        ]
        widgets = {
            "digital_notes": forms.Textarea(attrs={"rows": 4}),
            "pollution_control": forms.Textarea(attrs={"rows": 4}),
            "green_notes": forms.Textarea(attrs={"rows": 4}),
        }


class ManagementForm(VersionedForm):
    class Meta:
        model = Application
        fields = [
            "management_body",
            "management_body_credit_code",
            "service_system",
            "promotion_mechanism",
            "plan_summary",
        ]
        widgets = {
            "service_system": forms.Textarea(attrs={"rows": 4}),
            "promotion_mechanism": forms.Textarea(attrs={"rows": 4}),
            "plan_summary": forms.Textarea(attrs={"rows": 4}),
        }


class DeclarationsForm(VersionedForm):
    class Meta:
        model = Application
        fields = [f for f, _k, _l in DECLARATIONS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _key, label in DECLARATIONS:
            self.fields[field] = NullBoolField(label=str(label), yes="确认无此情形", no="存在此情形")


def _trim(value):
    """450000.00 -> 450000 for display in an input (the stored value keeps its two decimals)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return value.quantize(Decimal(1))
    if isinstance(value, Decimal):
        return value.normalize()
    return value


YEAR_FIELDS = [
    "total_output",
    "sme_output",
    "lead_output",
    "sme_rnd",
    "invention_patents",
    "employees",
    "co2_intensity",
]


class YearDataForm(BoundedFormMixin, forms.Form):
    """The Y-4..Y-1 table as one form: fields are named y<year>_<field>."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, years, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        existing = {r.year: r for r in rows}
        for year in years:
            for name in YEAR_FIELDS:
                model_field = YearData._meta.get_field(name)
                form_field = model_field.formfield(required=False)
                form_field.label = f"{year}年{model_field.verbose_name}"
                # Narrow cells: less side padding so 1234567.89 (123 亿元 in 万元) stays readable.
                form_field.widget.attrs.update(
                    {"inputmode": "decimal", "class": "text-end", "style": "padding-left:.4rem;padding-right:.4rem"}
                )
                key = f"y{year}_{name}"
                self.fields[key] = form_field
                if year in existing:
                    self.initial.setdefault(key, _trim(getattr(existing[year], name)))

    def rows(self):
        """{year: {field: value}} from cleaned data."""
        return {year: {name: self.cleaned_data.get(f"y{year}_{name}") for name in YEAR_FIELDS} for year in self.years}

    def table(self):
        return [
            {
                "label": YearData._meta.get_field(name).verbose_name,
                "cells": [self[f"y{year}_{name}"] for year in self.years],
            }
            for name in YEAR_FIELDS
        ]


class EnterpriseForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "in_lead_industry",
            "champion_cert",
            "giant_cert",
            "specialised_cert",
            "hightech_cert",
            "employees",
        ]

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class RosterImportForm(BoundedFormMixin, forms.Form):
    file = forms.FileField(label="企业名册 Excel 文件（.xlsx，使用本平台模板）", max_length=200)

    def clean_file(self):
        from core.xlsx import MAX_UPLOAD_BYTES

        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件大小 {f.size / 1048576:.1f} MB 超过 {MAX_UPLOAD_BYTES // 1048576} MB 上限，请分批导入。"
            )
        return f


class ListItemForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = ListItem
        fields = ["kind", "name", "level", "reference", "year", "description"]
        help_texts = {
            "level": "创新平台、标准、试点示范项目必须选择级别。只计入：省级及以上创新平台；国家标准（国家级）、"
            "行业标准（行业级）；省级及以上试点示范项目。地方标准、团体标准、企业标准和市级项目可填写，但不计入。"
        }


class PlanTargetForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = PlanTarget
        fields = ["indicator", "unit", "baseline", "target_1", "target_2", "target_3"]

    def __init__(self, *args, call_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call_year:
            for i in (1, 2, 3):
                self.fields[f"target_{i}"].label = f"{call_year + i - 1}年目标"


class AttachmentForm(BoundedFormMixin, forms.Form):
    requirement = forms.ModelChoiceField(
        queryset=AttachmentRequirement.objects.none(), required=False, label="材料类别"
    )
    purpose = forms.ChoiceField(
        label="用途", choices=[("requirement", "申报材料"), ("plan", "三年发展规划文本"), ("other", "其他材料")]
    )
    file = forms.FileField(label="文件（PDF、JPG、PNG、DOCX、XLSX）")

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = call.requirements.all()

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "requirement" and not data.get("requirement"):
            self.add_error("requirement", "请选择这份文件对应的申报材料。")
        if data.get("purpose") != "requirement":
            data["requirement"] = None
        return data


class SubmitForm(BoundedFormMixin, forms.Form):
    comment = forms.CharField(label="提交说明（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(
        label="本单位承诺所填报内容及提交材料真实、准确、完整，并对其真实性负责。", required=True
    )

    def __init__(self, *args, failed_rules=(), initial_explanations=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_explanations = initial_explanations or {}
        self.failed_rules = list(failed_rules)
        for rule in self.failed_rules:
            self.fields[f"explain_{rule.code}"] = forms.CharField(
                label=f"未达标说明：{rule.code} {rule.title}",
                help_text=rule.message,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=initial_explanations.get(rule.code, ""),
                required=True,
                error_messages={"required": "该项未达标，请说明原因。"},
            )
        # The explanations come first, under the list of failed rules; the promise is the last thing ticked.
        self.order_fields([*(f"explain_{r.code}" for r in self.failed_rules), "comment", "confirm"])

    def explanations(self):
        return {r.code: self.cleaned_data.get(f"explain_{r.code}", "") for r in self.failed_rules}


class WithdrawForm(BoundedFormMixin, forms.Form):
    comment = forms.CharField(label="撤回原因", widget=forms.Textarea(attrs={"rows": 2}))


class CallForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = Call
        fields = ["year", "title", "opens_at", "closes_at", "city_deadline", "experts_per_application", "notice_text"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "city_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notice_text": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        data = super().clean()
        o, c, d = data.get("opens_at"), data.get("closes_at"), data.get("city_deadline")
        if o and c and c <= o:
            self.add_error("closes_at", "申报截止时间必须晚于开始时间。")
        if c and d and d < c:
            self.add_error("city_deadline", "设区市推荐截止时间不能早于申报截止时间。")
        return data


THRESHOLD_LABELS = {
    "max_area_km2": "集群占地面积上限（平方公里，超出为提示）",
    "min_total_output": "集群总产值下限（万元/年）",
    "min_sme_share_pct": "中小企业产值占比下限（%）",
    "min_lead_growth_pct": "主导产业产值年均增速下限（%）",
    "min_lead_share_pct": "主导产业产值占比下限（%）",
    "min_champion_giant": "单项冠军+专精特新“小巨人”下限（家）",
    "min_specialised_hightech": "专精特新中小企业+高新技术企业下限（家）",
    "min_sharing_initiatives": "制造资源共享工作下限（项）",
    "min_platforms": "省级及以上创新平台下限（个）",
    "min_rnd_growth_pct": "中小企业研发经费年均增长下限（%）",
    "min_patent_growth_pct": "有效发明专利年均增长下限（%）",
    "min_patents_per_10k_employees": "每万名从业人员发明专利下限（件）",
    "min_standards": "参与制定标准下限（项）",
    "min_cloud_share_pct": "企业上云或上标识比例下限（%）",
    "min_platform_penetration_pct": "工业互联网平台应用普及率下限（%）",
    "min_pilot_projects": "试点示范项目下限（个）",
    "min_international": "国际合作与交流活动下限（项）",
}


class ThresholdsForm(BoundedFormMixin, forms.Form):
    def __init__(self, *args, thresholds: Thresholds, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in thresholds.to_dict().items():
            label = THRESHOLD_LABELS.get(key, key)
            if isinstance(value, int):
                self.fields[key] = forms.IntegerField(label=label, min_value=0, initial=value)
            else:
                self.fields[key] = forms.DecimalField(
                    label=label, min_value=Decimal("0"), initial=Decimal(value), decimal_places=4
                )

    def clean(self):
        data = super().clean()
        for key, value in data.items():
            if key.endswith("_pct") and value is not None and value > 100:
                self.add_error(key, "比例不能超过100%。")
        return data

    def thresholds(self) -> Thresholds:
        return Thresholds.from_dict({k: str(v) for k, v in self.cleaned_data.items()})


class _FormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # The portal is Chinese only; Django's "Delete" would follow the browser's language.
            form.fields["DELETE"].label = "删除此项"


RubricFormSet = inlineformset_factory(
    Call,
    RubricCriterion,
    formset=_FormSet,
    fields=["name", "description", "weight", "max_points", "order"],
    extra=1,
    can_delete=True,
)
RequirementFormSet = inlineformset_factory(
    Call,
    AttachmentRequirement,
    formset=_FormSet,
    fields=["name", "description", "required", "order"],
    extra=1,
    can_delete=True,
)
