"""Nothing lost when the broker is down; bad requests answered 400 in the portal's own words; the audit chain's
head checkpoint; audit retention; dates out of any sensible range."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Division
from accounts.tests.factories import UserFactory
from core import services, workdays
from core.models import AuditEvent, EmailStatus, Notification, OutboundEmail, TransitionLog
from core.transitions import log_transition

pytestmark = pytest.mark.django_db


def test_broker_down_delays_mail_and_never_loses_it(monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from core import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    # The broker refuses every task: what enqueue() sees when Redis is down.
    monkeypatch.setattr(tasks.deliver_emails, "delay", broker_down)
    user = UserFactory(email="county@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], title="待审核", body="请审核", url="/review/")
    # The transaction committed: the notification and its e-mail are in the database, undelivered.
    assert Notification.objects.filter(recipient=user).count() == 1
    mail = OutboundEmail.objects.get(to="county@example.cn")
    assert mail.status == EmailStatus.PENDING and not mailoutbox
    # The periodic job (beat) delivers it once the broker is back, exactly once.
    assert tasks.deliver_pending_emails() == 1
    assert tasks.deliver_pending_emails() == 0
    mail.refresh_from_db()
    assert mail.status == EmailStatus.SENT and len(mailoutbox) == 1
    assert mailoutbox[0].body.endswith("/review/")


def test_a_failing_mail_server_keeps_the_mail_pending(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    mail = OutboundEmail.objects.create(to="a@example.cn", subject="s", body="b")
    assert services.emails_deliver() == 0
    mail.refresh_from_db()
    assert mail.status == EmailStatus.PENDING and mail.attempts == 1 and mail.last_error


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=gbk", "text/plain; charset=gbk"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/large-text/", "/notifications/read-all/"])
def test_a_post_in_gbk_is_a_clear_400_not_a_500(client, path, content_type):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = strict.generic("POST", path, data="username=%C4%E3".encode("gbk"), content_type=content_type)
    assert response.status_code in (400, 403, 302), response.status_code
    if response.status_code == 400:
        assert "请求无法处理" in response.content.decode()


def test_an_oversize_body_gets_the_portals_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 400 and "请求无法处理" in response.content.decode()


def test_dates_beyond_any_schedule_are_refused_in_words():
    with pytest.raises(workdays.UnknownScheduleYear, match="超出"):
        workdays.nth_working_day(dt.date(9999, 12, 31), 5)
    with pytest.raises(workdays.UnknownScheduleYear):
        workdays.working_days_between(dt.date(2026, 1, 1), dt.date(9999, 12, 31))
    with pytest.raises(workdays.UnknownScheduleYear):
        workdays.is_working_day(dt.date(1, 1, 1))


def _rows(n):
    obj = Division.objects.get(code="320583")
    return [log_transition(obj=obj, transition=f"t{i}", from_state="a", to_state="b") for i in range(n)]


def test_deleting_the_newest_log_rows_is_detected_by_the_checkpoint():
    rows = _rows(4)
    services.transition_log_checkpoint()
    call_command("verify_transition_log")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_transitionlog WHERE id >= %s", [rows[2].pk])
    with pytest.raises(CommandError, match="检查点"):
        call_command("verify_transition_log")


def test_the_chain_covers_every_shown_field():
    rows = _rows(3)
    for column, value in (("actor_name", "某人"), ("object_repr", "别的对象"), ("client_ip", "10.0.0.1")):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE core_transitionlog SET {column} = %s WHERE id = %s", [value, rows[1].pk])
        with pytest.raises(CommandError, match=f"id={rows[1].pk}"):
            call_command("verify_transition_log")
        with connection.cursor() as cursor:
            original = getattr(rows[1], column)
            cursor.execute(f"UPDATE core_transitionlog SET {column} = %s WHERE id = %s", [original, rows[1].pk])
    call_command("verify_transition_log")


def test_log_rows_record_the_client_address(client, settings):
    settings.NUM_PROXIES = 1
    from accounts.tests.factories import PROVINCE  # noqa: F401 - divisions are loaded by migrations

    user = UserFactory()
    client.force_login(user)
    # Any request through the middleware: the context carries the address into services.
    from core.request_context import RequestContextMiddleware

    seen = {}

    def view(request):
        seen["row"] = log_transition(obj=user, transition="x", from_state="a", to_state="b", actor=user)
        from django.http import HttpResponse

        return HttpResponse("ok")

    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    RequestContextMiddleware(view)(request)
    assert seen["row"].client_ip == "203.0.113.5"
    assert TransitionLog.objects.get(pk=seen["row"].pk).hash_version == 2


def test_audit_records_are_kept_for_the_retention_period_only(settings):
    settings.AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    AuditEvent.objects.create(created_at=now - dt.timedelta(days=201), event="login")
    AuditEvent.objects.create(created_at=now - dt.timedelta(days=199), event="login")
    assert services.audit_purge_expired(now) == 1
    assert services.audit_purge_expired(now) == 0
    assert AuditEvent.objects.count() == 1


def test_a_bad_request_page_uses_the_portal_layout(client):
    response = client.get(reverse("core:home"), HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_temporary_upload_files_left_by_killed_requests_are_removed(settings, tmp_path):
    import os
    import time

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    old, fresh = tmp_path / "tmpabc.upload", tmp_path / "tmpdef.upload"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert services.upload_temp_cleanup() == 1
    assert not old.exists() and fresh.exists()
