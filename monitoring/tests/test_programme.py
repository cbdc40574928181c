"""Key support (Art. 13), the national recommendation and its package (Art. 13), early warnings with plan targets
behind schedule, the target of Art. 5, and the dashboard's place in the navigation."""

import io
import zipfile

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError
from openpyxl import load_workbook

from accounts.constants import Role
from clusters.tests.factories import authority_user, pdf_upload, province_user
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import AuditEvent, TransitionLog
from core.transitions import history_for
from monitoring import services
from monitoring.constants import PACKAGE_SOFT_TIME_LIMIT, KeySupportState, RecommendationState
from monitoring.models import KeySupport, NationalRecommendation, ProgrammeTarget
from monitoring.tasks import build_recommendation_package

from .dashboard_world import behind_report, build_world
from .factories import CertificationFactory, city_of, cluster_in, county_of, owner_of, report_in_state

pytestmark = pytest.mark.django_db
S = RecommendationState


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- key support


def test_key_support_is_marked_with_a_reason_unmarked_with_history_and_shown(client):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    province = province_user()
    client.force_login(province)
    response = client.post(
        "/monitoring/key-support/",
        {"certification": cert.pk, "year": 2026, "reason": "主导产业优势突出，带动作用明显。"},
    )
    assert response.status_code == 302
    mark = KeySupport.objects.get(cluster=cert.cluster, year=2026)
    assert mark.marked_by == province and mark.state == KeySupportState.MARKED
    row = history_for(mark).get()
    assert row.transition == "mark" and row.digest  # frozen from the start
    # Marked twice in one year: refused.
    with pytest.raises(ServiceError):
        services.key_support_mark(actor=province, certification=cert, year=2026, reason="再次标记测试。")
    # The cluster's page and the list show it; the list exports one row per mark.
    page = client.get(f"/monitoring/clusters/{cert.cluster_id}/").content.decode()
    assert "2026年度重点支持" in page and "主导产业优势突出" in page
    owner_page = client_for(owner_of(cert)).get(f"/monitoring/clusters/{cert.cluster_id}/").content.decode()
    assert "2026年度重点支持" in owner_page and "主导产业优势突出" not in owner_page  # the reason is the province's
    wb = load_workbook(io.BytesIO(client.get("/monitoring/key-support.xlsx?year=2026").content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == cert.cluster.name and len([r for r in rows if r[0] == cert.cluster.name]) == 1
    # Unmarking keeps the row, with who, when and why, through the transition service.
    response = client.post(f"/monitoring/key-support/{mark.pk}/unmark/", {"unmark_reason": "调整为下一年度支持。"})
    assert response.status_code == 302
    mark.refresh_from_db()
    assert mark.state == KeySupportState.UNMARKED and mark.unmarked_by == province
    assert [r.transition for r in history_for(mark)] == ["mark", "unmark"]
    assert "已于" in client.get(f"/monitoring/clusters/{cert.cluster_id}/").content.decode()
    # Marked again after an unmark: a new row, the old one stays.
    services.key_support_mark(actor=province, certification=cert, year=2026, reason="重新研究后予以支持。")
    assert KeySupport.objects.filter(cluster=cert.cluster, year=2026).count() == 2


def client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_only_the_province_marks_and_a_city_sees_its_own_marks():
    cert = CertificationFactory(cluster=cluster_in("320583"))
    other = CertificationFactory(cluster=cluster_in("320281"))
    province = province_user()
    for c in (cert, other):
        services.key_support_mark(actor=province, certification=c, year=2026, reason="协同创新能力强。")
    city = client_for(city_of(cert))
    html = city.get("/monitoring/key-support/?year=2026").content.decode()
    assert cert.cluster.name in html and other.cluster.name not in html
    assert (
        city.post("/monitoring/key-support/", {"certification": cert.pk, "year": 2026, "reason": "x" * 10}).status_code
        == 404
    )
    mark = KeySupport.objects.get(cluster=cert.cluster)
    assert city.post(f"/monitoring/key-support/{mark.pk}/unmark/", {"unmark_reason": "不同意"}).status_code == 404
    with pytest.raises(NotAllowed):
        services.key_support_mark(actor=city_of(cert), certification=cert, year=2027, reason="越权标记测试。")
    expired = CertificationFactory(cluster=cluster_in("320582"), expired=True)
    with pytest.raises(ServiceError):
        services.key_support_mark(actor=province, certification=expired, year=2026, reason="已过期的认定。")


# ---------------------------------------------------------------- the national recommendation


@pytest.fixture
def selection():
    """The 2026 recommendation with two selected clusters, one with a verified report and an attachment."""
    province = province_user()
    first = CertificationFactory(cluster=cluster_in("320583", name="昆山市高端装备产业集群"))
    second = CertificationFactory(cluster=cluster_in("320281", name="江阴市新材料产业集群"))
    report = report_in_state("draft", certification=first)
    services.report_attachment_upload(
        report=report, actor=owner_of(first), uploaded_file=pdf_upload("年度报告附件.pdf")
    )
    services.report_submit(report=report, actor=owner_of(first), acknowledged=True)
    services.key_support_mark(actor=province, certification=first, year=2026, reason="主导产业优势突出。")
    rec = services.recommendation_open(actor=province, year=2026, note="工信部2026年申报通知")
    for cert in (first, second):
        services.recommendation_add(
            actor=province, recommendation=rec, certification=cert, reason="产业链供应链协作高效，示范带动作用强。"
        )
    return {"rec": rec, "province": province, "first": first, "second": second}


def test_the_package_holds_the_summary_and_one_pdf_per_cluster_naming_it(
    client, selection, django_capture_on_commit_callbacks
):
    rec, province = selection["rec"], selection["province"]
    client.force_login(province)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/monitoring/recommendations/{rec.pk}/assemble/")
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.state == S.GENERATING
    page = client.get(f"/monitoring/recommendations/{rec.pk}/").content.decode()
    assert "正在生成" in page and f"/monitoring/recommendations/{rec.pk}/package.zip" not in page
    assert client.get(f"/monitoring/recommendations/{rec.pk}/package.zip").status_code == 404
    # The queued task (Celery, eager in tests) builds the package.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    rec.refresh_from_db()
    assert rec.state == S.READY and rec.package_clusters == 2
    before = AuditEvent.objects.filter(event="download").count()
    response = client.get(f"/monitoring/recommendations/{rec.pk}/package.zip")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(event="download").count() == before + 1
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    pdfs = [n for n in names if n.endswith(".pdf") and "/" not in n]
    assert len(pdfs) == 2
    for cert in (selection["first"], selection["second"]):
        pdf = next(n for n in pdfs if cert.cluster.name in n)
        text = pdf_text(zf.read(pdf))
        assert cert.cluster.name in text and cert.number in text
    first_pdf = pdf_text(zf.read(next(n for n in pdfs if selection["first"].cluster.name in n)))
    assert "2025年度发展报告" in first_pdf and "年度报告附件.pdf" in first_pdf and "2026年度" in first_pdf
    assert any(n.endswith("年度报告附件.pdf") and "/" in n for n in names)  # the document itself
    ws = load_workbook(io.BytesIO(zf.read("推荐汇总表.xlsx"))).worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[1] for r in rows] == [selection["first"].cluster.name, selection["second"].cluster.name]
    assert [r.transition for r in history_for(rec)] == ["open", "select", "select", "assemble", "complete"]


def test_only_the_province_reaches_the_recommendation_and_a_change_outdates_the_package(
    client, selection, django_capture_on_commit_callbacks
):
    rec, province = selection["rec"], selection["province"]
    city = client_for(city_of(selection["first"]))
    for url in (
        "/monitoring/recommendations/",
        f"/monitoring/recommendations/{rec.pk}/",
        f"/monitoring/recommendations/{rec.pk}/summary.xlsx",
        f"/monitoring/recommendations/{rec.pk}/package.zip",
    ):
        assert city.get(url).status_code == 404, url
    assert city.post(f"/monitoring/recommendations/{rec.pk}/assemble/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_assemble(actor=province, recommendation=rec)
    rec.refresh_from_db()
    assert rec.state == S.READY
    item = rec.items.get(cluster=selection["second"].cluster)
    services.recommendation_remove(actor=province, item=item, reason="材料不齐。")
    rec.refresh_from_db()
    assert rec.state == S.DRAFT  # the package made from the old selection is out of date
    item.refresh_from_db()
    assert item.removed_at is not None  # kept
    wb = load_workbook(
        io.BytesIO(client_for(province).get(f"/monitoring/recommendations/{rec.pk}/summary.xlsx").content)
    )
    assert [r[1] for r in wb.worksheets[0].iter_rows(values_only=True) if isinstance(r[0], int)] == [
        selection["first"].cluster.name
    ]


def test_a_second_request_while_generating_is_refused_and_a_failure_is_recorded(selection, monkeypatch):
    rec, province = selection["rec"], selection["province"]
    rec = services.recommendation_assemble(actor=province, recommendation=rec)  # on_commit not run: generating
    with pytest.raises(Conflict):
        services.recommendation_assemble(actor=province, recommendation=rec)
    with pytest.raises(Conflict):
        services.recommendation_add(
            actor=province, recommendation=rec, certification=selection["first"], reason="生成中调整名单。"
        )

    def boom(context):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("monitoring.services.recommendation_package.render_dossier", boom)
    assert build_recommendation_package.soft_time_limit == PACKAGE_SOFT_TIME_LIMIT
    assert build_recommendation_package(rec.pk, rec.generation) is False
    rec.refresh_from_db()
    assert rec.state == S.FAILED and "SoftTimeLimitExceeded" in rec.error
    assert build_recommendation_package(rec.pk, rec.generation) is False  # idempotent: nothing more happens
    assert TransitionLog.objects.filter(transition="fail").count() == 1


def test_one_recommendation_per_year():
    province = province_user()
    first = services.recommendation_open(actor=province, year=2026)
    assert services.recommendation_open(actor=province, year=2026) == first
    with pytest.raises(IntegrityError):
        NationalRecommendation.objects.create(year=2026, created_by=province)


# ---------------------------------------------------------------- early warning


def test_warnings_list_plan_targets_behind_schedule_with_the_figures(client):
    behind = CertificationFactory(cluster=cluster_in("320583", name="规划滞后集群"))
    behind_report(behind)
    sound = CertificationFactory(cluster=cluster_in("320583", name="正常集群"))
    report_in_state("verified", certification=sound)
    client.force_login(province_user())
    html = client.get("/monitoring/warnings/?year=2025").content.decode()
    assert "规划滞后集群" in html and "正常集群" not in html
    assert "集群总产值" in html and "规划第1年目标 750,000万元，实际 700,000万元" in html
    city = client_for(city_of(behind)).get("/monitoring/warnings/?year=2025")
    assert city.status_code == 200 and "规划滞后集群" in city.content.decode()
    other = client_for(authority_user(Role.CITY, cluster_in("320281").division)).get("/monitoring/warnings/?year=2025")
    assert "规划滞后集群" not in other.content.decode()
    assert client_for(county_of(behind)).get("/monitoring/warnings/").status_code == 404
    # The list exports what it shows (issue #16): one row per warned cluster, with the figures.
    workbook = load_workbook(io.BytesIO(client.get("/monitoring/warnings/?year=2025&format=xlsx").content))
    rows = [r for r in workbook.active.iter_rows(values_only=True) if r and r[0] == "规划滞后集群"]
    assert len(rows) == 1 and "规划第1年目标" in rows[0][4]
    assert not any(r and r[0] == "正常集群" for r in workbook.active.iter_rows(values_only=True))


# ---------------------------------------------------------------- the target of Art. 5, navigation


def test_the_province_sets_the_target_and_the_dashboard_measures_against_it(client):
    build_world()
    province = province_user()
    client.force_login(province)
    page = client.get("/monitoring/dashboard/").content.decode()
    assert "全省目标认定 100 个左右" in page
    response = client.post(
        "/monitoring/dashboard/target/",
        {"name": "“十四五”时期", "start_year": 2021, "end_year": 2025, "target": 120, "basis": "省厅党组会议决定"},
    )
    assert response.status_code == 302
    assert ProgrammeTarget.objects.get().target == 120
    assert TransitionLog.objects.filter(transition="target_set").count() == 1
    page = client.get("/monitoring/dashboard/?period=2021-2025").content.decode()
    assert "全省目标认定 120 个左右" in page
    bad = client.post("/monitoring/dashboard/target/", {"name": "x", "start_year": 2030, "end_year": 2026, "target": 0})
    assert bad.status_code == 400
    city = authority_user(Role.CITY, cluster_in("320583").division)
    assert client_for(city).get("/monitoring/dashboard/target/").status_code == 404


def test_the_dashboard_is_in_the_navigation_of_the_province_and_cities_only(client):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    for user, shown in (
        (province_user(), True),
        (city_of(cert), True),
        (county_of(cert), False),
        (owner_of(cert), False),
    ):
        html = client_for(user).get("/").content.decode()
        assert ("集群发展看板" in html) is shown, user.role
    page = client_for(province_user()).get("/monitoring/dashboard/").content.decode()
    assert 'aria-current="page">集群发展看板' in page
