"""The monitoring app's items on the home page (我的待办), each with its deadline: the applicant's reports due and
re-review window, the county's reports to verify and re-reviews, the city's table, the province's overview."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.tests.factories import ClusterFactory, province_user
from monitoring.constants import ReportState as R
from monitoring.navigation import todos_for_user
from monitoring.tests.factories import CertificationFactory, city_of, county_of, owner_of, report_in_state
from monitoring.tests.lifecycle_factories import expiring_certification, rereview_in_state

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 3, 31)
CITY_DUE = datetime.date(2026, 4, 10)


def by_label(user) -> dict:
    return {i["label"]: i for i in todos_for_user(user) if i["count"]}


def test_applicant_sees_the_report_due_and_the_rereview_window():
    cert = expiring_certification()
    items = by_label(owner_of(cert))

    report = items["待提交的2025年度发展报告（3月31日截止，还有21天）"]
    assert report["count"] == 1 and report["url"] == "/monitoring/" and report["deadline"] == DUE
    window = items["认定即将到期、待申请复核的集群"]
    assert window["count"] == 1 and window["url"] == "/monitoring/"
    assert window["deadline"] == cert.valid_to + datetime.timedelta(days=90)
    assert window["note"] == f"认定有效期至{cert.valid_to.year}年{cert.valid_to.month}月{cert.valid_to.day}日"


def test_county_sees_reports_to_verify_and_rereviews_waiting():
    report = report_in_state(R.SUBMITTED)
    rereview = rereview_in_state("county_review", certification=expiring_certification(cluster=report.cluster))
    items = by_label(county_of(report))

    assert items["待审核的年度发展报告"]["count"] == 1
    assert items["待办理的复核申请"] == {"label": "待办理的复核申请", "count": 1, "url": "/monitoring/rereviews/"}
    assert rereview.state == "county_review"


def test_city_sees_its_table_due_and_the_province_the_cities_owing():
    cert = CertificationFactory()
    city = by_label(city_of(cert))
    table = city["待报送的2025年度集群培育情况信息表（4月10日截止，还有31天）"]
    assert table["count"] == 1 and table["deadline"] == CITY_DUE
    assert table["url"] == "/monitoring/cities/320500/2025/"

    province = by_label(province_user())
    owing = province["尚未报送2025年度信息表的设区市（4月10日截止，还有31天）"]
    assert owing["count"] == 1 and owing["deadline"] == CITY_DUE
    assert owing["url"] == "/monitoring/province/2025/"


def test_queries_do_not_grow_with_the_number_of_certifications():
    cert = expiring_certification()
    owner = owner_of(cert)
    province = province_user()

    def queries(user):
        with CaptureQueriesContext(connection) as ctx:
            todos_for_user(user)
        return len(ctx.captured_queries)

    before = (queries(owner), queries(province))
    for _i in range(2):
        expiring_certification(cluster=ClusterFactory(owner=cert.cluster.owner))
        CertificationFactory()
    assert (queries(owner), queries(province)) == before
