"""The review queue and the review page of the three tiers."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, OrganisationFactory, division
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user
from reviews import selectors, services

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


def _counts_applications(sql):
    return sql.startswith('SELECT COUNT(*) AS "__count" FROM "clusters_application"')


def _queue_queries(client, params):
    client.get(reverse("reviews:queue"), params)  # fills the per-user caches (the to-do total)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reviews:queue"), params)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def test_province_queue_reads_narrow_rows_and_counts_once(client):
    """Every state's count comes from one GROUP BY; the page count reuses it unless another filter narrows the
    list; the rows carry only what the table shows; queries stay the same as rows grow."""
    first = application_in_state(S.FORMAL_REVIEW)
    application_in_state(S.COUNTY_REVIEW, call=first.call)
    province = authority_user(Role.PROVINCE, first.cluster.division)
    _login(client, province)
    before, _ = _queue_queries(client, {"state": ""})
    for i in range(2):
        application_in_state(S.CITY_REVIEW, call=first.call, cluster=ClusterFactory(name=f"市审集群{i}"))
    for params, shown in (({"state": ""}, 4), ({}, 1), ({"state": "city_review"}, 2)):
        sql, body = _queue_queries(client, params)
        assert body.count("办理 / 查看") == shown and f"共 {shown} 条" in body
        assert not any(_counts_applications(q) for q in sql)  # the page count is the state's count
        assert sum(1 for q in sql if "GROUP BY" in q and "clusters_application" in q) == 1
        rows = next(q for q in sql if 'ORDER BY "clusters_application"."state_changed_at"' in q)
        assert '"clusters_application"."summary"' not in rows and '"clusters_call"."notice_text"' not in rows
        if params == {"state": ""}:
            assert len(sql) == len(before)
    sql, body = _queue_queries(client, {"state": "", "q": "市审集群1"})
    assert body.count("办理 / 查看") == 1 and "共 1 条" in body
    assert sum(1 for q in sql if _counts_applications(q)) == 1  # narrowed by a search: counted on its own


def test_queue_ordering_has_indexes():
    from clusters.models import Application

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Application._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert ("state", "state_changed_at", "id") in indexed
    assert ("state_changed_at", "id") in indexed


def test_formal_review_page_loads_the_application_once(client):
    """The checklist suggestion reads the application the page already loaded (it was loaded a second time with
    every section: 27 queries)."""
    app = application_in_state(S.FORMAL_REVIEW)
    province = authority_user(Role.PROVINCE, app.cluster.division)
    _login(client, province)
    url = reverse("reviews:review", args=[app.pk])
    client.get(url)  # fills the per-user caches (the to-do total)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) <= 20
    assert sum(1 for q in sql if q.startswith('SELECT "clusters_enterprise"')) == 1  # the roster, once
    suggestion = selectors.formal_checklist_for(cluster_selectors.application_with_sections(app.pk))
    assert suggestion == services.formal_checklist_suggestion(app)  # the same checks as the service's
    body = response.content.decode()
    for key, checked in suggestion.items():
        box = re.search(rf'<input[^>]*name="check_{key}"[^>]*>', body).group(0)
        assert ("checked" in box) == checked, key
