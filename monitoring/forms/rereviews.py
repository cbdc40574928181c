"""The re-review form (like the application's: the Art. 6 table on current figures, declarations, the plan's
targets) and the tiers' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.eligibility import DECLARATION_LABELS
from core.forms import BoundedFormMixin

from ..models import FIGURE_FIELDS, ReReview, ReReviewYear
from ..models.rereviews import COUNT_FIELDS, DECLARATION_FIELDS, PCT_FIELDS

YES_NO = [("yes", _("同意")), ("no", _("不同意"))]
DECLARE = [("true", _("声明不存在该情形")), ("false", _("存在该情形"))]
NULL_BOOL = [("", _("未说明")), ("true", _("是")), ("false", _("否"))]


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _bool_or_none(value):
    return {"true": True, "false": False}.get(value)


def _css(field, cls="form-control"):
    field.widget.attrs.setdefault("class", cls)
    return field


class ReReviewForm(BoundedFormMixin, forms.Form):
    """The whole draft in one form: four years of figures, the other Art. 6 inputs, the declarations, and each
    target's end-of-plan value."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rereview, years, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.rereview = rereview
        self.year_rows = []
        for row in years:
            names = []
            for name in FIGURE_FIELDS:
                key = f"y{row.year}_{name}"
                field = ReReviewYear._meta.get_field(name).formfield(required=False)
                field.label = f"{row.year}年{field.label}"
                field.widget.attrs.update({"class": "form-control text-end", "inputmode": "decimal"})
                self.fields[key] = field
                self.initial.setdefault(key, getattr(row, name))
                names.append(key)
            self.year_rows.append((row, names))
        for name in [*COUNT_FIELDS, *PCT_FIELDS]:
            field = _css(ReReview._meta.get_field(name).formfield(required=False))
            field.widget.attrs["inputmode"] = "decimal"
            self.fields[name] = field
            self.initial.setdefault(name, getattr(rereview, name))
        for name in ("energy_intensive", "water_intensive"):
            self.fields[name] = forms.BooleanField(label=ReReview._meta.get_field(name).verbose_name, required=False)
            self.initial.setdefault(name, getattr(rereview, name))
        for name in ("energy_above_benchmark", "water_above_benchmark"):
            self.fields[name] = forms.TypedChoiceField(
                label=ReReview._meta.get_field(name).verbose_name,
                choices=NULL_BOOL,
                required=False,
                coerce=_bool_or_none,
                empty_value=None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            value = getattr(rereview, name)
            self.initial.setdefault(name, "" if value is None else str(value).lower())
        for name, rows in (("management_body", None), ("service_system", 3), ("summary", 6), ("explanation", 3)):
            widget = forms.Textarea(attrs={"rows": rows}) if rows else None
            field = ReReview._meta.get_field(name).formfield(required=False, **({"widget": widget} if widget else {}))
            self.fields[name] = _css(field)
            self.initial.setdefault(name, getattr(rereview, name))
        self.fields["summary"].help_text = _("三年发展规划执行情况、目标完成情况、主要成效和问题。")
        self.fields["explanation"].help_text = _("有认定条件未达标的，逐项说明原因和改进措施。")
        for name, key in zip(DECLARATION_FIELDS, DECLARATION_LABELS, strict=True):
            self.fields[name] = forms.TypedChoiceField(
                label=DECLARATION_LABELS[key],
                choices=DECLARE,
                required=False,
                coerce=_bool_or_none,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            value = getattr(rereview, name)
            self.initial.setdefault(name, "" if value is None else str(value).lower())
        self.target_rows = []
        for row in targets:
            pk = row.target.pk
            actual = forms.DecimalField(
                label=_("%(indicator)s 期末实际值") % {"indicator": row.target.indicator},
                max_digits=16,
                decimal_places=2,
                required=False,
            )
            actual.widget.attrs.update({"class": "form-control text-end", "inputmode": "decimal"})
            note = _css(forms.CharField(label=_("说明"), max_length=200, required=False))
            self.fields[f"target_{pk}"] = actual
            self.fields[f"note_{pk}"] = note
            self.initial.setdefault(f"target_{pk}", row.target.actual)
            self.initial.setdefault(f"note_{pk}", row.target.note)
            self.target_rows.append((row, f"target_{pk}", f"note_{pk}"))
        self.initial.setdefault("version", rereview.edit_version)

    def year_fields(self):
        return [(row, [self[k] for k in keys]) for row, keys in self.year_rows]

    def count_fields(self):
        return [self[n] for n in [*COUNT_FIELDS, *PCT_FIELDS]]

    def declaration_fields(self):
        return [self[n] for n in DECLARATION_FIELDS]

    def target_fields(self):
        return [(row, self[a], self[n]) for row, a, n in self.target_rows]

    def values(self) -> dict:
        names = [*COUNT_FIELDS, *PCT_FIELDS, "energy_intensive", "water_intensive", "energy_above_benchmark"]
        names += ["water_above_benchmark", "management_body", "service_system", "summary", "explanation"]
        out = {n: self.cleaned_data.get(n) for n in names}
        for n in ("management_body", "service_system", "summary", "explanation"):
            out[n] = out[n] or ""
        out.update({n: self.cleaned_data.get(n) for n in DECLARATION_FIELDS})
        return out

    def years(self) -> dict:
        return {
            row.year: {name: self.cleaned_data.get(f"y{row.year}_{name}") for name in FIGURE_FIELDS}
            for row, _keys in self.year_rows
        }

    def targets(self) -> dict:
        return {
            row.target.pk: {"actual": self.cleaned_data.get(a), "note": self.cleaned_data.get(n) or ""}
            for row, a, n in self.target_rows
        }


class TargetAddForm(BoundedFormMixin, forms.Form):
    indicator = _css(forms.CharField(label=_("指标"), max_length=100))
    unit = _css(forms.CharField(label=_("单位"), max_length=20))
    baseline = _css(forms.DecimalField(label=_("基期值"), max_digits=16, decimal_places=2))
    target_1 = _css(forms.DecimalField(label=_("第一年目标"), max_digits=16, decimal_places=2, required=False))
    target_2 = _css(forms.DecimalField(label=_("第二年目标"), max_digits=16, decimal_places=2, required=False))
    target_3 = _css(forms.DecimalField(label=_("期末目标"), max_digits=16, decimal_places=2))


class ReReviewOpinionForm(BoundedFormMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label=_("是否同意通过复核"),
        choices=YES_NO,
        coerce=yes_no,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    opinion = _css(
        forms.CharField(
            label=_("意见"),
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("请填写意见。")},
        )
    )
    experts = _css(
        forms.CharField(
            label=_("参加评审的专家"), max_length=300, required=False, help_text=_("专家评审环节填写，姓名以顿号分隔。")
        )
    )


class ReReviewDecisionForm(BoundedFormMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("yes", _("复核通过，有效期延长三年")), ("no", _("复核未通过"))],
        coerce=yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复核结论。")},
    )
    reason = _css(
        forms.CharField(
            label=_("复核结论和理由"),
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("请填写复核结论和理由。")},
        )
    )
    successor_regulation = _css(
        forms.CharField(
            label=_("所依据的后续办法（名称和文号）"),
            max_length=200,
            required=False,
            help_text=_("《管理办法》有效期届满后作出决定的，必须填写。"),
        )
    )
