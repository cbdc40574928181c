"""POST /api/applications/{id}/transitions/: one named transition through the service the web page uses — the
same transition-log row, 409 when the state does not allow it, 403 when the caller sees but may not act."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.models import Application, ApplicationVersion
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user
from core.transitions import history_for
from reviews.constants import FORMAL_CHECKS
from reviews.models import ReviewOpinion

from .conftest import owner_of

pytestmark = pytest.mark.django_db

ROW = ("transition", "from_state", "to_state", "actor_id", "comment")


def _last_row(application):
    row = history_for(application).last()
    return {f: getattr(row, f) for f in ROW}


def _post(client, application, **data):
    return client.post(f"/api/applications/{application.pk}/transitions/", data, format="json")


def test_county_pass_writes_the_same_log_row_as_the_review_page(client, issue, api):
    by_web = application_in_state(S.COUNTY_REVIEW)
    by_api = application_in_state(S.COUNTY_REVIEW, call=by_web.call, cluster=ClusterFactory(name="接口集群"))
    county = authority_user(Role.COUNTY, by_web.cluster.division)
    client.force_login(county)
    page = client.post(
        reverse("reviews:review", args=[by_web.pk]),
        {"decision": "pass", "expected_state": S.COUNTY_REVIEW, "comment": "同意推荐", "agree_all": "1"},
    )
    assert page.status_code == 302
    # A pass needs an opinion on every condition: refused without, "agree_all" (全部同意) gives them.
    refused = _post(api(issue(county)), by_api, transition="county_pass", comment="同意推荐")
    assert refused.status_code == 400 and "尚未表态" in refused.json()["detail"]
    response = _post(api(issue(county)), by_api, transition="county_pass", comment="同意推荐", agree_all=True)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == S.CITY_REVIEW and body["state_label"] == "设区市初审"
    assert _last_row(by_api) == _last_row(by_web)
    assert _last_row(by_api) == {
        "transition": "county_pass",
        "from_state": S.COUNTY_REVIEW,
        "to_state": S.CITY_REVIEW,
        "actor_id": county.pk,
        "comment": "同意推荐",
    }
    assert body["log"]["transition"] == "county_pass" and body["log"]["comment"] == "同意推荐"
    # The frozen opinion, as the page records it.
    web_opinion, api_opinion = (ReviewOpinion.objects.get(application=a) for a in (by_web, by_api))
    assert (api_opinion.tier, api_opinion.decision, api_opinion.reviewer) == (
        web_opinion.tier,
        web_opinion.decision,
        web_opinion.reviewer,
    )


def test_submit_writes_the_same_log_row_and_version_as_the_page(client, issue, api):
    by_web = application_in_state(S.DRAFT)
    by_api = application_in_state(S.DRAFT, call=by_web.call, cluster=ClusterFactory(owner=by_web.cluster.owner))
    owner = owner_of(by_web)
    client.force_login(owner)
    page = client.post(reverse("clusters:application_submit", args=[by_web.pk]), {"confirm": "on", "comment": "请审核"})
    assert page.status_code == 302
    token = api(issue(owner))
    refused = _post(token, by_api, transition="submit", comment="请审核")
    assert refused.status_code == 400 and "confirm" in refused.json()["errors"]
    response = _post(token, by_api, transition="submit", comment="请审核", confirm=True)
    assert response.status_code == 200, response.content
    assert _last_row(by_api) == _last_row(by_web)
    assert ApplicationVersion.objects.filter(application=by_api).count() == 1


def test_return_needs_a_reason_and_reaches_the_applicant(issue, api):
    app = application_in_state(S.CITY_REVIEW)
    city = api(issue(authority_user(Role.CITY, app.cluster.division)))
    refused = _post(city, app, transition="return")
    assert refused.status_code == 400 and "comment" in refused.json()["errors"]
    response = _post(city, app, transition="return", comment="请补充近三年数据。")
    assert response.status_code == 200, response.content
    app.refresh_from_db()
    assert app.state == S.DRAFT and app.return_reason == "请补充近三年数据。"
    assert _last_row(app)["transition"] == "return_to_applicant"


def test_409_when_the_state_does_not_allow_the_transition(issue, api):
    app = application_in_state(S.CITY_REVIEW)
    county = api(issue(authority_user(Role.COUNTY, app.cluster.division)))
    response = _post(county, app, transition="county_pass", comment="同意")
    assert response.status_code == 409
    assert "设区市初审" in response.json()["detail"]
    owner = api(issue(owner_of(app)))
    assert _post(owner, app, transition="submit", confirm=True).status_code == 409
    # A stale view of the state: 409, nothing done.
    response = _post(owner, app, transition="withdraw", comment="撤回", expected_state=S.COUNTY_REVIEW)
    assert response.status_code == 409
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW


def test_403_when_the_caller_sees_but_may_not_act(issue, api):
    app = application_in_state(S.COUNTY_REVIEW)
    owner = api(issue(owner_of(app)))
    assert _post(owner, app, transition="county_pass").status_code == 403
    city = api(issue(authority_user(Role.CITY, app.cluster.division)))
    response = _post(city, app, transition="reject", comment="不符合条件")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Application.objects.get(pk=app.pk).state == S.COUNTY_REVIEW


def test_web_only_steps_are_refused_naming_the_page(issue, api):
    app = application_in_state(S.CITY_REVIEW)
    city = api(issue(authority_user(Role.CITY, app.cluster.division)))
    response = _post(city, app, transition="recommend")
    assert response.status_code == 400
    assert reverse("reviews:recommendation_list") in response.json()["errors"]["transition"][0]
    unknown = _post(city, app, transition="approve_everything")
    assert unknown.status_code == 400 and "可选" in unknown.json()["errors"]["transition"][0]
    extra = _post(city, app, transition="reject", comment="x", checklist={"data": True})
    assert extra.status_code == 400 and "checklist" in extra.json()["errors"]


def test_formal_pass_needs_the_whole_checklist(issue, api, province):
    app = application_in_state(S.FORMAL_REVIEW)
    staff = api(issue(province))
    partial = _post(staff, app, transition="formal_pass", checklist={"data": True})
    assert partial.status_code == 400 and "形式审查清单" in partial.json()["detail"]
    checklist = {key: True for key, _label in FORMAL_CHECKS}
    response = _post(staff, app, transition="formal_pass", comment="材料齐全", checklist=checklist, agree_all=True)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == S.EXPERT_REVIEW
    later = _post(staff, Application.objects.get(pk=app.pk), transition="reject", comment="不符合")
    assert later.status_code == 409 and "会审" in later.json()["detail"]


def test_options_list_what_the_caller_may_do(issue, api):
    app = application_in_state(S.COUNTY_REVIEW)
    county = api(issue(authority_user(Role.COUNTY, app.cluster.division)))
    options = county.get(f"/api/applications/{app.pk}/transitions/").json()
    assert options["state"] == S.COUNTY_REVIEW
    assert {o["transition"] for o in options["available"]} == {"county_pass", "return", "reject"}
    owner = api(issue(owner_of(app))).get(f"/api/applications/{app.pk}/transitions/").json()
    assert {o["transition"] for o in owner["available"]} == {"withdraw"}
