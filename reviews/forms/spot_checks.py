"""Forms of the spot-check draw and of the site check record with its evidence files."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import BoundedFormMixin

from ..constants import CheckResult
from .fields import DateInput, MultipleFileField


class SpotCheckForm(BoundedFormMixin, forms.Form):
    seed = forms.CharField(
        label="随机种子",
        max_length=18,
        help_text="正整数，建议使用抽取当日日期（如 20261126），并在会议纪要中记录。",
        error_messages={"required": "请填写随机种子。"},
    )
    size = forms.CharField(label="抽取数量", required=False, max_length=6, help_text="填写数量或比例，二者只填其一。")
    fraction = forms.CharField(
        label="或：抽取比例", required=False, max_length=8, help_text="0 至 1 之间，如 0.2 表示 20%，向上取整。"
    )

    def clean_seed(self):
        seed = self.cleaned_data["seed"].strip()
        if not seed.isdigit() or int(seed) <= 0:
            raise ValidationError("随机种子应为正整数（只含数字，且大于 0）。")
        return str(int(seed))

    def clean_size(self):
        size = self.cleaned_data["size"].strip()
        if size and (not size.isdigit() or int(size) <= 0):
            raise ValidationError("抽取数量应为正整数。")
        return size

    def clean_fraction(self):
        fraction = self.cleaned_data["fraction"].strip()
        if fraction:
            try:
                value = Decimal(fraction)
            except InvalidOperation:
                raise ValidationError("抽取比例应为 0 至 1 之间的数。") from None
            if not value.is_finite() or not (0 < value <= 1):
                raise ValidationError("抽取比例应为 0 至 1 之间的数（不含 0）。")
        return fraction

    def clean(self):
        data = super().clean()
        if "size" in data and "fraction" in data:
            if data["size"] and data["fraction"]:
                raise ValidationError("抽取数量和抽取比例只填其一。")
            if not data["size"] and not data["fraction"]:
                raise ValidationError("请填写抽取数量或抽取比例。")
        return data


class SiteCheckForm(BoundedFormMixin, forms.Form):
    check_date = forms.DateField(
        label="核查日期",
        widget=DateInput(),
        error_messages={"required": "请填写核查日期。", "invalid": "请填写有效日期。"},
    )
    inspectors = forms.CharField(
        label="核查人员", max_length=300, help_text="多人以顿号分隔", error_messages={"required": "请填写核查人员。"}
    )
    findings = forms.CharField(
        label="核查情况",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写核查情况。"},
    )
    result = forms.ChoiceField(
        label="核查结论",
        choices=CheckResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核查结论。"},
    )
    files = MultipleFileField(
        label="现场照片和证明材料",
        required=False,
        help_text="可一次选择多个文件（PDF、JPG、PNG、DOCX、XLSX）。",
    )

    def clean_check_date(self):
        value = self.cleaned_data["check_date"]
        if value > timezone.localdate():
            raise ValidationError("核查日期不能晚于今天。")
        return value
