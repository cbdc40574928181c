"""The 等保 baseline of accounts: lockouts per real client, password rules, sessions, audit, invitations."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from accounts.tests.factories import OrganisationFactory, UserFactory
from core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-2026"
LOGIN = "/accounts/login/"


def _login(client, username, password, client_ip):
    # Behind one trusted proxy: REMOTE_ADDR is the proxy, the client is in X-Forwarded-For.
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR=client_ip,
    )


def test_wrong_passwords_from_one_client_do_not_lock_the_user_out_elsewhere(client, settings):
    settings.NUM_PROXIES = 1
    user = UserFactory(province=True)
    for _ in range(6):
        _login(client, user.username, "wrong", "203.0.113.7")
    locked = _login(client, user.username, PASSWORD, "203.0.113.7")
    assert locked.status_code in (403, 429) or "锁定" in locked.content.decode()
    client.logout()
    ok = _login(client, user.username, PASSWORD, "198.51.100.20")
    assert ok.status_code == 302 and ok["Location"] == reverse("core:home")


def test_a_forged_forwarded_header_cannot_choose_the_lockout_key(client, settings):
    settings.NUM_PROXIES = 1
    user = UserFactory(province=True)
    for i in range(6):
        # The client prepends addresses of its own choosing; only the last entry is the proxy's word.
        _login(client, user.username, "wrong", f"1.1.1.{i}, 203.0.113.7")
    assert "锁定" in _login(client, user.username, PASSWORD, "1.1.1.99, 203.0.113.7").content.decode()


@pytest.mark.parametrize(
    "password",
    ["zxcvbnmasdfg", "shrt1A!", "alllowercase123", "ALLUPPER123456", "12345678901"],
)
def test_weak_passwords_are_refused(password):
    user = UserFactory(username="wangfang")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_password_must_not_contain_the_username_nor_repeat_the_last_five():
    user = UserFactory(username="lihua01")
    with pytest.raises(ValidationError, match="用户名"):
        validate_password("Lihua01-abc!", user)
    validate_password("Jiangsu@2026x", user)
    history = [f"Kunshan#{i}Park" for i in range(5)]
    for pw in history:
        user.set_password(pw)
        user.save()
    for pw in history:
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(pw, user)
    validate_password(PASSWORD + "Z", user)


def test_a_password_set_by_an_administrator_must_be_changed_at_first_login(client):
    user = UserFactory(province=True)
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Suzhou#2026Gov", "new_password2": "Suzhou#2026Gov"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(event="password_changed", object_id=str(user.pk)).exists()


def test_admin_setting_a_password_forces_a_change(client):
    admin = UserFactory(province=True, is_staff=True, is_superuser=True)
    target = UserFactory()
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "Admin#Set2026", "password2": "Admin#Set2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Admin#Set2026")


def test_staff_sessions_end_after_the_idle_time_and_applicants_at_the_maximum(client, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 30
    settings.SESSION_MAX_HOURS = 12
    county = UserFactory(county=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _login(client, county.username, PASSWORD, "").status_code == 302
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("core:home")).status_code == 200  # 29 minutes after the last request
    with time_machine.travel(start + timedelta(minutes=90), tick=False):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(event="session_expired", user=county).exists()

    applicant = UserFactory()
    client.logout()
    with time_machine.travel(start, tick=False):
        _login(client, applicant.username, PASSWORD, "")
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert client.get(reverse("core:home")).status_code == 302


def test_session_cookie_ends_with_the_browser(client, settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    user = UserFactory()
    _login(client, user.username, PASSWORD, "")
    assert client.cookies["sessionid"]["expires"] == ""


def test_session_status_reports_the_time_left_without_counting_as_activity(client, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 30
    county = UserFactory(county=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, county.username, PASSWORD, "")
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get(reverse("accounts:session_status")).json()["remaining"] == 600
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("accounts:session_status")).json()["remaining"] == 60
        assert client.post(reverse("accounts:session_keepalive")).json()["remaining"] == 1800


def test_logins_and_failures_are_audited_with_the_client_address(client, settings):
    settings.NUM_PROXIES = 1
    user = UserFactory()
    _login(client, user.username, "wrong", "203.0.113.9")
    _login(client, user.username, PASSWORD, "203.0.113.9")
    failed = AuditEvent.objects.get(event="login_failed")
    assert failed.username == user.username and failed.client_ip == "203.0.113.9" and failed.outcome == "failure"
    ok = AuditEvent.objects.get(event="login")
    assert ok.user == user and ok.client_ip == "203.0.113.9"


def test_permission_changes_are_audited_and_audit_records_are_append_only():
    user = UserFactory()
    user.is_active = False
    user.save()
    event = AuditEvent.objects.get(event="permission_changed", object_id=str(user.pk))
    assert "is_active" in event.detail
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")


def test_admin_cannot_delete_audit_or_lockout_records(client):
    admin = UserFactory(province=True, is_staff=True, is_superuser=True)
    client.force_login(admin)
    for name in ("core_auditevent", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"):
        listing = client.get(reverse(f"admin:{name}_changelist"))
        assert listing.status_code == 200
        assert "delete_selected" not in listing.content.decode()
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_invitation_link_sets_the_password_once(client, mailoutbox, django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user, url = services.user_invite(organisation=org, email="jq@example.cn", full_name="王经办")
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1 and url in mailoutbox[0].body
    path = url.split("://", 1)[-1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and user.username in page.content.decode()
    weak = client.post("/" + path, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 400
    done = client.post("/" + path, {"new_password1": "Kunshan#2027a", "new_password2": "Kunshan#2027a"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kunshan#2027a")
    assert client.get("/" + path).status_code == 404  # used once


def test_an_expired_invitation_is_refused(client):
    user, url = services.user_invite(organisation=OrganisationFactory(), email="x@example.cn")
    Invitation.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/" + url.split("://", 1)[-1].split("/", 1)[1]).status_code == 404
