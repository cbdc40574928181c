"""The programme dashboard (Arts. 5, 12, 13, 14): every number equals a count computed here independently with
plain ORM queries and Python over the seeded data; every number's link opens a list of exactly the items counted
(and its Excel export has one row per item); the page is scoped (province all, city its own, others 404) and keeps
a constant number of queries as the clusters grow."""

import datetime
import io
import re
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.constants import Role
from accounts.models import Division
from accounts.tests.factories import UserFactory
from clusters.models import Application, Certification
from clusters.tests.factories import authority_user
from core.models import AuditEvent
from monitoring.models import AnnualReport, ChangeReport, KeySupport, RecommendationItem, RevocationCase

from .bulk import bulk_certifications
from .dashboard_world import build_world

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A count's link; sums (data-sum) and means (data-mean) of the listed items are checked against the list's export.
LIST_LINK = re.compile(
    r'<a ((?:(?!data-sum|data-mean)[^>])*)href="(/monitoring/dashboard/lists/[a-z]+/\?[^"]*)"[^>]*>([\d,]+)</a>'
)
# The tier each application state waits on, as the regulation's procedure has it (Arts. 8–10).
TIERS = {
    "draft": "申报主体（退回修改）",
    "county_review": "县级主管部门",
    "city_review": "设区市主管部门",
    "formal_review": "省工业和信息化厅",
    "expert_review": "省工业和信息化厅",
    "site_check": "省工业和信息化厅",
    "joint_review": "省工业和信息化厅",
    "public_notice": "省工业和信息化厅",
    "certified": "已办结",
    "rejected": "已办结",
    "withdrawn": "已办结",
}
CLOSED = {"certified", "rejected", "withdrawn"}
TARGET = 100  # Art. 5: about 100 clusters in the 14th Five-Year Plan period (2021–2025), until staff set another
FIGURES = ("total_output", "sme_output", "lead_output", "sme_rnd", "invention_patents", "employees")


@pytest.fixture
def world():
    return build_world()


# ---------------------------------------------------------------- what the test computes itself


