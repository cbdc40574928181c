import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ServiceError
from core.forms import apply_service_error

from . import services
from .forms import LoginForm
from .middleware import LAST_SEEN, LOGIN_AT, idle_limit_seconds


class PortalLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        return response


@never_cache
def invitation_accept(request, token):
    """The invited user chooses a password through the one-time link."""
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"密码已设置，请使用用户名 {invitation.user.username} 登录。")
            return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invited": invitation.user},
        status=400 if form.errors else 200,
    )


def _remaining(request) -> dict:
    now = int(time.time())
    idle = idle_limit_seconds(request.user)
    hard = request.session.get(LOGIN_AT, now) + int(settings.SESSION_MAX_HOURS) * 3600 - now
    soft = request.session.get(LAST_SEEN, now) + idle - now if idle else hard
    return {"remaining": max(0, min(hard, soft)), "idle_limit": idle}


@require_GET
@never_cache
def session_status(request):
    """Seconds left before the session ends (the idle warning asks; asking is not activity)."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0}, status=401)
    return JsonResponse(_remaining(request))


@require_POST
@login_required
def session_keepalive(request):
    """ "继续使用" in the idle warning: counts as activity."""
    return JsonResponse(_remaining(request))
