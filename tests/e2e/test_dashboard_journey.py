"""The programme dashboard in the browser (Arts. 5, 12–14): the province opens it from the navigation, sees the charts
drawn and the figures, follows a number to the list behind it (exactly that many rows), downloads the list and a
dashboard table as Excel (one row per item), and prints it without the controls. A city opens the same page and
sees only its own clusters.

The seeded programme is monitoring/tests/dashboard_world.py, built on the monitoring tests' reference date; the
browser then runs on the real clock (the live server shares this process's clock, and login, sessions and CSRF
read it). The figures followed here (certifications in force, applications waiting) do not depend on the date."""

import re

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.constants import DivisionLevel
from accounts.models import Division
from clusters.constants import ApplicationState
from clusters.models import Application, Certification, CertificationStatus
from monitoring.tests.dashboard_world import build_world
from monitoring.tests.factories import TODAY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IN_FORCE = [CertificationStatus.VALID, CertificationStatus.EXPIRING]
SUZHOU, WUXI = "320500", "320200"


def seeded() -> dict:
    with time_machine.travel(TODAY, tick=True):
        return build_world()


def in_force(city: str | None = None) -> set[str]:
    """The numbers of the certifications in force (of one city), counted here rather than by the selectors."""
    return {
        c.number
        for c in Certification.objects.select_related("cluster__division")
        if c.status in IN_FORCE and (city is None or c.cluster.division.parent_id == city)
    }


def sheet_rows(path) -> tuple[list[str], list[list], str]:
    """(header, data rows, filter line) of a downloaded workbook's first sheet: the header is the frozen row."""
    ws = load_workbook(path).worksheets[0]
    header_row = int(re.sub(r"\D", "", ws.freeze_panes)) - 1
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    filters = next(str(r[0]) for r in rows[:header_row] if str(r[0] or "").startswith("筛选条件："))
    return list(rows[header_row - 1]), rows[header_row:], filters


def download(page, link, tmp_path):
    with page.expect_download() as info:
        link.click()
    file = info.value
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    return file.suggested_filename, path


def list_rows(page):
    return page.locator("main table tbody tr")


