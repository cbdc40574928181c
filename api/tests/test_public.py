"""Public endpoints (notices, certifications, calls, divisions): no token, and no personal data."""

import pytest
import time_machine

from accounts.tests.factories import KUNSHAN, SUZHOU
from clusters.tests.factories import published_call
from reviews import services as review_services
from reviews.tests.factories import at, proposed
from reviews.tests.views.helpers import FILER, close_and_publish, file_objection, make_notice

pytestmark = pytest.mark.django_db

# What must never appear on a public endpoint: the objection filer, the applicants' contacts (fill_passing), the
# users' phones (UserFactory).
PERSONAL = [FILER["name"], FILER["phone"], FILER["email"], "张三", "13812345678", "zhangsan@", "13812341234", "138****"]


def _public_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    text = response.content.decode()
    for value in PERSONAL:
        assert value not in text, (url, value)
    return response.json()


@pytest.fixture
def published(province):
    notice, apps = make_notice(province)
    file_objection(notice, apps[0])
    publication = close_and_publish(notice, province)
    return notice, apps, publication


def test_notices_and_registry_need_no_token_and_show_nothing_personal(api, published):
    notice, apps, publication = published
    client = api()
    with time_machine.travel(at(2026, 10, 13)):
        listing = _public_text(client, "/api/notices/")
        detail = _public_text(client, f"/api/notices/{notice.pk}/")
        registry = _public_text(client, "/api/certifications/")
        number = registry["results"][0]["number"]
        cert = _public_text(client, f"/api/certifications/{number}/")
    assert [n["id"] for n in listing["results"]] == [notice.pk]
    assert listing["results"][0]["phase"] == "concluded"
    assert listing["results"][0]["publication"]["doc_number"] == publication.doc_number
    assert {c["cluster"]["name"] for c in detail["clusters"]} == {a.cluster.name for a in apps}
    assert detail["contact_department"] == "中小企业处"  # the office taking objections, as on the notice
    assert registry["count"] == 2
    assert cert["public_status"] == "valid" and cert["city"]["code"] == SUZHOU
    assert set(cert) == {
        "number", "certificate_number", "cluster", "county", "city", "lead_industry", "year", "source",
        "valid_from", "valid_to", "doc_number", "public_status", "public_status_label",
    }  # fmt: skip


def test_registry_filters_as_the_registry_page(api, published):
    client = api()
    assert client.get("/api/certifications/", {"city": SUZHOU}).json()["count"] == 2
    assert client.get("/api/certifications/", {"county": KUNSHAN, "year": 2026}).json()["count"] == 2
    assert client.get("/api/certifications/", {"city": "320200"}).json()["count"] == 0
    assert client.get("/api/certifications/", {"status": "revoked"}).json()["count"] == 0
    assert client.get("/api/certifications/", {"q": "公示集群0"}).json()["count"] == 1
    bad = client.get("/api/certifications/", {"status": "nope", "city": "32"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status", "city"}
    assert client.get("/api/certifications/NOPE-1/").status_code == 404


def test_a_draft_notice_is_not_public(api, province):
    call, _apps = proposed(province, 1)
    with time_machine.travel(at(2026, 9, 20)):
        draft = review_services.notice_create(
            call=call,
            actor=province,
            start_date=at(2026, 9, 24).date(),
            contact_department="中小企业处",
            contact_phone="025-1",
        )
    client = api()
    assert client.get("/api/notices/").json()["count"] == 0
    assert client.get(f"/api/notices/{draft.pk}/").status_code == 404


def test_calls_and_divisions_are_public(api):
    call = published_call()
    draft = published_call(year=2031, publish=False)
    client = api()
    calls = _public_text(client, "/api/calls/")
    assert [c["year"] for c in calls["results"]] == [call.year]
    assert client.get(f"/api/calls/{draft.pk}/").status_code == 404
    detail = client.get(f"/api/calls/{call.pk}/").json()
    assert detail["data_years"] == call.data_years and detail["thresholds"]["min_total_output"] == "400000"
    cities = client.get("/api/divisions/", {"level": "city"}).json()
    assert cities["count"] == 13
    counties = client.get("/api/divisions/", {"parent": SUZHOU, "page_size": 500}).json()
    assert KUNSHAN in {d["code"] for d in counties["results"]}
    assert client.get(f"/api/divisions/{KUNSHAN}/").json()["full_name"] == "苏州市昆山市"
