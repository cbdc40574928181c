"""Forms of the public notice pages, the objection form, the registry search and the staff notice pages.

Field checks that need the database or the calendar are left to the services in `reviews.notices`; their
refusals are put back on the fields here so that one rule lives in one place.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import ServiceError

from .notices import OBJECTION_FILE_MAX_MB, OBJECTION_MAX_FILES, notice_period

CERT_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
PUBLIC_STATUS_CHOICES = [
    ("", "全部"),
    ("valid", "有效"),
    ("expiring", "即将到期（90天内）"),
    ("expired", "已过期"),
    ("revoked", "已撤销"),
    ("pending", "尚未生效"),
]


def chinese_period(start, end) -> str:
    """ "2026年9月24日至10月8日" (year once when both dates share it), "2022年12月29日至2023年1月5日" otherwise."""
    first = f"{start.year}年{start.month}月{start.day}日"
    if start == end:
        return first
    if start.year == end.year:
        return f"{first}至{end.month}月{end.day}日"
    return f"{first}至{end.year}年{end.month}月{end.day}日"


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# ---------------------------------------------------------------- uploads


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service (`check_upload`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def apply_service_error(form, exc: ServiceError, field_map=None) -> None:
    """Put a service refusal on the form: per-field messages where the service named a field, else the form."""
    field_map = field_map or {}
    placed = False
    for key, messages in (exc.errors or {}).items():
        name = field_map.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------- public


class ObjectionForm(forms.Form):
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


class VerifyForm(forms.Form):
    number = forms.CharField(
        label="证书编号",
        max_length=40,
        help_text="证书右下方的编号，如 JS-TSJQ-2026-001；也可用手机扫描证书上的二维码直接核验。",
        error_messages={"required": "请输入证书编号。"},
    )

    def clean_number(self):
        value = re.sub(r"\s+", "", self.cleaned_data["number"]).upper().replace("—", "-").replace("－", "-")
        if not CERT_NUMBER_RE.match(value):
            raise ValidationError("证书编号格式不正确：应由字母、数字和连字符组成，如 JS-TSJQ-2026-001。")
        return value


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=50, required=False, help_text="集群名称或主导产业")
    city = forms.ChoiceField(label="设区市", required=False)
    county = forms.ChoiceField(label="县（市、区）", required=False)
    industry = forms.CharField(label="主导产业", max_length=50, required=False)
    year = forms.TypedChoiceField(label="认定年度", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=PUBLIC_STATUS_CHOICES)

    def __init__(self, *args, cities=(), counties=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部")] + [(d.code, d.name) for d in cities]
        grouped: dict[str, list] = {}
        for d in counties:
            grouped.setdefault(d.parent.name if d.parent_id else "", []).append((d.code, d.name))
        self.fields["county"].choices = [("", "全部"), *grouped.items()]
        self.fields["year"].choices = [("", "全部")] + [(y, f"{y}年度") for y in years]
        self.fields["q"].widget.attrs["type"] = "search"


# ---------------------------------------------------------------- province staff


class NoticeCreateForm(forms.Form):
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


class PublicationForm(forms.Form):
    doc_number = forms.CharField(label="公布文号", max_length=60, help_text="如：苏工信中小〔2026〕99号")
    publish_date = forms.DateField(
        label="公布日期",
        widget=DateInput(),
        help_text="认定有效期自公布日期起三年。",
    )
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="留空则使用默认标题。")


class ObjectionHandleForm(forms.Form):
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
