"""Lists: pagination, the web lists' filters, updated_since for syncing, ETag/304 on details, and query counts
that do not grow with the page."""

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import JIANGYIN, SUZHOU, WUXI
from clusters.constants import ApplicationState as S
from clusters.models import Certification, IndustryTag
from clusters.tests.factories import ApplicationFactory, ClusterFactory, application_in_state, published_call
from reviews.models import Notice

from .conftest import owner_of

pytestmark = pytest.mark.django_db


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def test_filters_as_the_web_lists(issue, api, province, jiangyin_cluster):
    kunshan = application_in_state(S.COUNTY_REVIEW)
    jiangyin = application_in_state(S.CITY_REVIEW, cluster=jiangyin_cluster, call=kunshan.call)
    client = api(issue(province))

    def ids(**params):
        response = client.get("/api/applications/", params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {kunshan.pk, jiangyin.pk}
    assert ids(state=S.CITY_REVIEW) == {jiangyin.pk}
    assert ids(city=SUZHOU) == {kunshan.pk}
    assert ids(county=JIANGYIN) == {jiangyin.pk}
    assert ids(city=WUXI, state=S.COUNTY_REVIEW) == set()
    assert ids(year=kunshan.call.year, call=kunshan.call_id) == {kunshan.pk, jiangyin.pk}
    assert ids(year=1999) == set()
    assert ids(lead_industry="装备") == {kunshan.pk, jiangyin.pk}
    assert ids(q="江阴") == {jiangyin.pk}
    bad = client.get("/api/applications/", {"state": "flying", "city": "abc", "updated_since": "yesterday"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"state", "city", "updated_since"}


def test_updated_since_returns_what_changed_since_the_last_sync(issue, api, province):
    first = application_in_state(S.COUNTY_REVIEW)
    second = application_in_state(S.COUNTY_REVIEW, call=first.call, cluster=ClusterFactory(name="后改的集群"))
    client = api(issue(province))
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        from accounts.constants import Role
        from clusters.tests.factories import authority_user

        county = api(issue(authority_user(Role.COUNTY, second.cluster.division)))
        passed = county.post(
            f"/api/applications/{second.pk}/transitions/",
            {"transition": "county_pass", "agree_all": True},
            format="json",
        )
        assert passed.status_code == 200, passed.content
    since = (later - timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
    response = client.get("/api/applications/", {"updated_since": since, "ordering": "updated_at"})
    assert [r["id"] for r in response.json()["results"]] == [second.pk]
    naive = timezone.localtime(later - timedelta(minutes=1)).replace(tzinfo=None).isoformat()  # Beijing time
    assert client.get("/api/applications/", {"updated_since": naive}).json()["count"] == 1
    assert client.get("/api/clusters/", {"updated_since": since}).json()["count"] == 0
    assert client.get("/api/applications/", {"updated_since": "0001-01-01T00:00:00+14:00"}).status_code == 400
    # An offset Python accepts and PostgreSQL does not (beyond ±15:59): compared in UTC, no error.
    assert client.get("/api/applications/", {"updated_since": "2030-06-22T02:01:21-17:59"}).json()["count"] == 0


def test_pagination_defaults_and_bounds(issue, api):
    first = ApplicationFactory()
    owner = first.cluster.owner
    for i in range(2):
        ApplicationFactory(cluster=ClusterFactory(owner=owner, name=f"分页集群{i}"), call=first.call)
    client = api(issue(owner_of(first)))
    page = client.get("/api/applications/", {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and "page=2" in page["next"]
    assert len(client.get(page["next"]).json()["results"]) == 1
    beyond = client.get("/api/applications/", {"page": 9})
    assert beyond.status_code == 404 and "页码" in beyond.json()["detail"]
    from api.pagination import PortalPagination

    assert (PortalPagination.page_size, PortalPagination.max_page_size) == (50, 500)


def test_etag_and_if_none_match_on_details(issue, api):
    draft = ApplicationFactory()
    client = api(issue(owner_of(draft)))
    url = f"/api/applications/{draft.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"]
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other", ' + etag).status_code == 304
    client.patch(url, {"version": 1, "summary": "改了"}, format="json")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    eligibility = client.get(f"{url}eligibility/")
    assert client.get(f"{url}eligibility/", HTTP_IF_NONE_MATCH=eligibility["ETag"]).status_code == 304
    public = api().get(f"/api/calls/{draft.call_id}/")
    assert api().get(f"/api/calls/{draft.call_id}/", HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 304


def test_eligibility_is_the_engines_output(issue, api):
    app = application_in_state(S.DRAFT)
    body = api(issue(owner_of(app))).get(f"/api/applications/{app.pk}/eligibility/").json()
    assert body["failed_hard"] == [] and body["summary"]["fail"] == 0
    codes = [r["code"] for r in body["results"]]
    assert codes[:3] == ["1", "2a", "2b"] and "art7" in codes
    assert body["results"][1]["outcome_label"] == "通过" and body["results"][1]["numbers"]


# ---------------------------------------------------------------- query counts at two data sizes


def _applicant_world(n):
    first = ApplicationFactory()
    owner = first.cluster.owner
    tag = IndustryTag.objects.first()
    for i in range(n - 1):
        cluster = ClusterFactory(owner=owner, name=f"规模集群{i}")
        if tag:
            cluster.tags.add(tag)
        ApplicationFactory(cluster=cluster, call=first.call)
    return first


@pytest.mark.parametrize("url", ["/api/applications/", "/api/clusters/"])
def test_list_query_counts_do_not_grow_with_rows(issue, api, django_assert_max_num_queries, url):
    first = _applicant_world(1)
    client = api(issue(owner_of(first)))
    client.get(url)  # the token's first use also stamps last_used_at
    small, body = _count(client, url)
    assert body["count"] == 1
    owner = first.cluster.owner
    for i in range(6):
        cluster = ClusterFactory(owner=owner, name=f"更多集群{i}")
        ApplicationFactory(cluster=cluster, call=first.call)
    with django_assert_max_num_queries(small):
        body = client.get(url).json()
    assert body["count"] == 7 and len(body["results"]) == 7


def test_authority_list_query_counts_do_not_grow(issue, api, province, django_assert_max_num_queries):
    first = application_in_state(S.COUNTY_REVIEW)
    client = api(issue(province))
    client.get("/api/applications/")
    small, _body = _count(client, "/api/applications/")
    for i in range(2):
        application_in_state(S.COUNTY_REVIEW, call=first.call, cluster=ClusterFactory(name=f"又一集群{i}"))
    with django_assert_max_num_queries(small):
        assert client.get("/api/applications/").json()["count"] == 3


def _certify(cluster, n):
    today = timezone.localdate()
    return Certification.objects.create(
        number=f"JS-TEST-{n:04d}", cluster=cluster, year=2026, valid_from=today, valid_to=today + timedelta(days=1000),
        doc_number="苏工信中小〔2026〕1号",
    )  # fmt: skip


def _notice(call, province, n):
    today = timezone.localdate()
    return Notice.objects.create(
        call=call, title=f"公示{n}", start_date=today, end_date=today + timedelta(days=7), status="published",
        contact_department="中小企业处", contact_phone="025-1", created_by=province,
    )  # fmt: skip


def test_public_list_query_counts_do_not_grow(api, province, django_assert_max_num_queries):
    call = published_call()
    client = api()
    _certify(ClusterFactory(), 0)
    _notice(call, province, 0)
    counts = {url: _count(client, url)[0] for url in ("/api/certifications/", "/api/notices/", "/api/calls/")}
    for n in range(1, 6):
        _certify(ClusterFactory(), n)
        _notice(call, province, n)
    published_call(year=2027)
    for url, small in counts.items():
        with django_assert_max_num_queries(small):
            assert client.get(url).status_code == 200
    assert client.get("/api/certifications/").json()["count"] == 6
    assert client.get("/api/notices/").json()["count"] == 6
