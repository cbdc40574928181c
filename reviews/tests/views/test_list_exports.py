"""Excel exports of the review queue and the public registry (issues #12 item 6, #16 item 2): the whole filtered
list (not one page), scoped as the page, with the filters applied written in the sheet."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, OrganisationFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, province_user
from core.excel import XLSX_TYPE
from reviews.tests.factories import at
from reviews.tests.views.test_publication import certify, registry_rows  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [tuple(row) for row in ws.iter_rows(values_only=True)]
    # title, "筛选条件：…", the header row, then one row per item
    assert str(cells[1][0]).startswith("筛选条件：")
    return {"title": cells[0][0], "filters": cells[1][0], "header": cells[2], "rows": cells[3:]}


@pytest.fixture
def queue_world():
    """Two applications waiting for 昆山's county review and one for 江阴's."""
    mine = application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(name="昆山光电集群", lead_industry="光电"))
    application_in_state(
        S.COUNTY_REVIEW, cluster=ClusterFactory(owner=mine.cluster.owner, name="昆山模具集群"), call=mine.call
    )
    application_in_state(
        S.COUNTY_REVIEW,
        cluster=ClusterFactory(owner=OrganisationFactory(division=division(JIANGYIN)), name="江阴纺织集群"),
        call=mine.call,
    )
    return mine


def test_county_exports_its_own_queue_whole_whatever_the_page(client, queue_world):
    county = authority_user(Role.COUNTY, queue_world.cluster.division)
    client.force_login(county)
    book = workbook(client.get(reverse("reviews:queue"), {"format": "xlsx", "page": "2"}))
    assert book["title"] == "审核队列"
    assert book["header"][:3] == ("申报编号", "集群名称", "申报主体")
    assert sorted(r[1] for r in book["rows"]) == ["昆山光电集群", "昆山模具集群"]  # never 江阴's
    assert {r[7] for r in book["rows"]} == {"县级审核"}
    assert "状态：" in book["filters"]  # the state tab the page opens on is a filter too


def test_queue_export_follows_the_filters_and_names_them(client, queue_world):
    client.force_login(province_user())
    params = {"state": S.COUNTY_REVIEW, "city": "320500", "q": "光电", "format": "xlsx"}
    book = workbook(client.get(reverse("reviews:queue"), params))
    assert [r[1] for r in book["rows"]] == ["昆山光电集群"]
    assert "设区市：苏州市" in book["filters"] and "集群或申报主体名称：光电" in book["filters"]
    every = workbook(client.get(reverse("reviews:queue"), {"state": S.COUNTY_REVIEW, "format": "xlsx"}))
    assert sorted(r[1] for r in every["rows"]) == ["昆山光电集群", "昆山模具集群", "江阴纺织集群"]
    county = workbook(
        client.get(reverse("reviews:queue"), {"state": S.COUNTY_REVIEW, "county": JIANGYIN, "format": "xlsx"})
    )
    assert [r[1] for r in county["rows"]] == ["江阴纺织集群"]
    assert "县（市、区）：无锡市江阴市" in county["filters"]


def test_queue_page_links_its_export_with_the_filters_and_without_the_page(client, queue_world):
    client.force_login(authority_user(Role.COUNTY, queue_world.cluster.division))
    html = client.get(reverse("reviews:queue"), {"q": "光电", "page": "1"}).content.decode()
    assert "导出 Excel（按当前筛选）" in html
    assert 'href="?q=%E5%85%89%E7%94%B5&amp;format=xlsx"' in html


def registry_export(client, **params):
    with time_machine.travel(at(2026, 11, 1, 12)):
        return client.get(reverse("public:registry"), {**params, "format": "xlsx"})


def registry_html(client, **params):
    with time_machine.travel(at(2026, 11, 1, 12)):
        response = client.get(reverse("public:registry"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_anonymous_registry_export_is_the_filtered_list_with_its_filters(client, registry_rows):  # noqa: F811
    every = workbook(registry_export(client))
    assert every["filters"] == "筛选条件：全部"
    assert every["header"][:2] == ("证书编号", "集群名称")
    assert sorted(r[0] for r in every["rows"]) == ["JS-A-001", "JS-A-002", "JS-A-003", "JS-A-004"]
    expired = workbook(registry_export(client, county=JIANGYIN, status="expired"))
    assert [r[0] for r in expired["rows"]] == ["JS-A-003"]
    assert expired["rows"][0][1] == "江阴纺织集群" and expired["rows"][0][8] == "已过期"
    assert "县（市、区）：无锡市江阴市" in expired["filters"] and "状态：已过期" in expired["filters"]
    by_city = workbook(registry_export(client, city="320500", page="2"))
    assert sorted(r[0] for r in by_city["rows"]) == ["JS-A-001", "JS-A-002"]
    assert "设区市：苏州市" in by_city["filters"]


def test_registry_export_and_the_cached_page_do_not_mix(client, registry_rows):  # noqa: F811
    # The page first (cached for anonymous visitors), then the export of the same query: a workbook, not the page.
    html = registry_html(client, city="320500")
    assert "JS-A-001" in html and 'href="?city=320500&amp;format=xlsx"' in html
    assert sorted(r[0] for r in workbook(registry_export(client, city="320500"))["rows"]) == ["JS-A-001", "JS-A-002"]
    # The export first, then the page of that very query string: HTML, not the workbook.
    workbook(registry_export(client, status="valid"))
    with time_machine.travel(at(2026, 11, 1, 12)):
        page = client.get(reverse("public:registry"), {"status": "valid", "format": "xlsx"})
    assert page["Content-Type"] == XLSX_TYPE  # still the export when asked again (served from its own cache)
    html = registry_html(client, status="valid")
    assert "JS-A-001" in html and "JS-A-002" not in html and "<html" in html
    # A new certification changes the registry stamp: the cached workbook is not served stale.
    with time_machine.travel(at(2026, 11, 1)):
        certify(ClusterFactory(name="昆山新集群"), dt.date(2026, 10, 20), number="JS-A-005")
    assert "JS-A-005" in {r[0] for r in workbook(registry_export(client, status="valid"))["rows"]}
    assert "JS-A-005" in registry_html(client, status="valid")
