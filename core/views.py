import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .todos import todos_for

log = logging.getLogger(__name__)


@login_required
def home(request):
    return render(request, "core/home.html", {"todos": todos_for(request.user)})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    from kombu import Connection

    # Read the URL per call (not Celery's cached config) so the check follows the settings in force.
    with Connection(
        settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=3
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down"
            log.warning("healthz: %s down: %s", name, exc)
            checks[name] = f"down: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    down = [k for k, v in checks.items() if v != "ok"]
    body = {"status": "ok" if healthy else "down", "checks": checks}
    if down:
        body["down"] = down
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})


@login_required
def notification_list(request):
    qs = request.user.notifications.all()
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    note = get_object_or_404(request.user.notifications, pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(note.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:notifications")


@require_POST
def toggle_large_text(request):
    """Large-text mode (适老化): a cookie for everyone, remembered on the account when logged in."""
    on = request.COOKIES.get("large_text") != "1"
    if request.user.is_authenticated:
        on = not request.user.large_text
        request.user.large_text = on
        request.user.save(update_fields=["large_text"])
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie("large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", {"PORTAL_NAME": settings.PORTAL_NAME}, status=500)
