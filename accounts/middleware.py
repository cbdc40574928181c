"""Session policy (等保): staff sessions end after an idle period; every session ends at browser close or
after a fixed maximum; a password chosen by someone else must be replaced before anything else."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.services import audit

LOGIN_AT = "portal_login_at"
LAST_SEEN = "portal_last_seen"
# Paths a user who must change the password may still reach.
_ALWAYS = ("/static/", "/i18n/", "/jsi18n/", "/healthz", "/favicon.ico")


def idle_limit_seconds(user) -> int | None:
    """Staff (authorities, experts, administrators) time out when idle; applicants only at the maximum."""
    if getattr(user, "is_applicant", False) and not user.is_staff:
        return None
    return int(settings.STAFF_IDLE_TIMEOUT_MINUTES) * 60


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request, user)
            if expired:
                return expired
            forced = self._must_change_password(request, user)
            if forced:
                return forced
        return self.get_response(request)

    def _expired(self, request, user):
        now = int(time.time())
        session = request.session
        login_at = session.get(LOGIN_AT) or now
        last_seen = session.get(LAST_SEEN) or now
        idle = idle_limit_seconds(user)
        reason = ""
        if now - login_at > int(settings.SESSION_MAX_HOURS) * 3600:
            reason = "已超过单次登录的最长时间"
        elif idle is not None and now - last_seen > idle:
            reason = "长时间未操作"
        if not reason:
            session[LOGIN_AT] = login_at
            # Status polls of the idle warning do not count as activity.
            if request.path != reverse("accounts:session_status"):
                session[LAST_SEEN] = now
            return None
        audit("session_expired", user=user, detail=reason)
        logout(request)
        text = f"由于{reason}，您已安全退出，请重新登录。已自动保存的内容不会丢失。"
        if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("HX-Request"):
            response = HttpResponse(text, status=401, content_type="text/plain; charset=utf-8")
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        messages.info(request, text)
        target = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            from urllib.parse import urlencode

            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)

    def _must_change_password(self, request, user):
        if not getattr(user, "must_change_password", False):
            return None
        allowed = (reverse("accounts:password_change"), reverse("accounts:logout"), *_ALWAYS)
        if request.path.startswith(allowed):
            return None
        if request.method == "GET" and not request.headers.get("HX-Request"):
            messages.warning(request, "您的密码由管理员设置，请先修改为只有您知道的新密码。")
        return redirect("accounts:password_change")
