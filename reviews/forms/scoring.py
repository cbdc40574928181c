"""Forms of the expert's own work: the declaration of (no) conflict of interest and the score sheet."""

from decimal import Decimal

from django import forms
from django.utils.html import format_html

from core.forms import BoundedFormMixin

from ..constants import Recommend


def _plain(value: Decimal) -> str:
    """100.00 -> "100", 7.50 -> "7.5" (Decimal.normalize() would give "1E+2")."""
    return format(value.normalize(), "f")


NO_CONFLICT_STATEMENT = (
    "本人与该申报主体、集群及名册企业不存在利益冲突（包括任职、持股、亲属关系、近三年业务或咨询往来等），"
    "将客观公正地独立评审，并对评审内容保密。"
)


class NoConflictForm(BoundedFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=NO_CONFLICT_STATEMENT, error_messages={"required": "请勾选无利益冲突声明后再继续。"}
    )


class DeclareConflictForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(
        label="利益冲突情况说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请说明利益冲突的情况。"},
    )


class ScoreSheetForm(BoundedFormMixin, forms.Form):
    """One number and one comment per rubric criterion; the service checks the ranges."""

    recommendation = forms.ChoiceField(label="总体意见", choices=[("", "请选择"), *Recommend.choices], required=False)
    overall_comment = forms.CharField(
        label="总体评语", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, rubric=(), sheet=None, disabled=False, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if sheet is not None:
            for pk, value in (sheet.scores or {}).items():
                initial.setdefault(f"score_{pk}", value)
            for pk, value in (sheet.comments or {}).items():
                initial.setdefault(f"comment_{pk}", value)
            initial.setdefault("recommendation", sheet.recommendation)
            initial.setdefault("overall_comment", sheet.overall_comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.rubric = list(rubric)
        for c in self.rubric:
            # The criterion's name is in the row header; the label repeats it for screen readers only.
            self.fields[f"score_{c.pk}"] = forms.CharField(
                label=format_html(
                    '<span class="visually-hidden">“{}”</span>得分（0–{}）', c.name, _plain(c.max_points)
                ),
                required=False,
                max_length=20,
                widget=forms.NumberInput(
                    attrs={"min": "0", "max": _plain(c.max_points), "step": "0.5", "inputmode": "decimal"}
                ),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=format_html('<span class="visually-hidden">“{}”</span>评语', c.name),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.rubric]

    def scores(self):
        return {str(c.pk): self.cleaned_data.get(f"score_{c.pk}", "") for c in self.rubric}

    def comments(self):
        return {str(c.pk): self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.rubric}
