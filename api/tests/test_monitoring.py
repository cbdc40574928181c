"""Monitoring resources (annual reports, re-reviews, revocation cases, certification records): read-only, scoped
per role exactly as the monitoring pages (404 out of scope), the web lists' filters, and query counts that do not
grow with the rows."""

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, KUNSHAN, SUZHOU, WUXI, OrganisationFactory, UserFactory, division
from clusters.models import CertificationStatus
from clusters.tests.factories import ClusterFactory, applicant_user, authority_user
from monitoring.constants import ReportState, ReReviewState, RevocationGround, RevocationStatus
from monitoring.tests.factories import TODAY, CertificationFactory, cluster_in, owner_of, report_in_state
from monitoring.tests.lifecycle_factories import expiring_certification, rereview_in_state, revocation_in_state

pytestmark = pytest.mark.django_db

LISTS = ["/api/annual-reports/", "/api/re-reviews/", "/api/revocations/", "/api/certification-records/"]


@pytest.fixture(autouse=True)
def _reference_date():
    """The monitoring factories' reference date (10 March 2026): the 2025 reports are due, the 2023 certifications
    are inside their re-review window."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def expert():
    return UserFactory(expert=True)


@pytest.fixture
def world():
    """In 昆山 (苏州): a submitted report and a draft never submitted; in 江阴 (无锡): a verified report. Each
    cluster's certification; a re-review at county review in 昆山 and a draft in 江阴; a case on each side."""
    kunshan_cert = CertificationFactory(cluster=cluster_in(KUNSHAN, name="昆山市高端装备集群"))
    jiangyin_cert = CertificationFactory(cluster=cluster_in(JIANGYIN, name="江阴市金属制品集群"))
    draft_cert = CertificationFactory(cluster=cluster_in(KUNSHAN, name="昆山市草稿集群"))
    kunshan_rr = rereview_in_state(ReReviewState.COUNTY_REVIEW, certification=expiring_certification())
    jiangyin_rr = rereview_in_state(
        ReReviewState.DRAFT, certification=expiring_certification(cluster=cluster_in(JIANGYIN))
    )
    return {
        "kunshan": report_in_state(ReportState.SUBMITTED, certification=kunshan_cert),
        "draft": report_in_state(ReportState.DRAFT, certification=draft_cert),
        "jiangyin": report_in_state(ReportState.VERIFIED, certification=jiangyin_cert),
        "kunshan_cert": kunshan_cert,
        "jiangyin_cert": jiangyin_cert,
        "draft_cert": draft_cert,
        "kunshan_rr": kunshan_rr,
        "jiangyin_rr": jiangyin_rr,
        "kunshan_case": revocation_in_state(certification=kunshan_cert),
        "jiangyin_case": revocation_in_state(RevocationStatus.DISMISSED, certification=jiangyin_cert),
    }


