"""Forms of revocation cases, change reports and the lifecycle policy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.constants import DivisionLevel
from accounts.models import Division
from core.forms import BoundedFormMixin

from ..constants import ChangeKind, RevocationGround
from ..models import LifecyclePolicy
from .rereviews import YES_NO, _css, yes_no


def _text(label, rows=3, required=True, message=None, max_length=4000, help_text=""):
    return _css(
        forms.CharField(
            label=label,
            max_length=max_length,
            required=required,
            help_text=help_text,
            widget=forms.Textarea(attrs={"rows": rows}),
            error_messages={"required": message or _("请填写此项。")},
        )
    )


class RevocationOpenForm(BoundedFormMixin, forms.Form):
    certification = forms.ModelChoiceField(
        label=_("认定集群"),
        queryset=None,
        empty_label=_("请选择"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("请选择认定集群。"), "invalid_choice": _("所选认定不存在或已撤销。")},
    )
    ground = forms.ChoiceField(
        label=_("撤销情形（《管理办法》第十四条）"),
        choices=[("", _("请选择"))] + list(RevocationGround.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("请选择撤销情形。"), "invalid_choice": _("请选择第十四条规定的撤销情形。")},
    )
    evidence = _text(_("事实和依据"), rows=5, message=_("请填写撤销的事实和依据。"))
    file = forms.FileField(
        label=_("证明材料（可选）"), required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = certifications
        self.fields["certification"].label_from_instance = lambda c: (
            f"{c.number} {c.cluster.name}（{c.get_status_display()}）"
        )


class RevocationDecisionForm(BoundedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("revoke", _("撤销认定")), ("dismiss", _("不予撤销"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择决定。")},
    )
    decision_number = _css(
        forms.CharField(
            label=_("撤销决定文号"), max_length=60, required=False, help_text=_("如：苏工信中小〔2028〕12号")
        )
    )
    decision_date = _css(
        forms.DateField(
            label=_("决定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
    )
    decision_reasons = _text(_("撤销理由"), required=False)
    dismiss_reason = _text(_("不予撤销的理由"), required=False)
    successor_regulation = _css(
        forms.CharField(
            label=_("所依据的后续办法（名称和文号）"),
            max_length=200,
            required=False,
            help_text=_("《管理办法》有效期届满后作出决定的，必须填写。"),
        )
    )


class ChangeStartForm(BoundedFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("变动类型"),
        choices=[("", _("请选择"))] + list(ChangeKind.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("请选择变动类型。"), "invalid_choice": _("请选择变动类型。")},
    )


class ChangeReportForm(BoundedFormMixin, forms.Form):
    """The change itself (only the fields of its kind), its effective date, reasons."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    new_lead_industry = _css(forms.CharField(label=_("变更后主导产业"), max_length=100, required=False))
    new_segment = _css(forms.CharField(label=_("变更后细分领域"), max_length=100, required=False))
    new_division = forms.ModelChoiceField(
        label=_("变更后所在县（市、区）"),
        queryset=Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent").order_by("code"),
        required=False,
        empty_label=_("不变"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("所选区划不是江苏省内的县（市、区），集群空间范围须在江苏省内。")},
    )
    new_area_km2 = _css(
        forms.DecimalField(label=_("变更后占地面积（平方公里）"), max_digits=8, decimal_places=2, required=False)
    )
    scope_description = _text(_("空间范围说明"), required=False, help_text=_("变更后涉及的镇（街道）、园区等。"))
    new_management_body = _css(forms.CharField(label=_("变更后运营管理机构"), max_length=200, required=False))
    effective_date = _css(
        forms.DateField(
            label=_("变动生效日期"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("请填写有效的日期。")},
        )
    )
    reasons = _text(_("变动原因"), required=False)

    KIND_FIELDS = {
        ChangeKind.LEAD_INDUSTRY: ["new_lead_industry", "new_segment"],
        ChangeKind.SPATIAL_SCOPE: ["new_division", "new_area_km2", "scope_description"],
        ChangeKind.MANAGEMENT_BODY: ["new_management_body"],
    }

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_division"].label_from_instance = lambda d: d.full_name
        keep = {"version", "effective_date", "reasons", *self.KIND_FIELDS[ChangeKind(report.kind)]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
            elif name != "version":
                self.initial.setdefault(name, getattr(report, name))
        self.initial.setdefault("version", report.edit_version)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ChangeOpinionForm(BoundedFormMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label=_("是否同意变更"),
        choices=YES_NO,
        coerce=yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否同意变更。")},
    )
    opinion = _text(_("设区市意见"), message=_("请填写设区市意见。"))


class ChangeDecisionForm(BoundedFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("审定结论"),
        choices=[("yes", _("确认变更")), ("no", _("不予确认"))],
        coerce=yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审定结论。")},
    )
    reason = _text(_("省厅意见"), required=False, help_text=_("不予确认的，必须填写理由。"))


class EscalateForm(BoundedFormMixin, forms.Form):
    evidence = _text(_("未及时报备的事实和依据"), rows=4, message=_("请填写事实和依据。"))


class PolicyForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = LifecyclePolicy
        fields = [
            "year",
            "expiring_lead_months",
            "rereview_grace_days",
            "county_opinion",
            "city_opinion",
            "expert_review",
            "basis",
        ]
        widgets = {
            "year": forms.NumberInput(attrs={"class": "form-control"}),
            "expiring_lead_months": forms.NumberInput(attrs={"class": "form-control"}),
            "rereview_grace_days": forms.NumberInput(attrs={"class": "form-control"}),
            "basis": forms.TextInput(attrs={"class": "form-control"}),
        }

    def validate_unique(self):
        # An existing year is updated by the service, not refused as a duplicate.
        pass
