"""Forms of the province's decision steps: the expert pool, assignment, scoring, spot checks and the joint review.

Range and rule checks that the services make (scores, conflicts, draw sizes, meeting reasons) are left to the
services, so a refusal always carries the service's own wording; the forms only check shape.
"""

from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from accounts.constants import DivisionLevel, OrganisationKind
from accounts.models import Division, Organisation, User
from clusters.models import Cluster, IndustryTag
from core.validators import credit_code_error

from . import services
from .constants import CheckResult, JointDecisionChoice, Recommend
from .models import ExpertConflict, ExpertProfile

EMPLOYER_KINDS = [OrganisationKind.EXPERT_EMPLOYER, OrganisationKind.APPLICANT]


def _plain(value: Decimal) -> str:
    """100.00 -> "100", 7.50 -> "7.5" (Decimal.normalize() would give "1E+2")."""
    return format(value.normalize(), "f")


def _cities():
    return Division.objects.filter(level=DivisionLevel.CITY).order_by("code")


# ---------------------------------------------------------------- expert pool


class ExpertPoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名、用户名或工作单位")
    city = django_filters.ModelChoiceFilter(queryset=_cities(), label="所在设区市", empty_label="全部设区市")
    speciality = django_filters.ModelChoiceFilter(
        queryset=IndustryTag.objects.filter(active=True),
        field_name="specialities",
        label="专业领域",
        empty_label="全部领域",
    )
    active = django_filters.ChoiceFilter(
        choices=[("1", "已启用"), ("0", "已停用")], method="filter_active", label="状态", empty_label="全部"
    )

    class Meta:
        model = ExpertProfile
        fields = ["q", "city", "speciality", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__full_name__icontains=value)
            | Q(user__username__icontains=value)
            | Q(user__organisation__name__icontains=value)
            | Q(keywords__icontains=value)
        )

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "1")


class ExpertForm(forms.Form):
    """An expert's login and profile in one form; a new employer can be typed instead of chosen."""

    username = forms.CharField(label="用户名", max_length=150, help_text="登录用，字母、数字或 @.+-_")
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "请填写有效的电子邮箱。"})
    password = forms.CharField(
        label="初始密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    employer = forms.ModelChoiceField(
        label="工作单位（从已登记的机构中选择）",
        queryset=Organisation.objects.filter(kind__in=EMPLOYER_KINDS).order_by("name"),
        required=False,
        empty_label="（不在列表中，在下方填写新单位）",
    )
    new_employer_name = forms.CharField(label="或：新工作单位名称", max_length=200, required=False)
    new_employer_credit_code = forms.CharField(
        label="新工作单位统一社会信用代码",
        max_length=18,
        required=False,
        help_text="填写后系统可识别专家单位是否为申报主体或名册企业。",
    )
    city = forms.ModelChoiceField(label="所在设区市", queryset=_cities(), empty_label="请选择")
    title = forms.CharField(label="职称/职务", max_length=100, required=False)
    specialities = forms.ModelMultipleChoiceField(
        label="专业领域（自动分配时优先匹配）",
        queryset=IndustryTag.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label="专业关键词", max_length=300, required=False, help_text="以顿号或逗号分隔，如：集成电路、新材料"
    )
    active = forms.BooleanField(label="启用（可被分配评审任务）", required=False, initial=True)
    max_assignments = forms.IntegerField(
        label="每批次评审上限",
        min_value=1,
        max_value=200,
        initial=20,
        error_messages={
            "required": "请填写每批次评审上限。",
            "invalid": "请填写整数。",
            "min_value": "上限至少为 1。",
            "max_value": "上限不超过 200。",
        },
    )

    def __init__(self, *args, profile: ExpertProfile | None = None, **kwargs):
        self.profile = profile
        if profile is not None:
            user = profile.user
            kwargs.setdefault(
                "initial",
                {
                    "username": user.username,
                    "full_name": user.full_name,
                    "phone": user.phone,
                    "email": user.email,
                    "employer": user.organisation_id,
                    "city": profile.city_id,
                    "title": profile.title,
                    "specialities": [t.pk for t in profile.specialities.all()],
                    "keywords": profile.keywords,
                    "active": profile.active,
                    "max_assignments": profile.max_assignments,
                },
            )
        super().__init__(*args, **kwargs)
        for name in ("username", "full_name", "city"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"
        self.fields["city"].error_messages["required"] = "请选择所在设区市。"
        if not self.fields["specialities"].queryset.exists():
            self.fields[
                "specialities"
            ].help_text = "尚未维护产业标签（16个先进制造业集群、50条重点产业链），可在后台管理中添加。"
        if profile is None:
            self.fields["password"].required = True
            self.fields["password"].error_messages["required"] = "请为新专家设置初始密码。"
        else:
            self.fields["password"].label = "重设密码"
            self.fields["password"].help_text = "留空则不修改密码。"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        taken = User.objects.filter(username__iexact=username)
        if self.profile is not None:
            taken = taken.exclude(pk=self.profile.user_id)
        if taken.exists():
            raise ValidationError("该用户名已存在，请换一个。")
        return username

    def clean_new_employer_credit_code(self):
        code = self.cleaned_data["new_employer_credit_code"].strip().upper()
        if code:
            error = credit_code_error(code)
            if error:
                raise ValidationError(error)
            existing = Organisation.objects.filter(credit_code=code).first()
            if existing is not None:
                raise ValidationError(f"该代码已登记为“{existing.name}”，请在上方列表中选择该单位。")
        return code

    def clean(self):
        data = super().clean()
        employer, new_name = data.get("employer"), (data.get("new_employer_name") or "").strip()
        if employer is None and not new_name:
            self.add_error("employer", "请选择工作单位，或填写新工作单位名称。")
        elif employer is not None and new_name:
            self.add_error("new_employer_name", "已在列表中选择了工作单位，请清空新单位名称（二者只填其一）。")
        if data.get("new_employer_credit_code") and not new_name:
            self.add_error("new_employer_name", "填写了统一社会信用代码，请同时填写新单位名称。")
        password = data.get("password")
        if password:
            user = self.profile.user if self.profile else User(username=data.get("username", ""))
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self, *, actor) -> ExpertProfile:
        return services.expert_save(actor=actor, profile=self.profile, data=self.cleaned_data)