def _ids(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _visible(client, world, url, keys):
    """The ids the list gives, and the detail answer of each of `keys` (200 or 404)."""
    listed = _ids(client, url)
    details = {k: client.get(f"{url}{world[k].pk}/").status_code for k in keys}
    return listed, details


# ---------------------------------------------------------------- scope per role


def test_annual_reports_scope_per_role(issue, api, province, expert, world):
    url, keys = "/api/annual-reports/", ["kunshan", "draft", "jiangyin"]
    w = world
    ks, dr, jy = w["kunshan"].pk, w["draft"].pk, w["jiangyin"].pk
    cases = [
        # the applicant: its own reports, drafts included
        (owner_of(w["kunshan"]), {ks}, {"kunshan": 200, "draft": 404, "jiangyin": 404}),
        (owner_of(w["draft"]), {dr}, {"kunshan": 404, "draft": 200, "jiangyin": 404}),
        # county and city: their jurisdiction, once submitted
        (authority_user(Role.COUNTY, w["kunshan"].cluster.division), {ks}, {"kunshan": 200, "draft": 404, "jiangyin": 404}),
        (authority_user(Role.CITY, w["kunshan"].cluster.division), {ks}, {"kunshan": 200, "draft": 404, "jiangyin": 404}),
        (authority_user(Role.CITY, w["jiangyin"].cluster.division), {jy}, {"kunshan": 404, "draft": 404, "jiangyin": 200}),
        # the province: every submitted report; an expert: none
        (province, {ks, jy}, {"kunshan": 200, "draft": 404, "jiangyin": 200}),
        (expert, set(), {"kunshan": 404, "draft": 404, "jiangyin": 404}),
    ]  # fmt: skip
    for user, listed, details in cases:
        assert _visible(api(issue(user)), w, url, keys) == (listed, details), user.role


def test_re_reviews_scope_per_role(issue, api, province, expert, world):
    url, keys = "/api/re-reviews/", ["kunshan_rr", "jiangyin_rr"]
    ks, jy = world["kunshan_rr"], world["jiangyin_rr"]
    cases = [
        (owner_of(ks), {ks.pk}, {"kunshan_rr": 200, "jiangyin_rr": 404}),
        (owner_of(jy), {jy.pk}, {"kunshan_rr": 404, "jiangyin_rr": 200}),  # its own draft
        (authority_user(Role.COUNTY, ks.cluster.division), {ks.pk}, {"kunshan_rr": 200, "jiangyin_rr": 404}),
        (authority_user(Role.CITY, ks.cluster.division), {ks.pk}, {"kunshan_rr": 200, "jiangyin_rr": 404}),
        (authority_user(Role.CITY, jy.cluster.division), set(), {"kunshan_rr": 404, "jiangyin_rr": 404}),
        (province, {ks.pk}, {"kunshan_rr": 200, "jiangyin_rr": 404}),  # a draft is the cluster's alone
        (expert, set(), {"kunshan_rr": 404, "jiangyin_rr": 404}),
    ]
    for user, listed, details in cases:
        assert _visible(api(issue(user)), world, url, keys) == (listed, details), user.role


def test_revocations_scope_per_role(issue, api, province, expert, world, other_applicant):
    url, keys = "/api/revocations/", ["kunshan_case", "jiangyin_case"]
    ks, jy = world["kunshan_case"], world["jiangyin_case"]
    division = ks.certification.cluster.division
    cases = [
        (owner_of(ks.certification), {ks.pk}, {"kunshan_case": 200, "jiangyin_case": 404}),
        (other_applicant, set(), {"kunshan_case": 404, "jiangyin_case": 404}),
        (authority_user(Role.COUNTY, division), {ks.pk}, {"kunshan_case": 200, "jiangyin_case": 404}),
        (authority_user(Role.CITY, jy.certification.cluster.division), {jy.pk}, {"kunshan_case": 404, "jiangyin_case": 200}),
        (province, {ks.pk, jy.pk}, {"kunshan_case": 200, "jiangyin_case": 200}),
        (expert, set(), {"kunshan_case": 404, "jiangyin_case": 404}),
    ]  # fmt: skip
    for user, listed, details in cases:
        assert _visible(api(issue(user)), world, url, keys) == (listed, details), user.role


def test_certification_records_scope_per_role(issue, api, province, expert, world):
    url = "/api/certification-records/"
    keys = ["kunshan_cert", "jiangyin_cert", "draft_cert"]
    w = world
    rr_certs = {w["kunshan_rr"].certification_id, w["jiangyin_rr"].certification_id}
    kunshan = {w["kunshan_cert"].pk, w["draft_cert"].pk, w["kunshan_rr"].certification_id}
    everything = kunshan | {w["jiangyin_cert"].pk, w["jiangyin_rr"].certification_id}
    assert len(rr_certs) == 2
    cases = [
        (owner_of(w["kunshan_cert"]), {w["kunshan_cert"].pk}, {"kunshan_cert": 200, "jiangyin_cert": 404, "draft_cert": 404}),
        (authority_user(Role.COUNTY, w["kunshan_cert"].cluster.division), kunshan, {"kunshan_cert": 200, "jiangyin_cert": 404, "draft_cert": 200}),
        (authority_user(Role.CITY, w["jiangyin_cert"].cluster.division), everything - kunshan, {"kunshan_cert": 404, "jiangyin_cert": 200, "draft_cert": 404}),
        (province, everything, {"kunshan_cert": 200, "jiangyin_cert": 200, "draft_cert": 200}),
        (expert, set(), {"kunshan_cert": 404, "jiangyin_cert": 404, "draft_cert": 404}),
    ]  # fmt: skip
    for user, listed, details in cases:
        assert _visible(api(issue(user)), w, url, keys) == (listed, details), user.role


def test_out_of_scope_is_404_with_a_chinese_message(issue, api, world):
    client = api(issue(owner_of(world["kunshan"])))
    for url in (
        f"/api/annual-reports/{world['jiangyin'].pk}/",
        f"/api/re-reviews/{world['jiangyin_rr'].pk}/",
        f"/api/revocations/{world['jiangyin_case'].pk}/",
        f"/api/certification-records/{world['jiangyin_cert'].pk}/",
        "/api/annual-reports/999999999/",
        "/api/annual-reports/abc/",
        "/api/re-reviews/99999999999999999999999/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "不存在" in response.json()["detail"] or "无权" in response.json()["detail"], url
    # read-only: no write methods
    response = client.post("/api/annual-reports/", {}, format="json")
    assert response.status_code == 405 and "POST" in response.json()["detail"]
    assert client.get("/api/annual-reports/").status_code == 200
    assert api().get("/api/annual-reports/").status_code == 401


# ---------------------------------------------------------------- what the answers carry


def test_report_detail_has_the_figures_progress_and_no_phone(issue, api, world):
    report = world["kunshan"]
    client = api(issue(authority_user(Role.COUNTY, report.cluster.division)))
    response = client.get(f"/api/annual-reports/{report.pk}/")
    body = response.json()
    assert body["report_year"] == 2025 and body["state"] == ReportState.SUBMITTED
    assert body["state_label"] == "待县级审核"
    assert body["total_output"] == "760000.00" and body["employees"] == 100000
    assert body["city"]["code"] == SUZHOU and body["county"]["code"] == KUNSHAN
    assert body["certification"] == {"id": report.certification_id, "number": report.certification.number}
    assert body["progress"] and {p["status"] for p in body["progress"]} <= {"met", "missed", "pending", "outside"}
    assert [v["number"] for v in body["versions"]] == [1]
    assert "phone" not in response.content.decode()
    assert client.get(f"/api/annual-reports/{report.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    row = client.get("/api/annual-reports/").json()["results"][0]
    assert row["id"] == report.pk and "progress" not in row and row["total_output"] == "760000.00"


def test_rereview_revocation_and_certification_details(issue, api, province, world):
    client = api(issue(province))
    rr = client.get(f"/api/re-reviews/{world['kunshan_rr'].pk}/").json()
    assert rr["state"] == ReReviewState.COUNTY_REVIEW and rr["valid_to"] == "2026-05-31"
    assert [y["year"] for y in rr["years"]] == [2022, 2023, 2024, 2025]
    assert rr["targets"] and rr["targets"][0]["status"] in ("met", "missed", "pending")
    case = client.get(f"/api/revocations/{world['jiangyin_case'].pk}/").json()
    assert case["status"] == RevocationStatus.DISMISSED and case["dismiss_reason"]
    assert case["ground"] == RevocationGround.FALSE_DECLARATION and case["evidence"]
    assert case["cluster"]["name"] == "江阴市金属制品集群" and case["proposed_by"]
    cert = client.get(f"/api/certification-records/{world['kunshan_cert'].pk}/").json()
    assert cert["status"] == CertificationStatus.VALID and cert["status_label"]
    assert (cert["valid_from"], cert["valid_to"]) == ("2025-10-15", "2028-10-14")
    assert cert["owner"]["id"] == world["kunshan_cert"].cluster.owner_id and "contact_phone" not in cert["owner"]


# ---------------------------------------------------------------- filters


def test_report_filters(issue, api, province, world):
    client = api(issue(province))
    ks, jy = world["kunshan"].pk, world["jiangyin"].pk
    url = "/api/annual-reports/"
    assert _ids(client, url, {"year": 2025}) == {ks, jy}
    assert _ids(client, url, {"year": 2024}) == set()
    assert _ids(client, url, {"state": ReportState.VERIFIED}) == {jy}
    assert _ids(client, url, {"city": SUZHOU}) == {ks}
    assert _ids(client, url, {"county": JIANGYIN}) == {jy}
    assert _ids(client, url, {"city": WUXI, "state": ReportState.SUBMITTED}) == set()
    assert _ids(client, url, {"cluster": world["jiangyin"].cluster_id}) == {jy}
    bad = client.get(url, {"state": "flying", "city": "abc", "updated_since": "yesterday", "year": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"state", "city", "updated_since", "year"}
    assert "六位行政区划代码" in bad.json()["detail"] and "ISO 8601" in bad.json()["detail"]
    ordered = client.get(url, {"ordering": "report_year"}).json()["results"]
    assert [r["id"] for r in ordered] == sorted([ks, jy])  # same year: ties broken by id


def test_updated_since_on_reports_and_re_reviews(issue, api, province, world):
    client = api(issue(province))
    later = timezone.now() + timedelta(hours=2)
    with time_machine.travel(later):
        from monitoring import services

        county = authority_user(Role.COUNTY, world["kunshan"].cluster.division)
        services.report_verify(report=world["kunshan"], actor=county)
    since = (later - timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
    assert _ids(client, "/api/annual-reports/", {"updated_since": since}) == {world["kunshan"].pk}
    assert _ids(client, "/api/re-reviews/", {"updated_since": since}) == set()
    assert _ids(client, "/api/re-reviews/", {"updated_since": "2026-01-01T00:00:00+08:00"}) == {world["kunshan_rr"].pk}
    assert client.get("/api/re-reviews/", {"updated_since": "0001-01-01T00:00:00+14:00"}).status_code == 400


def test_rereview_revocation_and_certification_filters(issue, api, province, world):
    client = api(issue(province))
    rr = world["kunshan_rr"].pk
    assert _ids(client, "/api/re-reviews/", {"year": 2026, "state": ReReviewState.COUNTY_REVIEW}) == {rr}
    assert _ids(client, "/api/re-reviews/", {"county": JIANGYIN}) == set()
    assert client.get("/api/re-reviews/", {"state": "x"}).status_code == 400
    ks, jy = world["kunshan_case"].pk, world["jiangyin_case"].pk
    assert _ids(client, "/api/revocations/", {"status": RevocationStatus.PROPOSED}) == {ks}
    assert _ids(client, "/api/revocations/", {"city": WUXI}) == {jy}
    assert _ids(client, "/api/revocations/", {"ground": RevocationGround.FALSE_DECLARATION, "source": "manual"}) == {
        ks,
        jy,
    }
    assert _ids(client, "/api/revocations/", {"state_changed_since": "2099-01-01T00:00:00+08:00"}) == set()
    bad = client.get("/api/revocations/", {"status": "gone", "ground": "x"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status", "ground"}
    url = "/api/certification-records/"
    assert _ids(client, url, {"status": CertificationStatus.EXPIRING}) == {
        world["kunshan_rr"].certification_id,
        world["jiangyin_rr"].certification_id,
    }
    assert _ids(client, url, {"city": SUZHOU, "year": 2025}) == {world["kunshan_cert"].pk, world["draft_cert"].pk}
    assert _ids(client, url, {"valid_to_before": "2026-12-31", "county": KUNSHAN}) == {
        world["kunshan_rr"].certification_id
    }
    assert len(_ids(client, url, {"valid_to_after": "2027-01-01"})) == 3
    bad = client.get(url, {"valid_to_before": "soon", "status": "y"})
    assert bad.status_code == 400 and "2026-03-01" in bad.json()["errors"]["valid_to_before"][0]


def test_pagination_is_the_portals(issue, api, province, world):
    client = api(issue(province))
    page = client.get("/api/certification-records/", {"page_size": 2, "ordering": "id"}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and "page=2" in page["next"]
    beyond = client.get("/api/certification-records/", {"page": 9})
    assert beyond.status_code == 404 and "页码" in beyond.json()["detail"]


# ---------------------------------------------------------------- query counts at two data sizes


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()["count"]


def _one_of_each(owner, n):
    """A certification with a submitted report and a case, and an expiring one with a re-review: all of one
    applicant body (so that the applicant's lists grow too)."""
    cert = CertificationFactory(cluster=ClusterFactory(owner=owner, name=f"规模集群{n}"))
    report_in_state(ReportState.SUBMITTED, certification=cert)
    revocation_in_state(certification=cert)
    expiring = expiring_certification(cluster=ClusterFactory(owner=owner, name=f"复核集群{n}"))
    rereview_in_state(ReReviewState.COUNTY_REVIEW, certification=expiring)


@pytest.mark.parametrize("role", [Role.PROVINCE, Role.CITY, Role.COUNTY, Role.APPLICANT])
def test_list_query_counts_do_not_grow_with_rows(issue, api, django_assert_max_num_queries, role):
    owner = OrganisationFactory(division=division(KUNSHAN))
    _one_of_each(owner, 0)
    user = applicant_user(owner) if role == Role.APPLICANT else authority_user(role, division(KUNSHAN))
    client = api(issue(user))
    client.get(LISTS[0])  # the token's first use also stamps last_used_at
    small = {url: _count(client, url) for url in LISTS}
    assert all(count >= 1 for _q, count in small.values()), small
    for n in range(1, 4):
        _one_of_each(owner, n)
    for url, (queries, count) in small.items():
        with django_assert_max_num_queries(queries):
            grown = client.get(url).json()["count"]
        assert grown > count, url


def test_the_schema_documents_them(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for url in LISTS:
        assert f"{url}{{id}}/" in schema["paths"], url
        operation = schema["paths"][url]["get"]
        assert "post" not in schema["paths"][url]
        names = {p["name"] for p in operation["parameters"]}
        assert {"page", "page_size", "ordering", "city", "county", "year"} <= names, url
    assert "updated_since" in {p["name"] for p in schema["paths"]["/api/annual-reports/"]["get"]["parameters"]}
    assert "updated_since" in {p["name"] for p in schema["paths"]["/api/re-reviews/"]["get"]["parameters"]}
