"""Every write of the api app: issuing and revoking tokens, and recording each use. Audited in core's security
audit log (等保): who issued or revoked which token for whom, and every request made with one."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import audit

from .models import ApiToken

TOKEN_PREFIX = "jscl_"
# last_used_at is informative; the audit record of each use is the trail. Writing it at most once a minute keeps
# a busy integration at one insert per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _require_province(actor, what: str) -> None:
    if not (actor is not None and actor.is_authenticated and actor.is_active and actor.is_province):
        raise NotAllowed(f"只有省工业和信息化厅可以{what}。")


def token_issue(*, actor, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Issue a token acting as `user` (an active account of an organisation); returns the token and its plain
    text, which is never stored and cannot be shown again."""
    _require_province(actor, "签发接口令牌")
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["请填写令牌名称（用途）。"]
    if not (user.is_active and user.organisation_id):
        errors["user"] = ["只能为已启用、且属于某个机构的账号签发令牌。"]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["有效期必须晚于当前时间。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[:100],
            user=user,
            organisation_id=user.organisation_id,
            prefix=raw[:12],
            token_hash=ApiToken.hash(raw),
            created_by=actor,
            expires_at=expires_at,
        )
        until = f"，有效期至 {timezone.localtime(expires_at):%Y-%m-%d %H:%M}" if expires_at else "，长期有效"
        audit(
            "api_token_issued",
            user=actor,
            obj=token,
            detail=f"为账号 {user.username}（{user.organisation}）签发{until}",
        )
    return token, raw


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; the next request made with it is refused."""
    _require_province(actor, "撤销接口令牌")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at:
            raise Conflict("该令牌已于此前撤销。")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit("api_token_revoked", user=actor, obj=locked, detail=f"账号 {locked.user.username}")
    return locked


def token_record_use(*, token: ApiToken, method: str, path: str, outcome: str = "success", reason: str = "") -> None:
    """One audit record per request made with a token (refused ones too, with the reason)."""
    now = timezone.now()
    detail = f"{method} {path}"[:400] + (f"：{reason}" if reason else "")
    audit("api_token_used", user=token.user, obj=token, outcome=outcome, detail=detail)
    if outcome == "success" and (token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
