"""Forms of the public notice: the public's objection form, and the staff's notice and objection handling forms.

Field checks that need the database or the calendar are left to `reviews.services.notices`; their refusals are put
back on the fields (`core.forms.apply_service_error`) so that one rule lives in one place.
"""

from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import ServiceError
from core.forms import BoundedFormMixin

from ..services.notices import OBJECTION_FILE_MAX_MB, OBJECTION_MAX_FILES, notice_period
from .fields import DateInput, MultipleFileField


class ObjectionForm(BoundedFormMixin, forms.Form):
    name = forms.CharField(
        label="姓名或单位名称",
        max_length=100,
        help_text="单位提出异议的，请填写单位全称；个人提出异议的，请填写真实姓名。不会在任何公开页面显示。",
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    email = forms.CharField(
        label="电子邮箱",
        max_length=254,
        required=False,
        help_text="联系电话和电子邮箱至少填写一项；填写邮箱的，受理回执将同时发送到该邮箱。",
    )
    application = forms.TypedChoiceField(
        label="异议对象（公示名单中的集群）",
        coerce=int,
        error_messages={"invalid_choice": "请选择本次公示名单中的集群。", "required": "请选择异议对象。"},
    )
    content = forms.CharField(
        label="异议内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请具体说明异议的事实和理由（不少于10个字）。",
    )
    files = MultipleFileField(
        label="证明材料",
        required=False,
        help_text=(
            f"可选，最多 {OBJECTION_MAX_FILES} 个文件，每个不超过 {OBJECTION_FILE_MAX_MB} MB，"
            "格式为 PDF、JPG、PNG 或 DOCX。"
        ),
    )

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "请选择")] + [
            (a.pk, f"{a.cluster.name}（{a.cluster.division.full_name}）") for a in applications
        ]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["email"].widget.attrs.update({"inputmode": "email", "autocomplete": "email", "type": "email"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["files"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"


class NoticeCreateForm(BoundedFormMixin, forms.Form):
    start_date = forms.DateField(
        label="公示开始日期",
        widget=DateInput(),
        help_text="公示期为5个工作日（按国务院节假日安排，含调休），开始日期为工作日时计为第1天。",
    )
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="留空则使用默认标题。")
    body = forms.CharField(
        label="公示正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="留空则使用默认正文（依据、名单说明和异议方式）。",
    )
    contact_department = forms.CharField(label="异议受理部门", max_length=100)
    contact_phone = forms.CharField(label="联系电话", max_length=50)
    contact_email = forms.EmailField(label="电子邮箱", required=False)
    contact_address = forms.CharField(label="通信地址", max_length=200, required=False)

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        try:
            self.period = notice_period(start)
        except ServiceError as exc:
            raise ValidationError(exc.message) from None
        return start


class ObjectionHandleForm(BoundedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="处理结论",
        choices=[("dismiss", "异议不成立（维持公示）"), ("uphold", "异议成立（该集群不予认定）")],
        widget=forms.RadioSelect,
    )
    result = forms.CharField(
        label="调查核实情况和处理结果",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
