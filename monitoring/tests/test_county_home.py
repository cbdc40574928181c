"""The county's monitoring home costs the same queries with an empty queue and list as with full, paginated ones
(Django's paginator skips the fetch of an empty page, so a page counted one query more once rows appeared)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.constants import ReportState as R

from .factories import CertificationFactory, cluster_in, county_of, report_in_state

pytestmark = pytest.mark.django_db


def _count(client, url="/monitoring/"):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_county_home_keeps_its_query_count_from_empty_to_paginated(client, django_assert_max_num_queries):
    first = CertificationFactory(cluster=cluster_in("320583", name="首个集群"))
    county = county_of(first)
    client.force_login(county)
    small, _ = _count(client)  # one certified cluster, nothing in the queue
    report = report_in_state(R.SUBMITTED, certification=first)
    for i in range(22):  # more than a page (20) of clusters
        CertificationFactory(cluster=cluster_in("320583", name=f"增长集群{i:02d}"))
    client.get("/monitoring/")
    with django_assert_max_num_queries(small):
        response = client.get("/monitoring/")
    html = response.content.decode()
    assert "待审核的报告（1）" in html
    assert f"/monitoring/reports/{report.pk}/" in html
    assert "共 23 条" in html  # the window count gives the pagination its total
    with django_assert_max_num_queries(small):
        second = client.get("/monitoring/?page=2")
    assert "首个集群" in second.content.decode()  # last by name: the second page
    with django_assert_max_num_queries(small + 2):  # a page past the end counts and refetches the last page
        assert client.get("/monitoring/?page=99").status_code == 200