class ConflictForm(forms.Form):
    """A conflict of interest recorded for an expert: a cluster, an organisation or a credit code, with a reason."""

    cluster = forms.ModelChoiceField(
        label="集群",
        queryset=Cluster.objects.select_related("division").order_by("division_id", "name"),
        required=False,
        empty_label="（不指定）",
    )
    organisation = forms.ModelChoiceField(
        label="机构（申报主体或企业）",
        queryset=Organisation.objects.filter(kind__in=EMPLOYER_KINDS).order_by("name"),
        required=False,
        empty_label="（不指定）",
    )
    credit_code = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    reason = forms.CharField(label="说明", max_length=300, error_messages={"required": "请填写利益冲突的说明。"})

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if code:
            error = credit_code_error(code)
            if error:
                raise ValidationError(error)
        return code

    def clean(self):
        data = super().clean()
        if not (data.get("cluster") or data.get("organisation") or data.get("credit_code")):
            raise ValidationError("请至少指定集群、机构或企业统一社会信用代码中的一项。")
        return data

    def save(self, expert: ExpertProfile, *, actor) -> ExpertConflict:
        d = self.cleaned_data
        return services.expert_conflict_add(
            actor=actor,
            expert=expert,
            cluster=d["cluster"],
            organisation=d["organisation"],
            credit_code=d["credit_code"],
            reason=d["reason"],
        )


# ---------------------------------------------------------------- assignment


class AssignForm(forms.Form):
    """Choose one expert for one application; the choices are built once per page (no query per row)."""

    application = forms.IntegerField(widget=forms.HiddenInput)
    expert = forms.TypedChoiceField(
        label="指定评审专家",
        coerce=int,
        error_messages={"required": "请选择专家。", "invalid_choice": "所选专家不存在或未启用。"},
    )

    def __init__(self, *args, expert_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "请选择专家"), *expert_choices]


def expert_choice_label(profile) -> str:
    """姓名（设区市 · 工作单位 · 本批次 已分配/上限）; `call_load` is annotated by the view."""
    org = profile.user.organisation.name if profile.user.organisation_id else "未填写单位"
    load = getattr(profile, "call_load", None)
    tail = f" · 本批次 {load}/{profile.max_assignments}" if load is not None else ""
    return f"{profile.user.display_name}（{profile.city.name} · {org}{tail}）"


class UnassignForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销原因", max_length=300, error_messages={"required": "请填写撤销原因。"})


class AutoAssignForm(forms.Form):
    per_application = forms.IntegerField(
        label="每个申报的专家人数",
        min_value=1,
        max_value=15,
        error_messages={
            "required": "请填写每个申报的专家人数。",
            "invalid": "请填写 1 至 15 的整数。",
            "min_value": "请填写 1 至 15 的整数。",
            "max_value": "请填写 1 至 15 的整数。",
        },
    )


# ---------------------------------------------------------------- scoring


NO_CONFLICT_STATEMENT = (
    "本人与该申报主体、集群及名册企业不存在利益冲突（包括任职、持股、亲属关系、近三年业务或咨询往来等），"
    "将客观公正地独立评审，并对评审内容保密。"
)


class NoConflictForm(forms.Form):
    confirm = forms.BooleanField(
        label=NO_CONFLICT_STATEMENT, error_messages={"required": "请勾选无利益冲突声明后再继续。"}
    )


class DeclareConflictForm(forms.Form):
    reason = forms.CharField(
        label="利益冲突情况说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请说明利益冲突的情况。"},
    )


class ScoreSheetForm(forms.Form):
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


# ---------------------------------------------------------------- spot checks


class SpotCheckForm(forms.Form):
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>; the service checks each file's real type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SiteCheckForm(forms.Form):
    check_date = forms.DateField(
        label="核查日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
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


# ---------------------------------------------------------------- joint review


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(
        label="会议日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
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


class DecisionForm(forms.Form):
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
