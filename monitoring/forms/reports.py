from django import forms
from django.utils.translation import gettext_lazy as _

from core.filetypes import allowed_labels
from core.forms import BoundedFormMixin

from ..constants import NARRATIVE_FIELDS
from ..models import FIGURE_FIELDS, AnnualReport, ReportingCalendar


def _model_field(name, **kwargs):
    return AnnualReport._meta.get_field(name).formfield(**kwargs)


class ReportForm(BoundedFormMixin, forms.Form):
    """The whole draft in one form (autosaved): the year's figures, plan progress and the four narratives."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report, progress, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        for name in FIGURE_FIELDS:
            field = _model_field(name, required=False)
            field.widget.attrs.update({"class": "form-control text-end", "inputmode": "decimal"})
            self.fields[name] = field
            self.initial.setdefault(name, getattr(report, name))
        self.target_rows = []
        for item in progress:
            pk = item.target.pk
            actual = forms.DecimalField(
                label=_("%(indicator)s 实际值") % {"indicator": item.target.indicator},
                max_digits=16,
                decimal_places=2,
                required=False,
            )
            actual.widget.attrs.update({"class": "form-control text-end", "inputmode": "decimal"})
            note = forms.CharField(label=_("说明"), max_length=200, required=False)
            note.widget.attrs.update({"class": "form-control"})
            self.fields[f"target_{pk}"] = actual
            self.fields[f"note_{pk}"] = note
            self.initial.setdefault(f"target_{pk}", item.actual)
            self.initial.setdefault(f"note_{pk}", item.note)
            self.target_rows.append((item, f"target_{pk}", f"note_{pk}"))
        for name in NARRATIVE_FIELDS:
            field = _model_field(
                name, required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"})
            )
            self.fields[name] = field
            self.initial.setdefault(name, getattr(report, name))
        self.initial.setdefault("version", report.edit_version)

    def figure_fields(self):
        return [self[name] for name in FIGURE_FIELDS]

    def narrative_fields(self):
        return [self[name] for name in NARRATIVE_FIELDS]

    def target_fields(self):
        return [(item, self[a], self[n]) for item, a, n in self.target_rows]

    def figures(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in FIGURE_FIELDS}

    def narratives(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in NARRATIVE_FIELDS}

    def progress(self) -> dict:
        return {
            item.target.pk: {"actual": self.cleaned_data.get(a), "note": self.cleaned_data.get(n) or ""}
            for item, a, n in self.target_rows
        }


class SubmitForm(BoundedFormMixin, forms.Form):
    acknowledged = forms.BooleanField(label=_("我已核实以上数据，确认无误"), required=False)
    explanation = forms.CharField(
        label=_("数据变动说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("如集群范围调整、统计口径变化等，供县级主管部门审核时参考。"),
    )


class VerifyForm(BoundedFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class ReturnForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请填写退回原因。")},
    )


class AttachmentForm(BoundedFormMixin, forms.Form):
    file = forms.FileField(label=_("选择文件"), error_messages={"required": _("请选择要上传的文件。")})
    description = forms.CharField(label=_("附件说明"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("支持 %(types)s，内容须与类型一致。") % {"types": allowed_labels()}
        self.fields["file"].widget.attrs.update({"class": "form-control"})
        self.fields["description"].widget.attrs.update({"class": "form-control"})


class CitySubmissionForm(BoundedFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    remarks = forms.CharField(
        label=_("设区市意见和说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("可说明未报送集群的原因、本市跟踪监督情况等，随信息表一并报送。"),
    )


class CalendarForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = ReportingCalendar
        fields = ["report_year", "cluster_due", "city_due", "basis"]
        widgets = {
            "report_year": forms.NumberInput(attrs={"class": "form-control"}),
            "cluster_due": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            "city_due": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            "basis": forms.TextInput(attrs={"class": "form-control"}),
        }

    def validate_unique(self):
        # An existing year is updated by the service, not refused as a duplicate.
        pass


class ImportForm(BoundedFormMixin, forms.Form):
    file = forms.FileField(
        label=_("导入文件（.xlsx）"),
        error_messages={"required": _("请选择按模板填写的 Excel 文件。")},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
