"""Forms of the joint review meeting and of its decision on each application."""

from django import forms

from core.forms import BoundedFormMixin

from ..constants import JointDecisionChoice
from .fields import DateInput, MultipleFileField


class MeetingForm(BoundedFormMixin, forms.Form):
    meeting_date = forms.DateField(
        label="会议日期",
        widget=DateInput(),
        error_messages={"required": "请填写会议日期。", "invalid": "请填写有效日期。"},
    )
    attendees = forms.CharField(
        label="参会人员",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="姓名及单位职务，以顿号分隔",
        error_messages={"required": "请填写参会人员。"},
    )
    minutes = forms.CharField(label="会议纪要摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label="会议纪要等文件", required=False, help_text="可一次选择多个文件。")


class DecisionForm(BoundedFormMixin, forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="会审结论",
        choices=JointDecisionChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择会审结论。"},
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不予认定，或拟列入名单但不在排名前列时必填。",
    )
