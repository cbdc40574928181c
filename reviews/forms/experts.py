"""Forms of the expert pool (an expert's account and profile, conflicts of interest) and of assignment.

Rule checks that the services make (conflicts, workload) are left to them, so a refusal carries the service's own
wording; the forms only check shape.
"""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.constants import DivisionLevel, OrganisationKind
from accounts.models import Division, Organisation, User
from clusters.models import Cluster, IndustryTag
from core.forms import BoundedFormMixin
from core.validators import credit_code_error, validate_phone

from .. import services
from ..models import ExpertConflict, ExpertProfile

EMPLOYER_KINDS = [OrganisationKind.EXPERT_EMPLOYER, OrganisationKind.APPLICANT]


def _cities():
    return Division.objects.filter(level=DivisionLevel.CITY).order_by("code")


class ExpertForm(BoundedFormMixin, forms.Form):
    """An expert's login and profile in one form; a new employer can be typed instead of chosen."""

    username = forms.CharField(label="用户名", max_length=150, help_text="登录用，字母、数字或 @.+-_")
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False, validators=[validate_phone])
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

    def __init__(self, *args, profile: ExpertProfile | None = None, require_password: bool = True, **kwargs):
        # The Excel import creates experts without a password: they get an invitation to choose one instead.
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
        if profile is None and require_password:
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


class ConflictForm(BoundedFormMixin, forms.Form):
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


class AssignForm(BoundedFormMixin, forms.Form):
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


class UnassignForm(BoundedFormMixin, forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销原因", max_length=300, error_messages={"required": "请填写撤销原因。"})


class AutoAssignForm(BoundedFormMixin, forms.Form):
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