def test_the_province_follows_a_number_to_its_list_and_downloads_it(portal, tmp_path):
    world = seeded()
    page = portal.page
    numbers = in_force()
    suzhou = in_force(SUZHOU)
    waiting = Application.objects.filter(call=world["call"], state=ApplicationState.COUNTY_REVIEW).count()
    assert len(numbers) == 6 and len(suzhou) == 3 and waiting == 2  # the seeded world is what we think

    # ------------------------------------------------------------ the dashboard, from the navigation
    portal.login(world["province"])
    portal.nav("集群发展看板")
    expect(page.get_by_role("heading", level=1)).to_have_text("江苏省中小企业特色产业集群发展看板")
    # Every chart is drawn (ECharts from static/vendor, no CDN) beside the table holding its data.
    charts = page.locator("[data-dashboard-chart]")
    expect(charts).to_have_count(6)
    expect(page.locator("[data-dashboard-chart][data-chart-ready]")).to_have_count(6)
    expect(page.locator('[data-count="in_force"]')).to_have_text(str(len(numbers)))
    portal.shot("dashboard")

    # ------------------------------------------------------------ a number opens exactly the items it counts
    cities = page.locator("#table-cities")
    suzhou_link = cities.get_by_role("row").filter(has_text="苏州市").get_by_role("link")
    expect(suzhou_link).to_have_text(str(len(suzhou)))
    suzhou_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("认定集群")
    expect(page.locator("[data-list-filters]")).to_contain_text("设区市：苏州市；状态：在册（有效、即将到期）")
    expect(page.locator("[data-list-total]")).to_have_text(str(len(suzhou)))
    expect(list_rows(page)).to_have_count(len(suzhou))
    assert set(list_rows(page).locator("td:first-child").all_inner_texts()) == suzhou
    portal.shot("list-suzhou")

    # ------------------------------------------------------------ its Excel: one row per item, with the filters
    name, path = download(page, page.get_by_role("link", name="导出 Excel"), tmp_path)
    assert name == "认定集群.xlsx"
    header, rows, filters = sheet_rows(path)
    assert header[:3] == ["证书编号", "集群名称", "设区市"]
    assert len(rows) == len(suzhou) and {r[0] for r in rows} == suzhou
    assert {r[2] for r in rows} == {"苏州市"}
    assert filters == "筛选条件：设区市：苏州市；状态：在册（有效、即将到期）"

    # ------------------------------------------------------------ another number: applications waiting at the county
    page.get_by_role("link", name="返回看板").click()
    table = page.locator("#table-applications")
    county_link = table.get_by_role("row").filter(has_text="县级主管部门").locator("a[data-state]")
    expect(county_link).to_have_text(str(waiting))
    county_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年度申报")
    expect(list_rows(page)).to_have_count(waiting)
    _name, path = download(page, page.get_by_role("link", name="导出 Excel"), tmp_path)
    header, rows, _filters = sheet_rows(path)
    assert len(rows) == waiting and "已等待（天）" in header
    assert {r[header.index("状态")] for r in rows} == {str(ApplicationState.COUNTY_REVIEW.label)}

    # ------------------------------------------------------------ a dashboard table as Excel: one row per city
    page.get_by_role("link", name="返回看板").click()
    export = cities.get_by_role("link", name="导出Excel")
    name, path = download(page, export, tmp_path)
    assert name == "集群发展看板-按设区市.xlsx"
    header, rows, filters = sheet_rows(path)
    city_count = Division.objects.filter(level=DivisionLevel.CITY).count()
    assert len(rows) == city_count == cities.locator("tbody tr").count()
    assert dict((r[0], r[1]) for r in rows)["苏州市"] == len(suzhou)
    assert filters.startswith("筛选条件：范围：江苏省")

    # ------------------------------------------------------------ printing: no controls, the filters in words
    page.emulate_media(media="print")
    expect(page.locator("form.dashboard-filters")).to_be_hidden()
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.locator(".dashboard-print-filters")).to_be_visible()
    expect(page.locator(".dashboard-print-filters")).to_contain_text("范围：江苏省")
    portal.shot("print")
    page.emulate_media(media="screen")
    expect(page.locator("form.dashboard-filters")).to_be_visible()


def test_a_city_sees_only_its_own_figures(portal, tmp_path):
    world = seeded()
    page = portal.page
    suzhou = in_force(SUZHOU)
    portal.login(world["suzhou"])
    portal.nav("集群发展看板")
    expect(page.get_by_role("heading", level=1)).to_have_text("苏州市中小企业特色产业集群发展看板")
    expect(page.locator('[data-count="in_force"]')).to_have_text(str(len(suzhou)))
    expect(page.locator("#table-cities")).to_have_count(0)  # no other city to compare with
    places = page.locator("#table-counties tbody th").all_inner_texts()
    assert places and all(p.startswith("苏州市") for p in places)
    wuxi_counties = Division.objects.filter(parent_id=WUXI).values_list("name", flat=True)
    main = page.locator("main").inner_text()
    assert "无锡" not in main and not any(name in main for name in wuxi_counties)
    portal.shot("dashboard-city")

    page.locator('[data-count="in_force"]').click()
    expect(page.locator("[data-list-total]")).to_have_text(str(len(suzhou)))
    expect(list_rows(page)).to_have_count(len(suzhou))
    assert set(list_rows(page).locator("td:first-child").all_inner_texts()) == suzhou
    _name, path = download(page, page.get_by_role("link", name="导出 Excel"), tmp_path)
    _header, rows, _filters = sheet_rows(path)
    assert {r[0] for r in rows} == suzhou and {r[2] for r in rows} == {"苏州市"}

    # Asking for another city's clusters by hand finds none.
    portal.goto(f"/monitoring/dashboard/lists/certifications/?city={WUXI}&status=in_force")
    expect(page.locator("[data-list-total]")).to_have_text("0")
