"""Every resource applies the web pages' predicates and jurisdiction selectors: out of scope is 404."""

import pytest

from accounts.constants import Role
from accounts.tests.factories import KUNSHAN, OrganisationFactory, UserFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ApplicationFactory, ClusterFactory, application_in_state, authority_user
from reviews import services as review_services
from reviews.tests.factories import assign_expert

from .conftest import owner_of

pytestmark = pytest.mark.django_db

APP_URLS = [
    "/api/applications/{pk}/",
    "/api/applications/{pk}/eligibility/",
    "/api/applications/{pk}/history/",
    "/api/applications/{pk}/transitions/",
]


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_citys_token_cannot_read_another_citys_application(issue, api, suzhou_city, wuxi_city, jiangyin_cluster):
    kunshan_app = application_in_state(S.COUNTY_REVIEW)
    jiangyin_app = application_in_state(S.COUNTY_REVIEW, cluster=jiangyin_cluster, call=kunshan_app.call)
    suzhou = api(issue(suzhou_city))
    assert _ids(suzhou.get("/api/applications/")) == {kunshan_app.pk}
    for url in APP_URLS:
        assert suzhou.get(url.format(pk=kunshan_app.pk)).status_code == 200, url
        response = suzhou.get(url.format(pk=jiangyin_app.pk))
        assert response.status_code == 404, url
        assert response.json()["detail"]
    # Writing is 404 too, not 403: the id is not confirmed.
    response = suzhou.post(
        f"/api/applications/{jiangyin_app.pk}/transitions/", {"transition": "reject", "comment": "x"}, format="json"
    )
    assert response.status_code == 404
    assert _ids(api(issue(wuxi_city)).get("/api/applications/")) == {jiangyin_app.pk}
    assert {c["id"] for c in suzhou.get("/api/clusters/").json()["results"]} == {kunshan_app.cluster_id}
    assert suzhou.get(f"/api/clusters/{jiangyin_cluster.pk}/").status_code == 404


def test_an_applicant_token_cannot_see_another_applicants_draft(issue, api):
    mine = ApplicationFactory()
    theirs = ApplicationFactory(call=mine.call)
    me = api(issue(owner_of(mine)))
    assert _ids(me.get("/api/applications/")) == {mine.pk}
    for url in APP_URLS:
        assert me.get(url.format(pk=theirs.pk)).status_code == 404, url
    response = me.patch(f"/api/applications/{theirs.pk}/", {"version": 1, "summary": "x"}, format="json")
    assert response.status_code == 404
    response = me.post("/api/applications/", {"cluster": theirs.cluster_id, "call": theirs.call_id}, format="json")
    assert response.status_code == 400 and "cluster" in response.json()["errors"]


def test_authorities_never_see_a_draft_never_submitted(issue, api, suzhou_city, kunshan_county, province):
    draft = ApplicationFactory()
    for user in (suzhou_city, kunshan_county, province):
        client = api(issue(user))
        assert draft.pk not in _ids(client.get("/api/applications/"))
        assert client.get(f"/api/applications/{draft.pk}/").status_code == 404


def test_an_expert_sees_an_assignment_only_after_declaring_no_conflict(issue, api, province):
    app = application_in_state(S.EXPERT_REVIEW)
    other = application_in_state(S.EXPERT_REVIEW, call=app.call, cluster=ClusterFactory(name="别的集群"))
    assignment = assign_expert(app, province)
    expert = api(issue(assignment.expert.user))
    assert _ids(expert.get("/api/applications/")) == set()
    assert expert.get(f"/api/applications/{app.pk}/").status_code == 404
    review_services.declare_no_conflict(assignment=assignment, actor=assignment.expert.user)
    assert _ids(expert.get("/api/applications/")) == {app.pk}
    detail = expert.get(f"/api/applications/{app.pk}/").json()
    assert detail["contact_phone"] == "138****5678"  # masked for experts, as on the page
    assert expert.get(f"/api/applications/{other.pk}/").status_code == 404
    assert expert.get("/api/clusters/").json()["count"] == 0


def test_authorities_see_the_contact_phone_whole(issue, api, kunshan_county):
    app = application_in_state(S.COUNTY_REVIEW)
    detail = api(issue(kunshan_county)).get(f"/api/applications/{app.pk}/").json()
    assert detail["contact_phone"] == "13812345678"


def test_a_county_sees_its_county_only(issue, api, kunshan_county, jiangyin_cluster):
    kunshan_app = application_in_state(S.COUNTY_REVIEW)
    jiangyin_app = application_in_state(S.COUNTY_REVIEW, cluster=jiangyin_cluster, call=kunshan_app.call)
    county = api(issue(kunshan_county))
    assert _ids(county.get("/api/applications/")) == {kunshan_app.pk}
    assert county.get(f"/api/applications/{jiangyin_app.pk}/eligibility/").status_code == 404


def test_a_county_authority_filing_as_applicant_sees_its_own_drafts(issue, api):
    authority = OrganisationFactory(county=True, division=division(KUNSHAN))
    filer = UserFactory(organisation=authority, role=Role.APPLICANT)
    app = ApplicationFactory(cluster=ClusterFactory(owner=authority))
    assert _ids(api(issue(filer)).get("/api/applications/")) == {app.pk}
    reviewer = authority_user(Role.COUNTY, division(KUNSHAN))
    assert app.pk not in _ids(api(issue(reviewer)).get("/api/applications/"))
