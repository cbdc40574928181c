"""Every page's permission matrix (in scope 200, out of scope 404, anonymous → login), bad input answered in
Chinese without a 500, and query counts that do not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from clusters.tests.factories import authority_user, pdf_upload, province_user
from monitoring import services
from monitoring.constants import ReportState
from monitoring.models import AnnualReport, ReportingCalendar, RevocationCase

from .factories import (
    GOOD_FIGURES,
    CertificationFactory,
    city_of,
    cluster_in,
    county_of,
    division,
    owner_of,
    report_in_state,
)

pytestmark = pytest.mark.django_db
R = ReportState


@pytest.fixture
def world():
    cert = CertificationFactory(cluster=cluster_in("320583"))
    report = report_in_state(R.DRAFT, certification=cert)
    attachment = services.report_attachment_upload(report=report, actor=owner_of(cert), uploaded_file=pdf_upload())
    report = services.report_submit(report=report, actor=owner_of(cert))
    draft = report_in_state(R.DRAFT, certification=CertificationFactory(cluster=cluster_in("320583")))
    RevocationCase.objects.create(
        certification=cert, ground="annual_info_missing", evidence="测试", source="manual", year=2025
    )
    users = {
        "owner": owner_of(cert),
        "county": county_of(cert),
        "city": city_of(cert),
        "province": province_user(),
        "draft_owner": owner_of(draft),
        "other_applicant": UserFactory(organisation__division=division("320281")),
        "other_county": authority_user(Role.COUNTY, division("320582")),
        "other_city": authority_user(Role.CITY, division("320281")),
        "expert": UserFactory(expert=True),
    }
    return {"cert": cert, "report": report, "attachment": attachment, "draft": draft, "users": users}


JURISDICTION = {"owner": 200, "county": 200, "city": 200, "province": 200}
PROVINCE = {"province": 200}


def pages(w):
    r, d, a = w["report"], w["draft"], w["attachment"]
    return [
        ("报告详情", f"/monitoring/reports/{r.pk}/", JURISDICTION),
        ("报告附件", f"/monitoring/reports/{r.pk}/attachments/{a.pk}/", JURISDICTION),
        ("已提交报告的编辑页", f"/monitoring/reports/{r.pk}/edit/", {k: 302 for k in JURISDICTION}),
        ("草稿详情", f"/monitoring/reports/{d.pk}/", {"draft_owner": 200}),
        ("草稿编辑", f"/monitoring/reports/{d.pk}/edit/", {"draft_owner": 200}),
        ("集群监测页", f"/monitoring/clusters/{r.cluster_id}/", JURISDICTION),
        ("设区市信息表", "/monitoring/cities/320500/2025/", {"city": 200, "province": 200}),
        ("信息表Excel", "/monitoring/cities/320500/2025/table.xlsx", {"city": 200, "province": 200}),
        ("信息表PDF", "/monitoring/cities/320500/2025/table.pdf", {"city": 200, "province": 200}),
        ("另一设区市信息表", "/monitoring/cities/320200/2025/", {"other_city": 200, "province": 200}),
        (
            "首页",
            "/monitoring/",
            {
                "owner": 200,
                "county": 200,
                "city": 302,
                "province": 302,
                "draft_owner": 200,
                "other_applicant": 200,
                "other_county": 200,
                "other_city": 302,
            },
        ),
        ("省级概览", "/monitoring/province/2025/", PROVINCE),
        # Issue #15: a city sees the warnings of its own clusters (the province all).
        ("预警集群", "/monitoring/warnings/", {"city": 200, "other_city": 200, "province": 200}),
        ("撤销建议", "/monitoring/revocations/", PROVINCE),
        ("报送时间", "/monitoring/calendar/", PROVINCE),
        ("导入", "/monitoring/import/", PROVINCE),
        ("导入模板", "/monitoring/import/template.xlsx", PROVINCE),
    ]


def test_the_permission_matrix_of_every_page(client, world):
    wrong = []
    for name, url, allowed in pages(world):
        client.logout()
        response = client.get(url)
        if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
            wrong.append((name, "anonymous", response.status_code))
        for role, user in world["users"].items():
            client.force_login(user)
            response = client.get(url)
            expected = allowed.get(role, 404)
            if response.status_code != expected:
                wrong.append((name, role, response.status_code, expected))
    assert wrong == []


def post_endpoints(w):
    r, a = w["report"], w["attachment"]
    return [
        (f"/monitoring/reports/{r.pk}/submit/", {"acknowledged": "on"}),
        (f"/monitoring/reports/{r.pk}/verify/", {}),
        (f"/monitoring/reports/{r.pk}/return/", {"reason": "x"}),
        (f"/monitoring/reports/{r.pk}/edit/", {"version": "1"}),
        (f"/monitoring/reports/{r.pk}/attachments/", {}),
        (f"/monitoring/reports/{r.pk}/attachments/{a.pk}/remove/", {}),
        ("/monitoring/cities/320500/2025/submit/", {"remarks": "x"}),
        ("/monitoring/cities/320500/2025/return/", {"reason": "x"}),
        ("/monitoring/cities/320500/2025/", {"remarks": "x"}),
        ("/monitoring/calendar/", {"report_year": "2025", "cluster_due": "2026-04-01", "city_due": "2026-04-10"}),
        ("/monitoring/import/", {}),
    ]


@pytest.mark.parametrize("role", ["other_applicant", "other_county", "other_city", "expert"])
def test_actions_out_of_scope_are_404_and_change_nothing(client, world, role):
    client.force_login(world["users"][role])
    for url, data in post_endpoints(world):
        assert client.post(url, data).status_code == 404, url
    assert AnnualReport.objects.get(pk=world["report"].pk).state == R.SUBMITTED
    assert not ReportingCalendar.objects.exists()
    response = client.post("/monitoring/reports/start/", {"certification": world["cert"].pk, "report_year": 2025})
    assert response.status_code == 404


def test_anonymous_actions_go_to_the_login_page(client, world):
    for url, data in post_endpoints(world):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# ---------------------------------------------------------------- the applicant's draft


def _xhr(client, url, data):
    return client.post(url, data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def _form_data(report, **overrides):
    data = {"version": report.edit_version, **{k: str(v) for k, v in GOOD_FIGURES.items()}}
    data.update({"development": "发展", "practices": "做法", "problems": "问题", "next_steps": "措施"})
    for p in report.progress.all():
        data[f"target_{p.target_id}"] = "800000" if p.target.unit == "万元" else "0.42"
    data.update(overrides)
    return data


def test_autosave_saves_refuses_a_stale_tab_and_answers_bad_input_in_chinese(client):
    report = report_in_state(R.DRAFT, filled=False)
    client.force_login(owner_of(report))
    url = f"/monitoring/reports/{report.pk}/edit/"
    ok = _xhr(client, url, _form_data(report))
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _xhr(client, url, _form_data(report, total_output="1"))
    assert stale.status_code == 409 and "其他窗口" in stale.json()["message"]
    bad = _xhr(
        client, url, _form_data(AnnualReport.objects.get(pk=report.pk), total_output="很多", sme_output="999999999")
    )
    assert bad.status_code == 400 and "total_output" in bad.json()["errors"]
    assert AnnualReport.objects.get(pk=report.pk).total_output == Decimal("760000")
    page = client.post(url, _form_data(AnnualReport.objects.get(pk=report.pk), employees="-5"))
    assert page.status_code == 400 and "有内容需要修改" in page.content.decode()


def test_the_edit_page_shows_the_return_reason_and_submits(client):
    report = report_in_state(R.RETURNED)
    client.force_login(owner_of(report))
    page = client.get(f"/monitoring/reports/{report.pk}/edit/")
    assert "请补充经验做法的具体案例" in page.content.decode()
    response = client.post(f"/monitoring/reports/{report.pk}/submit/", {})
    assert response.status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).state == R.SUBMITTED


def test_submitting_unconfirmed_contradictions_explains_and_keeps_the_draft(client):
    report = report_in_state(R.DRAFT, figures={**GOOD_FIGURES, "total_output": Decimal("2800000")})
    client.force_login(owner_of(report))
    response = client.post(f"/monitoring/reports/{report.pk}/submit/", {})
    assert response.status_code == 400 and "请核实" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).state == R.DRAFT
    response = client.post(
        f"/monitoring/reports/{report.pk}/submit/", {"acknowledged": "on", "explanation": "并入园区"}
    )
    assert response.status_code == 302 and AnnualReport.objects.get(pk=report.pk).state == R.SUBMITTED


def test_start_for_a_year_the_cluster_was_not_certified_explains(client):
    cert = CertificationFactory()
    client.force_login(owner_of(cert))
    for year in ("2024", "abc", ""):
        response = client.post(
            "/monitoring/reports/start/", {"certification": cert.pk, "report_year": year}, follow=True
        )
        assert response.status_code == 200
    assert (
        "不在认定有效期内"
        in client.post(
            "/monitoring/reports/start/", {"certification": cert.pk, "report_year": "2024"}, follow=True
        ).content.decode()
    )
    assert client.post("/monitoring/reports/start/", {"certification": "abc", "report_year": "2025"}).status_code == 404
    response = client.post("/monitoring/reports/start/", {"certification": cert.pk, "report_year": "2025"})
    assert response.status_code == 302 and AnnualReport.objects.filter(certification=cert).count() == 1


def test_the_county_returns_only_with_a_reason(client):
    report = report_in_state(R.SUBMITTED)
    client.force_login(county_of(report))
    response = client.post(f"/monitoring/reports/{report.pk}/return/", {"reason": ""}, follow=True)
    assert "请填写退回原因" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).state == R.SUBMITTED
    client.post(f"/monitoring/reports/{report.pk}/verify/", {"comment": "同意"})
    assert AnnualReport.objects.get(pk=report.pk).state == R.VERIFIED


def test_bad_urls_and_parameters_are_404_not_500(client, world):
    client.force_login(world["users"]["province"])
    for url in (
        "/monitoring/cities/999999/2025/",
        "/monitoring/cities/320583/2025/",  # a county is not a city
        "/monitoring/cities/320500/1999/",
        "/monitoring/cities/320500/2025/?version=abc",
        "/monitoring/cities/320500/2025/table.xlsx?version=7",
        "/monitoring/province/1999/",
        f"/monitoring/reports/{world['report'].pk}/attachments/999999/",
        "/monitoring/clusters/999999/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/monitoring/warnings/?year=abc").status_code == 200
    assert client.get("/monitoring/revocations/?ground=nonsense&page=x").status_code == 200
    assert client.get("/monitoring/calendar/?year=abc").status_code == 200


def test_calendar_page_saves_and_refuses_incoherent_dates(client):
    client.force_login(province_user())
    bad = client.post(
        "/monitoring/calendar/", {"report_year": "2025", "cluster_due": "2026-04-20", "city_due": "2026-04-10"}
    )
    assert bad.status_code == 200 and "不能早于" in bad.content.decode() and not ReportingCalendar.objects.exists()
    good = client.post(
        "/monitoring/calendar/",
        {"report_year": "2025", "cluster_due": "2026-04-15", "city_due": "2026-04-25", "basis": "通知"},
    )
    assert good.status_code == 302
    assert ReportingCalendar.objects.get().cluster_due == datetime.date(2026, 4, 15)


def test_import_page_reports_errors_by_row_and_column(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_imports import row, workbook

    client.force_login(province_user())
    response = client.post("/monitoring/import/", {"file": workbook(row(**{"所在县（市、区）": "不存在县"}))})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第4行" in body and "B列（所在县（市、区））" in body and "全部行均未导入" in body
    response = client.post("/monitoring/import/", {"file": SimpleUploadedFile("x.xlsx", b"junk")})
    assert response.status_code == 400
    response = client.post("/monitoring/import/", {"file": workbook(row())})
    assert response.status_code == 200 and "导入完成" in response.content.decode()


def test_the_city_page_submits_and_refuses_changes_afterwards(client):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    report_in_state(R.SUBMITTED, certification=cert)
    CertificationFactory(cluster=cluster_in("320582"))  # never reports
    city = city_of(cert)
    client.force_login(city)
    page = client.get("/monitoring/cities/320500/2025/").content.decode()
    assert "未报送 1 个" in page
    client.post("/monitoring/cities/320500/2025/", {"remarks": "草稿意见", "version": ""})
    response = client.post("/monitoring/cities/320500/2025/submit/", {"remarks": "已督促张家港。"}, follow=True)
    assert "已报送省工业和信息化厅" in response.content.decode()
    response = client.post("/monitoring/cities/320500/2025/", {"remarks": "改"}, follow=True)
    assert "不能修改" in response.content.decode()
    client.force_login(province_user())
    response = client.post("/monitoring/cities/320500/2025/return/", {"reason": "请补充"}, follow=True)
    assert "已退回设区市" in response.content.decode()


def test_the_cluster_page_charts_with_vendored_echarts_and_no_inline_script(client):
    report = report_in_state(R.SUBMITTED)
    client.force_login(owner_of(report))
    body = client.get(f"/monitoring/clusters/{report.cluster_id}/").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in body and "/static/js/monitoring-trends.js" in body
    assert 'id="trend-data" type="application/json"' in body
    import re

    inline = [s for s in re.findall(r"<script([^>]*)>", body) if "src=" not in s and "application/json" not in s]
    assert inline == []


def test_navigation_and_todos_list_what_waits_with_deadlines(client):
    report = report_in_state(R.SUBMITTED)
    client.force_login(county_of(report))
    body = client.get("/").content.decode()
    assert "年度监测" in body and "待审核的年度发展报告" in body
    client.force_login(owner_of(CertificationFactory()))
    body = client.get("/").content.decode()
    assert "待提交的2025年度发展报告（3月31日截止，还有21天）" in body
    client.force_login(city_of(report))
    assert "待报送的2025年度集群培育情况信息表（4月10日截止" in client.get("/").content.decode()


def test_frozen_records_are_read_only_in_the_admin(rf):
    from django.contrib.admin.sites import site

    from monitoring.models import AnnualReportVersion

    report = report_in_state(R.SUBMITTED)
    request = rf.get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True, role="")
    report_admin = site._registry[AnnualReport]
    assert not report_admin.has_change_permission(request, report)
    assert not report_admin.has_delete_permission(request, report)
    draft = report_in_state(R.DRAFT)
    assert set(report_admin.get_readonly_fields(request, draft)) >= {"state", "total_output"}
    version_admin = site._registry[AnnualReportVersion]
    assert not version_admin.has_change_permission(request, report.versions.get())


# ---------------------------------------------------------------- query counts at two data sizes


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


COUNTIES = ["320583", "320582", "320581", "320585", "320506"]


def _grow(n, owner_org=None, start=0):
    """n more certified clusters in 苏州, each with a submitted report flagged below a threshold and a proposal."""
    for i in range(start, start + n):
        kwargs = {"owner": owner_org} if owner_org is not None else {}
        if owner_org is not None:
            from clusters.tests.factories import ClusterFactory

            cluster = ClusterFactory(**kwargs, name=f"增长集群{i}")
        else:
            cluster = cluster_in(COUNTIES[i % len(COUNTIES)], name=f"增长集群{i}")
        cert = CertificationFactory(cluster=cluster)
        report_in_state(
            R.SUBMITTED,
            certification=cert,
            figures={
                **GOOD_FIGURES,
                "total_output": Decimal("390000"),
                "sme_output": Decimal("300000"),
                "lead_output": Decimal("300000"),
            },
        )
        RevocationCase.objects.create(
            certification=cert, ground="annual_info_missing", evidence="e", source="manual", year=2025
        )


def test_list_and_detail_pages_keep_a_constant_number_of_queries(client, django_assert_max_num_queries):
    first = CertificationFactory(cluster=cluster_in("320583"))
    report = report_in_state(
        R.SUBMITTED,
        certification=first,
        figures={
            **GOOD_FIGURES,
            "total_output": Decimal("390000"),
            "sme_output": Decimal("300000"),
            "lead_output": Decimal("300000"),
        },
    )
    owner, county, city, province = owner_of(first), county_of(first), city_of(first), province_user()
    _grow(2, owner_org=first.cluster.owner, start=0)
    _grow(2, start=100)
    pages = {
        "applicant home": (owner, "/monitoring/"),
        "county home": (county, "/monitoring/"),
        "city table": (city, "/monitoring/cities/320500/2025/"),
        "province overview": (province, "/monitoring/province/2025/"),
        "warnings": (province, "/monitoring/warnings/"),
        "revocations": (province, "/monitoring/revocations/"),
        "cluster page": (county, f"/monitoring/clusters/{first.cluster_id}/"),
        "report page": (county, f"/monitoring/reports/{report.pk}/"),
        "todos": (province, "/"),
    }
    small = {}
    for name, (user, url) in pages.items():
        client.force_login(user)
        client.get(url)  # warm per-process caches (content types, sessions)
        small[name] = _count(client, url)
    _grow(6, owner_org=first.cluster.owner, start=10)
    _grow(8, start=200)
    for name, (user, url) in pages.items():
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(small[name]):
            response = client.get(url)
        assert response.status_code == 200, name
