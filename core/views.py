import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .todos import todos_for

log = logging.getLogger(__name__)


def home(request):
    """Signed in: 我的待办. Anonymous: the programme's public front page."""
    if not request.user.is_authenticated:
        return front_page(request)
    todos = todos_for(request.user)
    return render(request, "core/home.html", {"todos": todos, "todo_total": sum(t.count for t in todos)})


def front_page(request):
    from .frontpage import sections

    return render(request, "core/front.html", {"sections": sections()})


_REGULATION_TITLE = "江苏省促进中小企业特色产业集群发展管理办法"


def _regulation_blocks():
    """The regulation as headings and paragraphs (core/data/regulation.txt, the text as published)."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "regulation.txt").read_text(encoding="utf-8")
    blocks = []
    for raw in text.splitlines():
        line = re.sub(r"\[bookmark:[^\]]*\]", "", raw).strip()
        if not line:
            continue
        if re.match(r"^第[一二三四五六七八九十\d]+章", line) or line == _REGULATION_TITLE:
            blocks.append(("h2", line))
        else:
            match = re.match(r"^(第[一二三四五六七八九十]+条)\s*(.*)$", line)
            if match:
                blocks.append(("article", match.group(1), match.group(2)))
            else:
                blocks.append(("p", line))
    return blocks


def regulation(request):
    """《江苏省促进中小企业特色产业集群发展管理办法》 as a page (public)."""
    return render(request, "core/regulation.html", {"blocks": _regulation_blocks(), "title": _REGULATION_TITLE})


def guide(request):
    """How to apply (申报指南): the steps, who does what and when (public)."""
    return render(request, "core/guide.html")


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


def _check_cache():
    from django.core.cache import cache

    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
        return
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not keep a value")


WORKER_STALE_SECONDS = 300


def _worker_state() -> str:
    """ "ok" when the worker ran the heartbeat job lately, "stale" when it has not, "unknown" before the first."""
    from .models import Heartbeat

    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        return "unknown"
    return "ok" if (timezone.now() - beat.at).total_seconds() <= WORKER_STALE_SECONDS else "stale"


@never_cache
def healthz(request):
    """200 when the database, the broker and the cache answer; 503 otherwise. The worker's heartbeat is
    reported (a stale worker delays e-mails and PDFs, it does not stop the site). Details (which part, what
    error) only for province staff; anyone else reads ok/down."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker), ("cache", _check_cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "down"
            log.warning("healthz: %s down: %s", name, exc)
            checks[name] = f"down: {exc.__class__.__name__}"
    try:
        checks["worker"] = _worker_state()
    except Exception:  # noqa: BLE001 - the database check above already says why
        checks["worker"] = "unknown"
    down = [k for k in ("database", "broker", "cache") if checks[k] != "ok"]
    status = "down" if down else "ok"
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_active and user.is_province):
        return JsonResponse({"status": status}, status=503 if down else 200)
    body = {"status": status, "checks": checks}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200, json_dumps_params={"ensure_ascii": False})


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


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", {"PORTAL_NAME": settings.PORTAL_NAME}, status=500)


# ---------------------------------------------------------------- 好差评


def _province(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_province", False))


@login_required
def rating_rate(request, log_id):
    """The applicant rates one closed matter (a log row they may rate); anything else is 404."""
    from django.contrib import messages

    from . import ratings
    from .exceptions import ServiceError
    from .models import RatingScore, TransitionLog

    row = get_object_or_404(TransitionLog.objects.select_related("content_type", "actor"), pk=log_id)
    if hasattr(row, "rating") or not ratings.can_rate(request.user, row):
        raise Http404
    back = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    error = ""
    if request.method == "POST":
        try:
            ratings.rating_create(
                row=row, actor=request.user, score=request.POST.get("score"), comment=request.POST.get("comment", "")
            )
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, "感谢您的评价。")
            return HttpResponseRedirect(back)
    return render(
        request,
        "core/rating_form.html",
        {
            "row": row,
            "step": ratings.step_label(row),
            "choices": RatingScore.choices,
            "next": back,
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )


@login_required
def rating_answers(request):
    """Bad ratings of steps taken by the user's authority, with the answer form."""
    from django.contrib import messages

    from . import ratings
    from .exceptions import ServiceError
    from .models import ServiceRating

    if request.method == "POST":
        rating = get_object_or_404(ratings.bad_ratings_to_answer(request.user), pk=request.POST.get("rating"))
        try:
            ratings.rating_answer(rating=rating, actor=request.user, answer=request.POST.get("answer", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "答复已发送给评价人。")
        return redirect("core:rating_answers")
    pending = list(ratings.bad_ratings_to_answer(request.user)[:100])
    answered = ServiceRating.objects.none()
    return render(request, "core/rating_answers.html", {"pending": pending, "answered": answered})


@login_required
def rating_summary(request):
    """Province staff: ratings per step and per authority."""
    from . import ratings

    if not _province(request.user):
        raise Http404
    per_step, per_authority = ratings.summary()
    return render(request, "core/rating_summary.html", {"per_step": per_step, "per_authority": per_authority})


# ---------------------------------------------------------------- holiday schedule (节假日安排)


def calendar_manage(request):
    """Province staff: which years the calendar knows, each year's entered days, and the Excel import."""
    from django.contrib import messages

    from . import calendar_io
    from .models import CalendarDay, CalendarYear

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not _province(request.user):
        raise Http404
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = 0
        if upload is None:
            errors = [calendar_io.RowError(0, "文件", "请选择要导入的 Excel 文件。")]
        else:
            count, errors = calendar_io.import_year(
                fileobj=upload, year=year, source=request.POST.get("source", ""), actor=request.user
            )
            if not errors:
                messages.success(request, f"已导入 {year} 年的节假日安排（{count} 天），该年度的工作日计算即可使用。")
                return redirect("core:calendar")
    import chinese_calendar

    known_until = max(d.year for d in chinese_calendar.holidays) if hasattr(chinese_calendar, "holidays") else 2026
    entered = list(CalendarYear.objects.order_by("-year"))
    days = CalendarDay.objects.order_by("date")
    year_param = request.GET.get("year")
    if year_param and year_param.isdigit():
        days = days.filter(date__year=int(year_param))
    else:
        days = days.filter(date__year__gte=timezone.localdate().year)
    return render(
        request,
        "core/calendar.html",
        {
            "entered": entered,
            "days": list(days[:400]),
            "known_until": known_until,
            "errors": errors,
            "posted": request.POST,
            "next_year": timezone.localdate().year + 1,
        },
        status=400 if errors else 200,
    )


@login_required
def calendar_template(request):
    from .calendar_io import build_template
    from .excel import XLSX_TYPE

    if not _province(request.user):
        raise Http404
    from django.http import HttpResponse

    response = HttpResponse(build_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E8%8A%82%E5%81%87%E6%97%A5%E5%AE%89%E6%8E%92%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
