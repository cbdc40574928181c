from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField
from core.validators import validate_credit_code, validate_phone

from .constants import ROLE_ORGANISATION_KINDS, DivisionLevel, OrganisationKind, Role


class Division(models.Model):
    """A GB/T 2260 administrative division (or a 功能区 coded like one)."""

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    kind = models.CharField(_("类型"), max_length=10, blank=True)
    may_host_cluster = models.BooleanField(
        _("可作为集群所在地"), default=True, help_text=_("功能区是否可作为集群所在地由省厅决定。")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def city(self):
        if self.level == DivisionLevel.COUNTY:
            return self.parent
        if self.level == DivisionLevel.CITY:
            return self
        return None

    @property
    def full_name(self):
        if self.level == DivisionLevel.COUNTY and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=30, choices=OrganisationKind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("所在区划")
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        ordering = ["division_id", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self):
        return self.name

    def clean(self):
        level = self.division.level if self.division_id else None
        expected = {
            OrganisationKind.COUNTY_AUTHORITY: DivisionLevel.COUNTY,
            OrganisationKind.CITY_AUTHORITY: DivisionLevel.CITY,
            OrganisationKind.PROVINCE_AUTHORITY: DivisionLevel.PROVINCE,
            OrganisationKind.APPLICANT: DivisionLevel.COUNTY,
        }.get(self.kind)
        if expected and level and level != expected:
            raise ValidationError(
                {"division": _("该类型机构的所在区划应为%(level)s级。") % {"level": DivisionLevel(expected).label}}
            )
        if self.kind == OrganisationKind.APPLICANT and not self.credit_code:
            raise ValidationError({"credit_code": _("申报主体必须填写统一社会信用代码。")})
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属机构")
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True, validators=[validate_phone])
    large_text = models.BooleanField(_("大字模式"), default=False)
    # Set when someone other than the user chose the password (an administrator, a reset): the user must
    # choose their own at the next login before doing anything else.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def set_password(self, raw_password):
        if self.pk and self.password:
            self._previous_password_hash = self.password
        super().set_password(raw_password)
        from django.utils import timezone

        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        previous = getattr(self, "_previous_password_hash", None)
        if previous and previous != self.password:
            self._previous_password_hash = None
            PasswordHistory.objects.create(user=self, password=previous)
            keep = list(self.password_history.values_list("pk", flat=True)[:5])
            self.password_history.exclude(pk__in=keep).delete()

    def clean(self):
        super().clean()
        if self.role and not self.is_superuser:
            if not self.organisation_id:
                raise ValidationError({"organisation": _("请选择所属机构。")})
            allowed = ROLE_ORGANISATION_KINDS[Role(self.role)]
            if self.organisation.kind not in allowed:
                raise ValidationError({"organisation": _("所属机构的类型与角色不符。")})

    @property
    def division(self):
        return self.organisation.division if self.organisation_id else None

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_applicant(self):
        return self.role == Role.APPLICANT

    @property
    def is_county(self):
        return self.role == Role.COUNTY

    @property
    def is_city(self):
        return self.role == Role.CITY

    @property
    def is_province(self):
        return self.role == Role.PROVINCE or self.is_superuser

    @property
    def is_expert(self):
        return self.role == Role.EXPERT


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords, so a new password cannot repeat one of the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class Invitation(models.Model):
    """An invitation to set the password of a new account (e.g. the management body of a cluster certified
    before the portal). Only the SHA-256 of the token is stored; the link is sent once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("用户"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("邀请人")
    )
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("账号邀请")
        verbose_name_plural = _("账号邀请")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
