"""The province's figures served from the cache (`selectors.figures`, issue #17): the warnings, the cities' counts
and the dashboard's tables equal a fresh count, and follow every change of what they are computed from — a logged
transition (a report submitted or returned) through the data versions, a cluster edited without a log entry and a
renamed division through the stamp. The long lists (warnings, clusters missing a report) show every row across
their pages, and the warnings' Excel export has every row, not one page."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Division
from clusters import services as cluster_services
from clusters.tests.factories import province_user
from core.exceptions import ServiceError
from monitoring import selectors, services
from monitoring.constants import ReportState as R
from monitoring.models import AnnualReport
from monitoring.selectors import figures

from .bulk import bulk_certifications
from .dashboard_world import LOW, build_world
from .factories import county_of, owner_of, report_in_state

pytestmark = pytest.mark.django_db


def _fresh_ids(year=2025, user=None) -> list[int]:
    return sorted(selectors.warning_reports(year, user=user or province_user()).values_list("pk", flat=True))


def _bulk_warnings(n: int) -> list[AnnualReport]:
    """n verified 2025 reports flagged below an Art. 6 threshold, one per imported certification (bulk: the
    cache is empty at the start of each test, and nothing is read before they exist)."""
    flag = {"code": "6(2)", "title": "集群总产值", "message": "集群总产值低于 500,000 万元。"}
    author = province_user()
    return AnnualReport.objects.bulk_create(
        AnnualReport(
            cluster_id=cert.cluster_id,
            certification=cert,
            report_year=2025,
            state=R.VERIFIED,
            created_by=author,
            first_submitted_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
            submission_count=1,
            threshold_flags=[flag],
            flag_count=1,
        )
        for cert in bulk_certifications(n)
    )


def _page_names(html: str) -> list[str]:
    return re.findall(r'<a href="/monitoring/clusters/\d+/">([^<]+)</a>', html)


# ---------------------------------------------------------------- the warnings


def test_cached_warnings_equal_a_fresh_count_and_follow_each_logged_transition(client, monkeypatch):
    world = build_world()
    calls = []
    compute = figures.compute_warning_index
    monkeypatch.setattr(figures, "compute_warning_index", lambda year: calls.append(year) or compute(year))
    client.force_login(world["province"])

    def shown() -> tuple[int, int, int]:
        return (
            client.get("/monitoring/dashboard/").context["warnings"],
            client.get("/monitoring/province/2025/").context["warnings"],
            client.get("/monitoring/warnings/?year=2025").context["page"].paginator.count,
        )

    assert shown() == (2, 2, 2) and selectors.warning_index(2025)["ids"] == _fresh_ids()
    assert calls == [2025]  # computed once for the three pages
    # A flagged report returned by its county (a logged transition) is no longer a warning.
    flagged = AnnualReport.objects.get(report_year=2025, flag_count__gt=0)
    services.report_return(report=flagged, actor=county_of(flagged), reason="请核实集群总产值。")
    assert shown() == (1, 1, 1) and selectors.warning_index(2025)["ids"] == _fresh_ids()
    # A new report submitted below the thresholds is one.
    report_in_state(R.SUBMITTED, figures=LOW)
    assert shown() == (2, 2, 2) and selectors.warning_index(2025)["ids"] == _fresh_ids()
    assert calls == [2025, 2025, 2025]
    # A city counts its own (the scope is applied afresh to the index).
    client.force_login(world["suzhou"])
    city = client.get("/monitoring/dashboard/")
    assert city.context["warnings"] == len(_fresh_ids(user=world["suzhou"]))


def test_the_warning_list_pages_through_every_warning_and_the_export_has_them_all(client):
    reports = _bulk_warnings(27)
    client.force_login(province_user())
    first = client.get("/monitoring/warnings/?year=2025")
    page = first.context["page"]
    assert page.paginator.count == 27 and len(page.object_list) == 20 and page.paginator.num_pages == 2
    second = client.get("/monitoring/warnings/?year=2025&page=2")
    names = _page_names(first.content.decode()) + _page_names(second.content.decode())
    expected = [r["cluster__name"] for r in selectors.warning_values(2025, user=province_user())]
    assert names == expected and len(set(names)) == 27
    assert {r.cluster.name for r in reports} == set(names)
    # The export: every warning of the year, not the page's 20.
    response = client.get("/monitoring/warnings/?year=2025&format=xlsx")
    rows = [r for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    listed = [r[0] for r in rows if r and r[0] in set(names)]
    assert listed == expected


# ---------------------------------------------------------------- the province's overview


def test_the_overview_counts_follow_a_submission_and_list_every_missing_cluster(client):
    bulk_certifications(23)
    province = province_user()
    client.force_login(province)
    response = client.get("/monitoring/province/2025/")
    totals = response.context["totals"]
    assert totals == {"owing": 23, "reported": 0, "cities_submitted": 0, "cities_owing": totals["cities_owing"]}
    missing = response.context["page"]
    assert missing.paginator.count == 23 and len(missing.object_list) == 20
    second = client.get("/monitoring/province/2025/?page=2").context["page"]
    listed = [r["number"] for r in missing.object_list] + [r["number"] for r in second.object_list]
    assert sorted(listed) == sorted(selectors.eligible_certifications(2025).values_list("number", flat=True))
    # A report submitted (a logged transition): the cached counts follow, the cluster leaves the missing list.
    report = report_in_state(R.SUBMITTED)
    response = client.get("/monitoring/province/2025/")
    assert response.context["totals"]["owing"] == 24 and response.context["totals"]["reported"] == 1
    assert response.context["page"].paginator.count == 23
    assert report.cluster.name not in response.content.decode()


# ---------------------------------------------------------------- inputs changed without a log entry


def test_a_cluster_edited_without_a_log_entry_and_a_renamed_division_show_at_once(client):
    world = build_world()
    client.force_login(world["province"])
    industries = {r["name"]: r["n"] for r in client.get("/monitoring/dashboard/").context["certs"]["by_industry"]}
    assert industries.get("物联网") == 2 and "数字创意" not in industries
    # An administrator changes the imported cluster's lead industry (a save, no logged transition). Its owner
    # cannot: a cluster in a valid certification changes only through a change report.
    imported = next(c for c in world["certs"] if c.application_id is None)
    with pytest.raises(ServiceError, match="认定有效期内"):
        cluster_services.cluster_update(cluster=imported.cluster, actor=owner_of(imported), lead_industry="数字创意")
    imported.cluster.lead_industry = "数字创意"
    imported.cluster.save()
    industries = {r["name"]: r["n"] for r in client.get("/monitoring/dashboard/").context["certs"]["by_industry"]}
    assert industries.get("物联网") == 1 and industries.get("数字创意") == 1
    # An administrator renames a city (the admin logs no transition).
    Division.objects.filter(code="320500").update(name="苏州市（更名）")
    cities = {r["code"]: r["name"] for r in client.get("/monitoring/dashboard/").context["certs"]["by_city"]}
    assert cities["320500"] == "苏州市（更名）"
    rows = client.get("/monitoring/province/2025/").context["cities"]
    assert next(r["city"].name for r in rows if r["city"].code == "320500") == "苏州市（更名）"


def test_a_warm_dashboard_reads_no_certification_or_report_rows(client):
    world = build_world()
    client.force_login(world["province"])
    client.get("/monitoring/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/monitoring/dashboard/").status_code == 200
    tables = ("clusters_certification", "monitoring_annualreport", "monitoring_reporttargetprogress")
    # only the stamp touches them, for their number and highest id (figures.stamp), not their rows
    reads = [q["sql"] for q in ctx.captured_queries if any(f'"{t}"' in q["sql"] for t in tables)]
    assert reads and all("count(" in sql.lower() and "max(" in sql.lower() for sql in reads)
