"""Tokens: issued by province staff for an account of an organisation, stored as a hash and shown once; revoked or
expired tokens are refused with 401; every use, issue and revocation is audited."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import OrganisationFactory, UserFactory
from api import services
from api.models import ApiToken
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_issue_stores_only_the_hash_and_audits(province, suzhou_city):
    token, raw = services.token_issue(actor=province, user=suzhou_city, name="苏州市工信局数据对接")
    assert raw.startswith("jscl_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {getattr(token, f.attname) for f in ApiToken._meta.concrete_fields}
    assert token.organisation_id == suzhou_city.organisation_id
    event = AuditEvent.objects.get(event="api_token_issued")
    assert event.user == province and event.object_id == str(token.pk)
    assert suzhou_city.username in event.detail


def test_only_province_staff_issue_and_revoke(province, suzhou_city, kunshan_county):
    with pytest.raises(NotAllowed):
        services.token_issue(actor=suzhou_city, user=kunshan_county, name="x")
    token, _raw = services.token_issue(actor=province, user=kunshan_county, name="昆山")
    with pytest.raises(NotAllowed):
        services.token_revoke(actor=suzhou_city, token=token)


def test_issue_refuses_an_account_without_organisation_or_a_past_expiry(province):
    loner = UserFactory(organisation=None, role="")
    with pytest.raises(ServiceError) as exc:
        services.token_issue(actor=province, user=loner, name="x", expires_at=timezone.now() - timedelta(days=1))
    assert set(exc.value.errors) == {"user", "expires_at"}


def test_a_valid_token_authenticates_and_each_use_is_one_audit_row(issue, api, suzhou_city):
    raw = issue(suzhou_city)
    client = api(raw)
    assert client.get("/api/clusters/").status_code == 200
    assert client.get("/api/clusters/").status_code == 200
    uses = AuditEvent.objects.filter(event="api_token_used", outcome="success")
    assert uses.count() == 2
    assert {e.user_id for e in uses} == {suzhou_city.pk}
    assert "GET /api/clusters/" in uses.first().detail
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


def test_no_credentials_is_401_in_chinese(api):
    response = api().get("/api/applications/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.json()["detail"] and response.json()["errors"] == {}


@pytest.mark.parametrize("header", ["Bearer jscl_notatoken", "Bearer", "Bearer a b", "Token jscl_x", "Bearer 令牌"])
def test_unknown_or_malformed_token_is_401(api, header):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    response = client.get("/api/clusters/")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_revoked_token_is_refused_and_the_refusal_audited(issue, api, province, suzhou_city):
    raw = issue(suzhou_city)
    assert api(raw).get("/api/clusters/").status_code == 200
    token = ApiToken.objects.get()
    services.token_revoke(actor=province, token=token)
    response = api(raw).get("/api/clusters/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("令牌已撤销")
    assert AuditEvent.objects.filter(event="api_token_revoked", user=province).count() == 1
    refused = AuditEvent.objects.get(event="api_token_used", outcome="failure")
    assert "已撤销" in refused.detail
    with pytest.raises(Conflict):
        services.token_revoke(actor=province, token=token)


def test_expired_token_is_refused(issue, api, suzhou_city):
    raw = issue(suzhou_city, expires_at=timezone.now() + timedelta(days=30))
    assert api(raw).get("/api/clusters/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = api(raw).get("/api/clusters/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("令牌已过期")


def test_token_stops_when_its_account_leaves_the_organisation(issue, api, suzhou_city):
    raw = issue(suzhou_city)
    suzhou_city.organisation = OrganisationFactory(city=True)
    suzhou_city.save()
    assert api(raw).get("/api/clusters/").status_code == 401
    suzhou_city.is_active = False
    suzhou_city.save()
    assert api(raw).get("/api/clusters/").status_code == 401


def test_public_endpoints_ignore_tokens_and_need_none(api):
    assert api().get("/api/notices/").status_code == 200
    assert api("jscl_revoked_or_not").get("/api/certifications/").status_code == 200
    assert not AuditEvent.objects.filter(event="api_token_used").exists()


# ---------------------------------------------------------------- the page


def test_page_issues_a_token_shown_once_then_revokes_it(client, province, suzhou_city, api):
    client.force_login(province)
    url = reverse("api:token_list")
    response = client.post(url, {"user": suzhou_city.pk, "name": "苏州市对接", "expires_at": ""})
    assert response.status_code == 200
    raw = response.context["issued"]["raw"]
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    listing = client.get(url).content.decode()
    assert raw not in listing and raw[:12] in listing
    assert api(raw).get("/api/clusters/").status_code == 200

    token = ApiToken.objects.get()
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api(raw).get("/api/clusters/").status_code == 401


def test_page_refuses_a_past_expiry_with_400(client, province, suzhou_city):
    client.force_login(province)
    response = client.post(
        reverse("api:token_list"), {"user": suzhou_city.pk, "name": "x", "expires_at": "2020-01-01T00:00"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_page_is_404_for_everyone_but_the_province(client, suzhou_city, issue):
    issue(suzhou_city)
    client.force_login(suzhou_city)
    assert client.get(reverse("api:token_list")).status_code == 404
    token = ApiToken.objects.get()
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_admin_shows_tokens_read_only(client, suzhou_city, issue):
    issue(suzhou_city)
    admin = UserFactory(is_staff=True, is_superuser=True, organisation=None, role="")
    client.force_login(admin)
    token = ApiToken.objects.get()
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert token.token_hash in page.content.decode()
    assert 'name="token_hash"' not in page.content.decode()
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    response = client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin
