"""The city's recommendation document."""

from django import forms

from core.forms import BoundedFormMixin


class RecommendationForm(BoundedFormMixin, forms.Form):
    doc_number = forms.CharField(
        label="文号",
        max_length=60,
        help_text="如：苏工信中小〔2026〕12号",
        error_messages={"required": "请填写推荐文件文号。"},
    )
    doc_date = forms.DateField(
        label="成文日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写成文日期。", "invalid": "请填写有效的日期。"},
    )
    title = forms.CharField(label="标题", max_length=200, required=False)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    applications = forms.MultipleChoiceField(
        label="推荐的申报",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个推荐的申报。"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["applications"].choices = [
            (str(a.pk), f"{a.cluster.name}（{a.cluster.division.name}）") for a in self.candidates
        ]