def expected(city: str | None = None) -> dict:
    """The dashboard's figures, computed from the rows with plain queries and Python (not the selectors)."""
    certs = list(Certification.objects.select_related("cluster__division"))
    if city:
        certs = [c for c in certs if c.cluster.division.parent_id == city]
    in_force = [c for c in certs if c.status in ("valid", "expiring")]
    owing = [
        c for c in in_force if c.valid_from <= datetime.date(2025, 12, 31) and c.valid_to >= datetime.date(2025, 1, 1)
    ]
    reports = {
        r.cluster_id: r for r in AnnualReport.objects.filter(report_year=2025, state__in=["submitted", "verified"])
    }
    due_end = datetime.datetime(2026, 4, 1, tzinfo=SHANGHAI)
    reported = [c for c in owing if c.cluster_id in reports]
    late = [c for c in reported if reports[c.cluster_id].first_submitted_at >= due_end]
    apps = Application.objects.filter(call__year=2026).exclude(submission_count=0)
    if city:
        apps = apps.filter(cluster__division__parent_id=city)
    now, waits = timezone.now(), {}
    for state, since in apps.values_list("state", "state_changed_at"):
        waits.setdefault(state, []).append((now - since).days)
    applications = {
        state: {
            "n": len(days),
            "tier": TIERS[state],
            "mean_days": None if state in CLOSED else (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")),
            "max_days": None if state in CLOSED else max(days),
        }
        for state, days in waits.items()
    }
    mine = {c.cluster_id for c in Certification.objects.filter(cluster__division__parent_id=city)} if city else None
    cases = [c for c in RevocationCase.objects.select_related("certification") if c.status == "proposed"]
    changes = [r for r in ChangeReport.objects.all() if r.state in ("city_review", "province_review", "returned")]
    all_reports = list(AnnualReport.objects.filter(state__in=["submitted", "verified"]).select_related("certification"))
    if city:
        cases = [c for c in cases if c.certification.cluster_id in mine]
        changes = [r for r in changes if r.cluster_id in mine]
        all_reports = [r for r in all_reports if r.cluster_id in mine]
    warned = []
    for r in all_reports:
        if r.report_year != 2025:
            continue
        behind = False
        for p in r.progress.select_related("target"):
            n = 2025 - r.certification.year + 1
            target = [p.target.target_1, p.target.target_2, p.target.target_3][n - 1]
            decreasing = p.target.target_3 < p.target.baseline
            if p.actual is not None and (p.actual > target if decreasing else p.actual < target):
                behind = True
        if r.flag_count or behind:
            warned.append(r)
    supports = KeySupport.objects.filter(year=2026, state="marked")
    if city:
        supports = supports.filter(cluster__division__parent_id=city)
    in_period = [c for c in certs if 2021 <= c.year <= 2025]
    running, cumulative = 0, []
    for year in range(2021, 2026):
        n = len([c for c in in_period if c.year == year and c.status != "revoked"])
        running += n
        cumulative.append({"year": year, "n": n, "cumulative": running})
    total = sum(r.total_output for r in all_reports if r.report_year == 2025)
    sme = sum(r.sme_output for r in all_reports if r.report_year == 2025)
    indicators = {}
    for year in sorted({r.report_year for r in all_reports}):
        of_year = [r for r in all_reports if r.report_year == year]
        row = {"reports": len(of_year)}
        for name in FIGURES:
            values = [getattr(r, name) for r in of_year if getattr(r, name) is not None]
            row[name] = sum(values) if values else None
        both = [r for r in of_year if r.total_output is not None and r.sme_output is not None]
        both_total = sum(r.total_output for r in both)
        row["sme_share"] = (
            (Decimal(sum(r.sme_output for r in both)) * 100 / Decimal(both_total)).quantize(Decimal("0.01"))
            if both_total
            else None
        )
        indicators[year] = row
    recommended = None
    if not city:
        recommended = RecommendationItem.objects.filter(recommendation__year=2026, removed_at__isnull=True).count()
    return {
        "in_force": len(in_force),
        "by_status": Counter(c.status for c in certs),
        "by_city": Counter(c.cluster.division.parent_id for c in in_force),
        "by_county": Counter(c.cluster.division_id for c in in_force),
        "by_industry": Counter(c.cluster.lead_industry for c in in_force),
        "by_year": Counter((c.year, c.status) for c in certs),
        "progress": len([c for c in in_period if c.status != "revoked"]),
        "progress_revoked": len([c for c in in_period if c.status == "revoked"]),
        "cumulative": cumulative,
        "percent": (Decimal(running) * 100 / TARGET).quantize(Decimal("0.1")),
        "applications": Counter(apps.values_list("state", flat=True)),
        "application_rows": applications,
        "reports": {
            "owing": len(owing),
            "reported": len(reported),
            "late": len(late),
            "on_time": len(reported) - len(late),
            "missing": len(owing) - len(reported),
        },
        "open_cases": len(cases),
        "open_changes": len(changes),
        "warnings": len(warned),
        "supports": supports.count(),
        "figures_2025": len([r for r in all_reports if r.report_year == 2025]),
        "total_output_2025": total,
        "sme_share_2025": (Decimal(sme) * 100 / Decimal(total)).quantize(Decimal("0.01")),
        "indicators": indicators,
        "recommended": recommended,
        "in_force_numbers": {c.number for c in in_force},
    }


def _check(ctx, exp):
    certs = ctx["certs"]
    assert certs["in_force"] == exp["in_force"]
    assert {k: v for k, v in certs["by_status"].items() if v} == dict(exp["by_status"])
    assert {r["code"]: r["n"] for r in certs["by_city"] if r["n"]} == dict(exp["by_city"])
    assert {r["code"]: r["n"] for r in certs["by_county"]} == dict(exp["by_county"])
    assert {r["name"]: r["n"] for r in certs["by_industry"]} == dict(exp["by_industry"])
    got_years = {(r["year"], s): n for r in certs["by_year"] for s, n in r["counts"].items() if n}
    assert got_years == dict(exp["by_year"])
    assert certs["progress"]["counted"] == exp["progress"]
    assert certs["progress"]["revoked"] == exp["progress_revoked"]
    assert certs["progress"]["cumulative"] == exp["cumulative"]
    assert certs["progress"]["percent"] == exp["percent"]
    assert {r["state"]: r["n"] for r in ctx["applications"]} == dict(exp["applications"])
    got_apps = {r["state"]: {k: r[k] for k in ("n", "tier", "mean_days", "max_days")} for r in ctx["applications"]}
    assert got_apps == exp["application_rows"]
    assert ctx["reports"]["counts"] == exp["reports"]
    assert ctx["lifecycle"] == {"open_cases": exp["open_cases"], "open_changes": exp["open_changes"]}
    assert ctx["warnings"] == exp["warnings"]
    assert ctx["supports"] == exp["supports"]
    row = next(r for r in ctx["indicators"] if r["report_year"] == 2025)
    assert row["reports"] == exp["figures_2025"]
    assert row["total_output"] == exp["total_output_2025"]
    assert row["sme_share"] == exp["sme_share_2025"]
    got_indicators = {r["report_year"]: {k: v for k, v in r.items() if k != "report_year"} for r in ctx["indicators"]}
    assert got_indicators == exp["indicators"]
    assert (ctx["recommendation"]["n"] if ctx["recommendation"] else None) == exp["recommended"]


def _links(html: str) -> list[tuple[str, int]]:
    return [(url.replace("&amp;", "&"), int(n.replace(",", ""))) for _a, url, n in LIST_LINK.findall(html)]


def _list_total(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(re.search(r"data-list-total>(\d+)<", response.content.decode()).group(1))


def _xlsx_rows(response) -> tuple[list, list[list]]:
    """(header, data rows) of the first sheet: the header row is the frozen one."""
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header_row = ws.freeze_panes and int(re.sub(r"\D", "", ws.freeze_panes)) - 1
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[header_row - 1]), [list(r) for r in rows[header_row:]]


# ---------------------------------------------------------------- the figures


def test_province_dashboard_numbers_equal_independent_counts(client, world):
    client.force_login(world["province"])
    response = client.get("/monitoring/dashboard/")
    assert response.status_code == 200
    exp = expected()
    _check(response.context, exp)
    # The world is what we think it is: the checks above compare non-trivial figures.
    assert exp["in_force"] == 6 and exp["reports"]["late"] == 1 and exp["warnings"] == 2
    assert exp["application_rows"]["county_review"] == {
        "n": 2,
        "tier": "县级主管部门",
        "mean_days": Decimal("8.5"),
        "max_days": 12,
    }
    assert exp["application_rows"]["rejected"]["mean_days"] is None
    assert sorted(exp["indicators"]) == [2024, 2025] and exp["recommended"] == 1
    html = response.content.decode()
    assert (
        f'data-count="in_force" href="/monitoring/dashboard/lists/certifications/?status=in_force">{exp["in_force"]}<'
        in html
    )
    assert "全省目标认定 100 个左右" in html and "完成 7.0%" in html


def test_every_number_links_to_a_list_of_exactly_the_items_counted(client, world):
    client.force_login(world["province"])
    html = client.get("/monitoring/dashboard/").content.decode()
    links = _links(html)
    kinds = {re.search(r"lists/(\w+)/", url).group(1) for url, _n in links}
    assert kinds == {"certifications", "applications", "reports", "figures", "cases", "changes"}
    assert len(links) > 60
    for url, n in links:
        assert _list_total(client, url) == n, url
    # Sums link to the reports summed: their export adds up to the figure shown.
    sums = re.findall(r'data-sum="(\w+)" href="([^"]+)">([^<]+)</a>', html)
    assert {name for name, _u, _t in sums} == {"total_output", "sme_share", "sme_rnd", "invention_patents"}
    for name, url, text in sums:
        _, rows = _xlsx_rows(client.get(url.replace("&amp;", "&").replace("/?", ".xlsx?")))
        column = {"total_output": 4, "sme_rnd": 8, "invention_patents": 9, "sme_share": 6}[name]
        if name == "sme_share":
            total, sme = sum(Decimal(str(r[4])) for r in rows), sum(Decimal(str(r[5])) for r in rows)
            assert text == f"{(sme * 100 / total).quantize(Decimal('0.01'))}%"
        elif name == "invention_patents":
            assert text == f"{sum(r[column] for r in rows):,}"
        else:
            assert text == f"{(sum(Decimal(str(r[column])) for r in rows) / 10000).quantize(Decimal('0.01')):,}亿元"
    # The items themselves, not only their number: the in-force list is the in-force certifications.
    response = client.get("/monitoring/dashboard/lists/certifications.xlsx?status=in_force")
    header, rows = _xlsx_rows(response)
    assert header[0] == "证书编号"
    assert {r[0] for r in rows} == expected()["in_force_numbers"]
    assert len(rows) == expected()["in_force"]


def test_city_sees_its_own_clusters_only(client, world):
    city = world["suzhou"]
    client.force_login(city)
    response = client.get("/monitoring/dashboard/")
    assert response.status_code == 200
    exp = expected(city="320500")
    _check(response.context, exp)
    assert (
        exp["in_force"] == 3 and "无锡" not in response.content.decode().split("<main", 1)[1].split("dashboard-data")[0]
    )
    for url, n in _links(response.content.decode()):
        assert _list_total(client, url) == n, url
    # Another city's clusters are not reachable by changing the filters.
    assert _list_total(client, "/monitoring/dashboard/lists/certifications/?city=320200") == 0
    _, rows = _xlsx_rows(client.get("/monitoring/dashboard/lists/certifications.xlsx"))
    assert {r[2] for r in rows} == {"苏州市"}


@pytest.mark.parametrize("who", ["county", "applicant", "expert", "other"])
def test_others_get_404(client, world, who):
    cert = world["certs"][0]
    user = {
        "county": lambda: authority_user(Role.COUNTY, cert.cluster.division),
        "applicant": lambda: cert.cluster.owner.users.first(),
        "expert": lambda: UserFactory(expert=True),
        "other": lambda: UserFactory(organisation__division=Division.objects.get(code="320583")),
    }[who]()
    client.force_login(user)
    for url in (
        "/monitoring/dashboard/",
        "/monitoring/dashboard/export/all.xlsx",
        "/monitoring/dashboard/lists/certifications/",
        "/monitoring/dashboard/lists/certifications.xlsx",
        "/monitoring/dashboard/target/",
        "/monitoring/warnings/",
        "/monitoring/key-support/",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client):
    response = client.get("/monitoring/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- Excel


TABLES = ["cities", "counties", "industries", "years", "progress", "applications", "reports", "lifecycle", "indicators"]


def test_every_table_exports_with_headers_formats_and_filters(client, world):
    client.force_login(world["province"])
    before = AuditEvent.objects.filter(event="export").count()
    for table in TABLES:
        response = client.get(f"/monitoring/dashboard/export/{table}.xlsx?year=2025")
        assert response.status_code == 200, table
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert ws.freeze_panes, table
        assert str(ws["B2"].value or ws["A2"].value).startswith("筛选条件：范围：江苏省"), table
    assert AuditEvent.objects.filter(event="export").count() == before + len(TABLES)
    wb = load_workbook(io.BytesIO(client.get("/monitoring/dashboard/export/indicators.xlsx").content))
    ws = wb.worksheets[0]
    header, rows = _xlsx_rows(client.get("/monitoring/dashboard/export/indicators.xlsx"))
    assert header[:3] == ["报告年度", "报告数（份）", "集群总产值（万元）"]
    row = next(r for r in rows if r[0] == 2025)
    assert Decimal(str(row[2])) == expected()["total_output_2025"]
    year_cell = next(
        row[0] for row in ws.iter_rows(min_row=int(re.sub(r"\D", "", ws.freeze_panes))) if row[0].value == 2025
    )
    assert year_cell.offset(0, 2).number_format == "#,##0.00"  # 万元
    assert year_cell.offset(0, 4).number_format == '0.00"%"'
    full = load_workbook(io.BytesIO(client.get("/monitoring/dashboard/export/all.xlsx").content))
    assert len(full.worksheets) == len(TABLES)


@pytest.mark.parametrize("who", ["province", "suzhou"])
def test_every_table_on_the_page_exports_its_rows(client, world, who):
    """Each table of the page has an export link in its caption, and the sheet holds one row per table row (the
    report table is one row of five figures: the sheet has them as five rows); the figures above the tables (the
    KPI block) export as the "认定动态" sheet with the same values."""
    client.force_login(world[who])
    html = client.get("/monitoring/dashboard/").content.decode()
    tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
    exported = set()
    for table in tables:
        name = re.search(r"<caption>.*?/monitoring/dashboard/export/(\w+)\.xlsx\?.*?</caption>", table, re.S).group(1)
        exported.add(name)
        body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
        rows = [r for r in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "colspan" not in r]
        _, sheet_rows = _xlsx_rows(client.get(f"/monitoring/dashboard/export/{name}.xlsx"))
        if name == "reports":
            shown = [int(n) for n in re.findall(r"data-report=\"\w+\"[^>]*>(\d+)<", rows[0])]
            assert [r[1] for r in sheet_rows] == shown
        else:
            assert len(sheet_rows) == len(rows), name
            assert len(rows) > 0 or name in ("cities", "applications"), name
    expected_tables = set(TABLES) - {"lifecycle"} - (set() if who == "province" else {"cities"})
    assert exported == expected_tables
    assert "/monitoring/dashboard/export/lifecycle.xlsx?" in html and "/monitoring/dashboard/export/all.xlsx?" in html
    kpis = {k: int(n) for k, n in re.findall(r'data-count="(\w+)" href="[^"]*">(\d+)<', html)}
    _, sheet_rows = _xlsx_rows(client.get("/monitoring/dashboard/export/lifecycle.xlsx"))
    order = ["expiring", "expired", "revoked", "open_cases", "open_changes", "warnings", "supports"]
    assert [r[1] for r in sheet_rows] == [kpis[k] for k in order]


def test_the_print_stylesheet_is_linked_for_print(client, world):
    client.force_login(world["province"])
    link = re.compile(r'<link rel="stylesheet" href="/static/css/dashboard-print\.css" media="print">')
    for url in ("/monitoring/dashboard/", "/monitoring/dashboard/lists/certifications/?status=in_force"):
        assert link.search(client.get(url).content.decode()), url


def test_the_programme_numbers_open_their_lists(client, world):
    """The KPIs that open the programme's own pages: warnings, key support and the national recommendation."""
    client.force_login(world["province"])
    html = client.get("/monitoring/dashboard/").content.decode()
    exp = expected()
    links = {
        k: (url.replace("&amp;", "&"), int(n))
        for k, url, n in re.findall(r'data-count="(\w+)" href="([^"]*)">(\d+)<', html)
    }
    assert links["warnings"] == ("/monitoring/warnings/?year=2025", exp["warnings"])
    assert client.get(links["warnings"][0]).context["page"].paginator.count == exp["warnings"]
    assert links["supports"] == ("/monitoring/key-support/?year=2026", exp["supports"])
    assert client.get(links["supports"][0]).context["page"].paginator.count == exp["supports"]
    _, rows = _xlsx_rows(client.get("/monitoring/key-support.xlsx?year=2026"))
    assert len(rows) == exp["supports"]
    url, n = links["recommended"]
    assert n == exp["recommended"] and len(client.get(url).context["items"]) == n


def test_list_exports_have_one_row_per_item_and_the_filters(client, world):
    client.force_login(world["province"])
    exp = expected()
    cases = [
        ("certifications", "?status=expiring", exp["by_status"]["expiring"]),
        ("applications", "?state=county_review", exp["applications"]["county_review"]),
        ("reports", "?year=2025&status=missing", exp["reports"]["missing"]),
        ("figures", "?year=2025", exp["figures_2025"]),
        ("cases", "?status=proposed", exp["open_cases"]),
        ("changes", "?state=open", exp["open_changes"]),
    ]
    for kind, query, n in cases:
        response = client.get(f"/monitoring/dashboard/lists/{kind}.xlsx{query}")
        assert response.status_code == 200
        header, rows = _xlsx_rows(response)
        assert len(rows) == n, kind
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert str(ws["A2"].value).startswith("筛选条件："), kind
    _, rows = _xlsx_rows(client.get("/monitoring/dashboard/lists/figures.xlsx?year=2025"))
    assert sum(Decimal(str(r[4])) for r in rows) == exp["total_output_2025"]


# ---------------------------------------------------------------- queries


def _queries(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_keeps_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    pages = {
        "province": (world["province"], "/monitoring/dashboard/"),
        "city": (world["suzhou"], "/monitoring/dashboard/"),
        "list": (world["province"], "/monitoring/dashboard/lists/certifications/?status=in_force"),
        "reports list": (world["suzhou"], "/monitoring/dashboard/lists/reports/?year=2025&status=owing"),
        "warnings": (world["province"], "/monitoring/warnings/?year=2025"),
        "key support": (world["province"], "/monitoring/key-support/?year=2026"),
    }
    small = {}
    for name, (user, url) in pages.items():
        client.force_login(user)
        small[name] = _queries(client, url)
    build_world()
    build_world()
    bulk_certifications(120)
    for name, (user, url) in pages.items():
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(small[name]):
            assert client.get(url).status_code == 200, name
