"""How a request to the API says who it is: a bearer token of an integration, or the portal's own session (with
its CSRF check). A token acts as the user it was issued for; everything after authentication is the portal's
ordinary predicates and selectors."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from . import selectors, services

INVALID = "令牌无效，请检查请求头 Authorization: Bearer <令牌>。"
MALFORMED = "令牌格式错误，应为请求头 Authorization: Bearer <令牌>。"
REVOKED = "令牌已撤销，请联系省工业和信息化厅重新签发。"
EXPIRED = "令牌已过期，请联系省工业和信息化厅重新签发。"
ACCOUNT_GONE = "令牌所代表的账号已停用或已调离原机构，令牌不再有效。"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`). Refused tokens answer 401 with the reason."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(MALFORMED) from None
        token = selectors.token_by_plain_text(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        reason = ""
        if token.revoked_at:
            reason = REVOKED
        elif token.is_expired(timezone.now()):
            reason = EXPIRED
        elif not token.user.is_active or token.user.organisation_id != token.organisation_id:
            reason = ACCOUNT_GONE
        method, path = request.method, request.get_full_path()
        if reason:
            services.token_record_use(token=token, method=method, path=path, outcome="failure", reason=reason)
            raise exceptions.AuthenticationFailed(reason)
        services.token_record_use(token=token, method=method, path=path)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The portal's own pages (and the API docs' "Try it out") with the signed-in session; unsafe methods need
    the CSRF token (header X-CSRFToken), as every form of the portal does."""
