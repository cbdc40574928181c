"""Rate limits of the API: per account (a token or a signed-in session) and, for the public endpoints, per client
address — the real client's, behind the trusted proxies (`core.clientip`), so that nobody shares the proxy's.

The rates are settings (`API_RATE_USER`, `API_RATE_ANON`, e.g. "1200/hour"; empty switches a limit off), read
on every request. Counted in the shared cache; while it is unreachable requests pass (the API serves data staff
already may read; the objection form, which writes, refuses instead). A refusal is 429 with a Chinese message and
Retry-After (`api.exceptions`)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.clientip import client_ip


class _Configured:
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, "") or None

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)


class AccountRateThrottle(_Configured, UserRateThrottle):
    """Per account when signed in (its token or session), per client address otherwise."""

    scope = "api-user"
    setting = "API_RATE_USER"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None  # anonymous requests: AnonymousRateThrottle


class AnonymousRateThrottle(_Configured, AnonRateThrottle):
    scope = "api-anon"
    setting = "API_RATE_ANON"
