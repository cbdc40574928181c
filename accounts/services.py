"""Writes of accounts: organisations found or created by credit code, invitations to set a password,
password changes that clear the first-login obligation."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ServiceError
from core.services import absolute_url, audit, email_enqueue
from core.validators import validate_credit_code

from .constants import DivisionLevel, OrganisationKind, Role
from .models import Invitation, Organisation, User

INVITATION_DAYS = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def applicant_organisation_get_or_create(*, name: str, credit_code: str, division) -> tuple[Organisation, bool]:
    """The applicant body with this unified social credit code, created in `division` (a county) if new.
    One credit code is one organisation: the same body is never listed twice."""
    code = (credit_code or "").strip().upper()
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise ServiceError(f"统一社会信用代码 {code}：{'；'.join(exc.messages)}") from exc
    if division is None or division.level != DivisionLevel.COUNTY:
        raise ServiceError("申报主体的所在区划应为县（市、区）。")
    org = Organisation.objects.filter(credit_code=code).first()
    if org is not None:
        return org, False
    org = Organisation(
        name=(name or "").strip()[:200], kind=OrganisationKind.APPLICANT, credit_code=code, division=division
    )
    org.full_clean()
    org.save()
    return org, True


def _free_username(base: str) -> str:
    base = (base or "user")[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def user_invite(
    *,
    organisation,
    email: str,
    full_name: str = "",
    username: str = "",
    role=Role.APPLICANT,
    phone: str = "",
    actor=None,
) -> tuple[User, str]:
    """Create an account without a usable password and e-mail it a one-time link to choose one (valid
    14 days). Returns the user and the link (shown to the inviting staff as well, for offline hand-over)."""
    email = (email or "").strip()
    if not email:
        raise ServiceError("请填写接收邀请的电子邮箱。")
    with transaction.atomic():
        user = User(
            username=_free_username(username or (organisation.credit_code or email.split("@")[0])),
            email=email,
            full_name=(full_name or "").strip()[:50],
            phone=(phone or "").strip()[:20],
            role=role,
            organisation=organisation,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        url = invitation_issue(user=user, actor=actor)
    return user, url


def invitation_issue(*, user, actor=None) -> str:
    """A new one-time link for `user` (earlier unused links stop working)."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    url = absolute_url(reverse("accounts:invitation_accept", args=[token]))
    if user.email:
        org = user.organisation.name if user.organisation_id else ""
        email_enqueue(
            to=user.email,
            subject="江苏省中小企业特色产业集群管理平台账号开通",
            body=(
                f"{org}：\n\n省工业和信息化厅已为您开通平台账号（用户名 {user.username}）。"
                f"请在 {INVITATION_DAYS} 天内打开以下链接设置密码：\n\n{url}\n\n如非本单位经办人，请忽略本邮件。"
            ),
        )
    audit("invitation_issued", user=actor, obj=user, detail=f"邀请 {user.username}")
    return url


def invitation_lookup(token: str) -> Invitation | None:
    """The open invitation behind a token, or None (unknown, used or expired)."""
    return (
        Invitation.objects.select_related("user")
        .filter(token_hash=_hash(token or ""), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password from the link; the link works once."""
    with transaction.atomic():
        invitation = invitation_lookup(token)
        if invitation is None:
            raise ServiceError("邀请链接无效或已过期，请联系省工业和信息化厅重新发送。")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        user = invitation.user
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError("；".join(exc.messages), errors={"new_password1": exc.messages}) from exc
        user.set_password(password)
        user.must_change_password = False
        user.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit("invitation_accepted", user=user, obj=user)
    return user
