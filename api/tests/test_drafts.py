"""An applicant creates and edits a draft through clusters.services; bad input is a 4xx with a Chinese message,
never a 500, and nothing is half-written."""

from decimal import Decimal

import pytest
from django.test import override_settings

from clusters.constants import ApplicationState as S
from clusters.models import Application, YearData
from clusters.tests.factories import ApplicationFactory, ClusterFactory, application_in_state, published_call
from core.transitions import history_for

from .conftest import owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ApplicationFactory()


@pytest.fixture
def owner(draft, issue, api):
    return api(issue(owner_of(draft)))


def _patch(client, application, data, url=""):
    return client.patch(f"/api/applications/{application.pk}/{url}", data, format="json")


def test_applicant_creates_a_draft(issue, api):
    cluster = ClusterFactory()
    call = published_call()
    client = api(issue(owner_of(ApplicationFactory(cluster=ClusterFactory(owner=cluster.owner), call=call))))
    response = client.post("/api/applications/", {"cluster": cluster.pk, "call": call.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == S.DRAFT and body["edit_version"] == 1
    assert [y["year"] for y in body["year_data"]] == call.data_years
    assert response["Location"].endswith(f"/api/applications/{body['id']}/")
    assert history_for(Application.objects.get(pk=body["id"])).get().transition == "create"
    again = client.post("/api/applications/", {"cluster": cluster.pk, "call": call.pk}, format="json")
    assert again.status_code == 400 and "已有申报" in again.json()["detail"]


def test_an_authority_may_see_the_cluster_but_not_apply_for_it(issue, api, kunshan_county):
    cluster = ClusterFactory()
    response = api(issue(kunshan_county)).post(
        "/api/applications/", {"cluster": cluster.pk, "call": published_call().pk}, format="json"
    )
    assert response.status_code == 403


def test_update_with_the_current_version_then_stale_version_is_409(draft, owner):
    response = _patch(owner, draft, {"version": 1, "summary": "集群概况", "cloud_share_pct": "35.5"})
    assert response.status_code == 200, response.content
    assert response.json()["edit_version"] == 2 and response.json()["cloud_share_pct"] == "35.50"
    stale = _patch(owner, draft, {"version": 1, "summary": "旧窗口的内容"})
    assert stale.status_code == 409
    assert "其他窗口" in stale.json()["detail"]
    draft.refresh_from_db()
    assert draft.summary == "集群概况"


def test_year_data_update_and_its_field_errors(draft, owner):
    year = draft.call.data_years[-1]
    response = _patch(
        owner, draft, {"version": 1, "years": [{"year": year, "total_output": "500000", "sme_output": "400000"}]},
        "year-data/",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert YearData.objects.get(application=draft, year=year).total_output == Decimal("500000")
    bad = _patch(
        owner, draft, {"version": 2, "years": [{"year": year, "total_output": "1", "sme_output": "9"}]}, "year-data/"
    )
    assert bad.status_code == 400
    assert f"y{year}_sme_output" in bad.json()["errors"]
    outside = _patch(owner, draft, {"version": 2, "years": [{"year": 1999, "total_output": "1"}]}, "year-data/")
    assert outside.status_code == 400 and "不在本批次" in outside.json()["detail"]
    assert YearData.objects.get(application=draft, year=year).sme_output == Decimal("400000")  # nothing half-written


def test_unknown_and_read_only_fields_are_refused_by_name(draft, owner):
    response = _patch(owner, draft, {"version": 1, "summery": "x", "state": "certified", "summary": "ok"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"summery", "state"}
    assert "summery" in response.json()["detail"]
    nested = _patch(owner, draft, {"version": 1, "years": [{"year": 2022, "revenue": "1"}]}, "year-data/")
    assert nested.status_code == 400 and "years.0.revenue" in nested.json()["errors"]
    transition = owner.post(
        f"/api/applications/{draft.pk}/transitions/", {"transition": "submit", "confirmed": True}, format="json"
    )
    assert transition.status_code == 400 and "confirmed" in transition.json()["errors"]
    draft.refresh_from_db()
    assert draft.summary == "" and draft.edit_version == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"version": "one", "summary": "x"},
        {"version": 1, "cloud_share_pct": "abc"},
        {"version": 1, "cloud_share_pct": "101"},
        {"version": 1, "energy_intensive": "maybe"},
        {"version": 1, "contact_email": "not-an-email"},
        {"version": 1, "summary": ["a list"]},
        {"version": 1, "summary": "nul\x00byte"},
        {"version": 10**30, "summary": "x"},
        {"version": 1, "management_body_credit_code": "123"},
        {"summary": "no version"},
        {"version": 1},
        [],
        "a string",
    ],
)
def test_wrong_types_are_400_with_field_errors(draft, owner, payload):
    response = _patch(owner, draft, payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and isinstance(body["errors"], dict) and body["errors"]
    draft.refresh_from_db()
    assert draft.edit_version == 1


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"version": 1, "summary": ', "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b'{"version": NaN}', "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"version=1&summary=x", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_are_4xx_in_chinese(draft, owner, body, content_type):
    response = owner.generic("PATCH", f"/api/applications/{draft.pk}/", body, content_type=content_type)
    assert response.status_code in (400, 415), response.content
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_huge_payload_is_413(draft, owner):
    response = _patch(owner, draft, {"version": 1, "summary": "集" * 2000})
    assert response.status_code == 413
    assert "过大" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.summary == ""


def test_editing_a_submitted_application_is_409_for_its_owner_and_403_for_others(issue, api, kunshan_county):
    app = application_in_state(S.COUNTY_REVIEW)
    owner = api(issue(owner_of(app)))
    assert _patch(owner, app, {"version": app.edit_version, "summary": "x"}).status_code == 409
    county = api(issue(kunshan_county))
    assert _patch(county, app, {"version": app.edit_version, "summary": "x"}).status_code == 403


def test_session_authentication_needs_the_csrf_token(draft):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner_of(draft))
    assert client.get(f"/api/applications/{draft.pk}/").status_code == 200
    refused = client.patch(f"/api/applications/{draft.pk}/", {"version": 1, "summary": "x"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_unknown_api_address_is_a_json_404(api):
    response = api().get("/api/nothing/here/")
    assert response.status_code == 404 and response.json()["detail"]
    assert api().get("/api/applications/99999999999999999999999/").status_code in (401, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/applications/?lead_industry=%00",
        "/api/applications/?q=a%00b",
        "/api/applications/?year=99999999999999999999",
        "/api/applications/?call=-1",
        "/api/applications/?page=99999999999999999999999",
        "/api/applications/?page_size=-5",
        "/api/applications/?ordering=password",
        "/api/applications/?updated_since=9999-12-31T23:59:59-14:00",
        "/api/applications/999999999999999999/",
        "/api/applications/9223372036854775808/",
        "/api/clusters/?county=%00%00%00%00%00%00",
        "/api/certifications/?year=1e9",
        "/api/certifications/?q=%00",
        "/api/certifications/JS%00/",
        "/api/notices/?year=-99999999999",
        "/api/divisions/000000/",
        "/api/calls/99999999999999999999/",
    ],
)
def test_odd_queries_are_never_a_server_error(issue, api, province, url):
    response = api(issue(province)).get(url)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["detail"]
