"""The review queue and the review page of the three tiers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, OrganisationFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_county_queue_lists_only_its_waiting_applications(client):
    mine = application_in_state(S.COUNTY_REVIEW)
    other = application_in_state(
        S.COUNTY_REVIEW,
        cluster=ClusterFactory(owner=OrganisationFactory(division=division(JIANGYIN)), name="江阴市金属制品集群"),
        call=mine.call,
    )
    county = authority_user(Role.COUNTY, mine.cluster.division)
    response = _login(client, county).get(reverse("reviews:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.cluster.name in body and other.cluster.name not in body
    assert "天" in body  # days waited column
    response = client.get(reverse("reviews:queue"), {"state": "county_review", "lead_industry": "不存在的产业"})
    assert mine.cluster.name not in response.content.decode()


def test_queue_query_count_does_not_grow_with_rows(client):
    first = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, first.cluster.division)
    _login(client, county)

    client.get(reverse("reviews:queue"))  # fills the per-user caches (the to-do total)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:queue"))
    org = first.cluster.owner
    for i in range(4):
        application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(owner=org, name=f"集群{i}"), call=first.call)
    client.get(reverse("reviews:queue"))
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("reviews:queue"))
    assert response.content.decode().count("办理 / 查看") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_other_county_gets_404_everywhere(client):
    app = application_in_state(S.COUNTY_REVIEW)
    outsider = authority_user(Role.COUNTY, division(JIANGYIN))
    _login(client, outsider)
    attachment = app.attachments.first()
    version = app.versions.first()
    for url in [
        reverse("reviews:review", args=[app.pk]),
        reverse("clusters:application_detail", args=[app.pk]),
        reverse("clusters:attachment_download", args=[app.pk, attachment.pk]),
        reverse("clusters:version_pdf", args=[app.pk, version.number]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("reviews:review", args=[app.pk]), {"decision": "pass", "expected_state": S.COUNTY_REVIEW}
        ).status_code
        == 404
    )
    app.refresh_from_db()
    assert app.state == S.COUNTY_REVIEW


def test_county_passes_through_the_review_page(client):
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    _login(client, county)
    page = client.get(reverse("reviews:review", args=[app.pk]))
    assert page.status_code == 200 and "县级审核意见" in page.content.decode()
    response = client.post(
        reverse("reviews:review", args=[app.pk]),
        {
            "decision": "pass",
            "expected_state": S.COUNTY_REVIEW,
            "comment": "同意",
            "agree_all": "on",
            "cond_2a": "1",
            "cond_5a": "0",
            "cond_5a_comment": "需核实",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW


def test_stale_form_is_told_the_application_changed(client):
    app = application_in_state(S.CITY_REVIEW)
    city = authority_user(Role.CITY, app.cluster.division)
    _login(client, city)
    response = client.post(
        reverse("reviews:review", args=[app.pk]),
        {"decision": "reject", "expected_state": S.COUNTY_REVIEW, "comment": "理由", "agree_all": "on"},
    )
    assert response.status_code == 400
    assert "状态已变为" in response.content.decode()
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW
