"""Forms of the programme: the target of Art. 5, key support and the national recommendation (Art. 13)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedFormMixin

from .rereviews import _css


def _year(label):
    return _css(
        forms.IntegerField(
            label=label,
            min_value=2000,
            max_value=2100,
            error_messages={
                "required": _("请填写年度。"),
                "invalid": _("请填写四位数的年度。"),
                "min_value": _("请填写有效的年度。"),
                "max_value": _("请填写有效的年度。"),
            },
        )
    )


def _reason(label, required=True, rows=3):
    return _css(
        forms.CharField(
            label=label,
            required=required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": rows}),
            error_messages={"required": _("请填写此项。")},
        )
    )


class ProgrammeTargetForm(BoundedFormMixin, forms.Form):
    name = _css(forms.CharField(label=_("规划期"), max_length=50, error_messages={"required": _("请填写规划期。")}))
    start_year = _year(_("起始年度"))
    end_year = _year(_("截止年度"))
    target = _css(
        forms.IntegerField(
            label=_("认定目标（个）"),
            min_value=1,
            max_value=10000,
            error_messages={"required": _("请填写认定目标。"), "invalid": _("请填写整数。")},
        )
    )
    basis = _css(forms.CharField(label=_("依据"), max_length=200, required=False))

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", _("截止年度不能早于起始年度。"))
        return data


class CertificationChoiceForm(BoundedFormMixin, forms.Form):
    certification = forms.ModelChoiceField(
        label=_("认定集群"),
        queryset=None,
        empty_label=_("请选择"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("请选择认定集群。"), "invalid_choice": _("所选集群的认定不在有效期内。")},
    )

    def __init__(self, *args, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = certifications
        self.fields["certification"].label_from_instance = lambda c: (
            f"{c.cluster.name}（{c.cluster.division.parent.name if c.cluster.division.parent_id else ''}"
            f"{c.cluster.division.name}，{c.number}）"
        )


class KeySupportForm(CertificationChoiceForm):
    year = _year(_("支持年度"))
    reason = _reason(_("支持理由"))


class UnmarkForm(BoundedFormMixin, forms.Form):
    unmark_reason = _reason(_("取消理由"), rows=2)


class RecommendationOpenForm(BoundedFormMixin, forms.Form):
    year = _year(_("推荐年度"))
    note = _reason(_("说明（如工业和信息化部申报通知的标题和文号）"), required=False, rows=2)


class RecommendationAddForm(CertificationChoiceForm):
    reason = _reason(_("推荐理由"))


class RemoveForm(BoundedFormMixin, forms.Form):
    reason = _css(forms.CharField(label=_("移出原因"), max_length=500, required=False))
