"""Forms of publication: the province's publication form, the public registry search and certificate
verification."""

import re

from django import forms
from django.core.exceptions import ValidationError

from core.forms import BoundedFormMixin

from .fields import DateInput

CERT_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
PUBLIC_STATUS_CHOICES = [
    ("", "全部"),
    ("valid", "有效"),
    ("expiring", "即将到期（90天内）"),
    ("expired", "已过期"),
    ("revoked", "已撤销"),
    ("pending", "尚未生效"),
]


class PublicationForm(BoundedFormMixin, forms.Form):
    doc_number = forms.CharField(label="公布文号", max_length=60, help_text="如：苏工信中小〔2026〕99号")
    publish_date = forms.DateField(
        label="公布日期",
        widget=DateInput(),
        help_text="认定有效期自公布日期起三年。",
    )
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="留空则使用默认标题。")


class VerifyForm(BoundedFormMixin, forms.Form):
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


class RegistryFilterForm(BoundedFormMixin, forms.Form):
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
            city = d.parent.name if d.parent_id else ""
            # "南京市鼓楼区" and "徐州市鼓楼区": the chosen option names its city, not only its optgroup.
            grouped.setdefault(city, []).append((d.code, f"{city}{d.name}"))
        self.fields["county"].choices = [("", "全部"), *grouped.items()]
        # portal.js shows only the chosen city's counties (the optgroup whose label is the city's name).
        self.fields["county"].widget.attrs["data-follows"] = "city"
        self.fields["year"].choices = [("", "全部")] + [(y, f"{y}年度") for y in years]
        self.fields["q"].widget.attrs["type"] = "search"
