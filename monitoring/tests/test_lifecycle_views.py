"""Every lifecycle page's permission matrix (in scope 200, out of scope 404, anonymous → login), the public pages,
bad input answered in Chinese with nothing changed and never a 500, and query counts constant at two data sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from accounts.models import Division
from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory, authority_user, pdf_upload, province_user
from core.exceptions import ServiceError
from monitoring import services
from monitoring.constants import ChangeKind, ChangeReportState, ReReviewState, RevocationStatus
from monitoring.models import ChangeReport, LifecyclePolicy, ReReview, RevocationCase

from .factories import CertificationFactory, city_of, cluster_in, county_of, division, owner_of
from .lifecycle_factories import (
    change_in_state,
    expiring_certification,
    fill_rereview,
    rereview_in_state,
    revocation_in_state,
)

pytestmark = pytest.mark.django_db
S, R, CH = ReReviewState, RevocationStatus, ChangeReportState


@pytest.fixture
def world():
    first = expiring_certification()
    org = first.cluster.owner
    owner = owner_of(first)
    rr = services.rereview_start(actor=owner, certification=first)
    rr_file = services.rereview_file_upload(rereview=rr, actor=owner, uploaded_file=pdf_upload("规划总结.pdf"))
    rr = services.rereview_submit(rereview=fill_rereview(rr), actor=owner)
    passed = rereview_in_state(S.PASSED, certification=expiring_certification(cluster=ClusterFactory(owner=org)))
    draft = rereview_in_state(S.DRAFT)
    case = revocation_in_state(R.PROPOSED, certification=first)
    evidence = services.revocation_add_evidence(
        case=case, actor=province_user(), uploaded_file=pdf_upload("核查报告.pdf")
    )
    published = revocation_in_state(R.PUBLISHED, certification=CertificationFactory(cluster=ClusterFactory(owner=org)))
    change = change_in_state(CH.DRAFT, certification=CertificationFactory(cluster=ClusterFactory(owner=org)))
    change_file = services.change_file_upload(report=change, actor=owner, uploaded_file=pdf_upload("批复.pdf"))
    change = services.change_report_submit(report=change, actor=owner)
    users = {
        "owner": owner,
        "county": county_of(first),
        "city": city_of(first),
        "province": province_user(),
        "draft_owner": owner_of(draft),
        "other_applicant": UserFactory(organisation__division=division("320281")),
        "other_county": authority_user(Role.COUNTY, division("320582")),
        "other_city": authority_user(Role.CITY, division("320281")),
        "expert": UserFactory(expert=True),
    }
    return {
        "first": first,
        "rr": rr,
        "rr_file": rr_file,
        "passed": passed,
        "draft": draft,
        "case": case,
        "evidence": evidence,
        "published": published,
        "change": change,
        "change_file": change_file,
        "users": users,
    }


JURISDICTION = {"owner": 200, "county": 200, "city": 200, "province": 200}
MONITORING = {k: 200 for k in ("owner", "county", "city", "province", "draft_owner", "other_applicant")}
MONITORING.update(other_county=200, other_city=200)
PROVINCE = {"province": 200}


def pages(w):
    rr, d, p, case, pub, ch = w["rr"], w["draft"], w["passed"], w["case"], w["published"], w["change"]
    return [
        ("复核列表", "/monitoring/rereviews/", MONITORING),
        ("复核列表（全部）", "/monitoring/rereviews/?tab=all&page=x", MONITORING),
        ("复核详情", f"/monitoring/rereviews/{rr.pk}/", JURISDICTION),
        ("已提交复核的编辑页", f"/monitoring/rereviews/{rr.pk}/edit/", {k: 302 for k in JURISDICTION}),
        ("复核材料", f"/monitoring/rereviews/{rr.pk}/files/{w['rr_file'].pk}/", JURISDICTION),
        ("复核草稿", f"/monitoring/rereviews/{d.pk}/", {"draft_owner": 200}),
        ("复核草稿编辑", f"/monitoring/rereviews/{d.pk}/edit/", {"draft_owner": 200}),
        ("换发证书", f"/monitoring/rereviews/{p.pk}/certificate.pdf", JURISDICTION),
        ("撤销认定详情", f"/monitoring/revocations/{case.pk}/", JURISDICTION),
        ("撤销证明材料", f"/monitoring/revocations/{case.pk}/evidence/{w['evidence'].pk}/", JURISDICTION),
        ("撤销决定书", f"/monitoring/revocations/{pub.pk}/decision.pdf", JURISDICTION),
        ("提出撤销认定", "/monitoring/revocations/new/", PROVINCE),
        ("撤销认定列表", "/monitoring/revocations/?status=proposed", PROVINCE),
        ("变动报备列表", "/monitoring/changes/", MONITORING),
        ("变动报备详情", f"/monitoring/changes/{ch.pk}/", JURISDICTION),
        ("已提交变动报备的编辑页", f"/monitoring/changes/{ch.pk}/edit/", {k: 302 for k in JURISDICTION}),
        ("变动证明材料", f"/monitoring/changes/{ch.pk}/files/{w['change_file'].pk}/", JURISDICTION),
        ("复核工作安排", "/monitoring/policy/", PROVINCE),
        ("集群监测页", f"/monitoring/clusters/{w['first'].cluster_id}/", JURISDICTION),
    ]


def test_the_permission_matrix_of_every_lifecycle_page(client, world):
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


def test_the_public_sees_published_revocations_only(client, world):
    pub, case = world["published"], world["case"]
    for user in (None, world["users"]["other_applicant"], world["users"]["province"]):
        client.logout()
        if user:
            client.force_login(user)
        listing = client.get("/revocations/").content.decode()
        assert pub.certification.cluster.name in listing and pub.decision_number in listing
        assert case.certification.cluster.name not in listing
        assert client.get(f"/revocations/{pub.pk}/").status_code == 200
        pdf = client.get(f"/revocations/{pub.pk}/decision.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        for url in (f"/revocations/{case.pk}/", f"/revocations/{case.pk}/decision.pdf", "/revocations/999999/"):
            assert client.get(url).status_code == 404, url
    by_number = client.get(f"/revocations/?number={pub.certification.number.lower()}").content.decode()
    assert pub.decision_number in by_number
    assert pub.decision_number not in client.get("/revocations/?number=JS-NONE").content.decode()
    # Evidence and the proposer never appear on the public page.
    client.logout()
    detail = client.get(f"/revocations/{pub.pk}/").content.decode()
    assert "经核查，该集群申报材料" not in detail and world["users"]["province"].display_name not in detail


def post_endpoints(w):
    rr, case, pub, ch, first = w["rr"], w["case"], w["published"], w["change"], w["first"]
    return [
        (f"/monitoring/certifications/{first.pk}/rereview/", {}),
        (f"/monitoring/rereviews/{rr.pk}/submit/", {}),
        (f"/monitoring/rereviews/{rr.pk}/forward/", {"agree": "yes", "opinion": "同意"}),
        (f"/monitoring/rereviews/{rr.pk}/return/", {"reason": "x"}),
        (f"/monitoring/rereviews/{rr.pk}/decide/", {"passed": "yes", "reason": "x"}),
        (f"/monitoring/rereviews/{rr.pk}/edit/", {"version": "1"}),
        (f"/monitoring/rereviews/{rr.pk}/targets/", {"indicator": "x", "unit": "x", "baseline": "1", "target_3": "2"}),
        (f"/monitoring/rereviews/{rr.pk}/files/", {}),
        (f"/monitoring/rereviews/{rr.pk}/files/{w['rr_file'].pk}/remove/", {}),
        (f"/monitoring/revocations/{case.pk}/decide/", {"decision": "dismiss", "dismiss_reason": "x"}),
        (f"/monitoring/revocations/{pub.pk}/publish/", {}),
        (f"/monitoring/revocations/{case.pk}/evidence/", {}),
        (
            "/monitoring/revocations/new/",
            {"certification": first.pk, "ground": "false_declaration", "evidence": "x" * 20},
        ),
        (f"/monitoring/clusters/{first.cluster_id}/changes/new/", {"kind": "lead_industry"}),
        (f"/monitoring/changes/{ch.pk}/submit/", {}),
        (f"/monitoring/changes/{ch.pk}/forward/", {"agree": "yes", "opinion": "同意"}),
        (f"/monitoring/changes/{ch.pk}/return/", {"reason": "x"}),
        (f"/monitoring/changes/{ch.pk}/decide/", {"accept": "yes"}),
        (f"/monitoring/changes/{ch.pk}/escalate/", {"evidence": "x" * 20}),
        (f"/monitoring/changes/{ch.pk}/edit/", {"version": "1"}),
        (f"/monitoring/changes/{ch.pk}/files/", {}),
        ("/monitoring/policy/", {"year": "2026", "expiring_lead_months": "3", "rereview_grace_days": "10"}),
    ]


@pytest.mark.parametrize("role", ["other_applicant", "other_county", "other_city", "expert"])
def test_actions_out_of_scope_are_404_and_change_nothing(client, world, role):
    client.force_login(world["users"][role])
    for url, data in post_endpoints(world):
        assert client.post(url, data).status_code == 404, url
    assert ReReview.objects.get(pk=world["rr"].pk).state == S.COUNTY_REVIEW
    assert RevocationCase.objects.get(pk=world["case"].pk).status == R.PROPOSED
    assert ChangeReport.objects.get(pk=world["change"].pk).state == CH.CITY_REVIEW
    assert RevocationCase.objects.count() == 2 and not LifecyclePolicy.objects.exists()


def test_anonymous_actions_go_to_the_login_page(client, world):
    for url, data in post_endpoints(world):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# ---------------------------------------------------------------- bad input: a Chinese message, nothing changed


def test_rereview_outside_its_window_or_twice_is_refused_in_chinese(client):
    valid = CertificationFactory(cluster=cluster_in("320583"))  # valid to 2028: window not open
    client.force_login(owner_of(valid))
    response = client.post(f"/monitoring/certifications/{valid.pk}/rereview/", follow=True)
    assert "复核申请自2028年4月14日" in response.content.decode() and not ReReview.objects.exists()
    cert = expiring_certification()
    client.force_login(owner_of(cert))
    first = client.post(f"/monitoring/certifications/{cert.pk}/rereview/")
    assert first.status_code == 302 and ReReview.objects.count() == 1
    second = client.post(f"/monitoring/certifications/{cert.pk}/rereview/", follow=True)
    assert "已有进行中的复核申请" in second.content.decode() and ReReview.objects.count() == 1
    assert client.post("/monitoring/certifications/999999/rereview/").status_code == 404


def test_rereview_form_answers_bad_input_and_stale_tabs(client):
    rr = rereview_in_state(S.DRAFT)
    client.force_login(owner_of(rr))
    url = f"/monitoring/rereviews/{rr.pk}/edit/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"version": rr.edit_version, f"y{rr.year - 1}_total_output": "很多", "cloud_share_pct": "150"}
    )
    assert bad.status_code == 400 and "有内容需要修改" in bad.content.decode()
    stale = client.post(url, {"version": rr.edit_version + 7})
    assert stale.status_code == 409 and "其他窗口" in stale.content.decode()
    submit = client.post(f"/monitoring/rereviews/{rr.pk}/submit/", follow=True)
    assert "暂不能提交" in submit.content.decode() and ReReview.objects.get(pk=rr.pk).state == S.DRAFT
    for garbage in ("/monitoring/rereviews/abc/", f"/monitoring/rereviews/{rr.pk}/files/999999/"):
        assert client.get(garbage).status_code == 404
    assert client.post(f"/monitoring/rereviews/{rr.pk}/targets/", {"indicator": ""}).status_code in (400, 302)


def test_revocation_without_ground_or_evidence_is_refused_in_chinese(client):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    client.force_login(province_user())
    response = client.post("/monitoring/revocations/new/", {"certification": cert.pk, "ground": "", "evidence": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "请选择撤销情形" in body and "请填写撤销的事实和依据" in body
    response = client.post(
        "/monitoring/revocations/new/", {"certification": cert.pk, "ground": "nonsense", "evidence": "太短"}
    )
    assert response.status_code == 400 and "第十四条" in response.content.decode()
    with pytest.raises(ServiceError, match="至少10个字"):
        services.revocation_open(actor=province_user(), certification=cert, ground="false_declaration", evidence="短")
    assert not RevocationCase.objects.exists()
    ok = client.post(
        "/monitoring/revocations/new/",
        {
            "certification": cert.pk,
            "ground": "false_declaration",
            "evidence": "经核查申报产值数据虚报三成以上。",
            "file": pdf_upload(),
        },
    )
    assert ok.status_code == 302
    again = client.post(
        "/monitoring/revocations/new/",
        {"certification": cert.pk, "ground": "false_declaration", "evidence": "再次提出同一情形的撤销建议。"},
    )
    assert again.status_code == 400 and "已有同一情形" in again.content.decode()
    case = RevocationCase.objects.get()
    assert case.files.count() == 1 and case.proposed_by == province_user()
    decide = client.post(f"/monitoring/revocations/{case.pk}/decide/", {"decision": "revoke", "decision_number": ""})
    assert decide.status_code == 400 and "请填写撤销决定文号" in decide.content.decode()
    assert RevocationCase.objects.get(pk=case.pk).status == R.PROPOSED


def test_change_report_dates_and_places_are_checked(client):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    owner = owner_of(cert)
    client.force_login(owner)
    assert client.post(f"/monitoring/clusters/{cert.cluster_id}/changes/new/", {"kind": "bogus"}).status_code == 302
    assert not ChangeReport.objects.exists()
    client.post(f"/monitoring/clusters/{cert.cluster_id}/changes/new/", {"kind": ChangeKind.SPATIAL_SCOPE})
    report = ChangeReport.objects.get()
    url = f"/monitoring/changes/{report.pk}/edit/"
    far = client.post(url, {"version": report.edit_version, "effective_date": "2027-06-01", "reasons": "x"})
    assert far.status_code == 400 and "不能晚于一年后" in far.content.decode()
    outside = client.post(
        url, {"version": report.edit_version, "new_division": "310115", "effective_date": "2026-03-01"}
    )
    assert outside.status_code == 400 and "江苏省内" in outside.content.decode()
    # A division outside Jiangsu that somehow exists is refused by the service as well.
    shanghai = Division.objects.create(code="310115", name="浦东新区", level="county", parent=None)
    with pytest.raises(ServiceError, match="江苏省内"):
        services.change_report_save(report=report, actor=owner, version=report.edit_version, new_division=shanghai)
    report.refresh_from_db()
    assert (report.effective_date, report.new_division_id) == (None, None)
    second = client.post(
        f"/monitoring/clusters/{cert.cluster_id}/changes/new/", {"kind": ChangeKind.LEAD_INDUSTRY}, follow=True
    )
    assert "已有未办结的变动报备" in second.content.decode() and ChangeReport.objects.count() == 1


def test_a_late_change_becomes_a_ground_4_case(client):
    report = change_in_state(CH.PROVINCE_REVIEW, effective_date=datetime.date(2025, 11, 1))
    client.force_login(province_user())
    page = client.get(f"/monitoring/changes/{report.pk}/").content.decode()
    assert "天后才报备" in page
    response = client.post(
        f"/monitoring/changes/{report.pk}/escalate/", {"evidence": "运营管理机构于2025年11月变更，至2026年3月才报备。"}
    )
    assert response.status_code == 302
    case = RevocationCase.objects.get()
    assert (case.ground, case.change_report_id, case.source) == ("change_unreported", report.pk, "manual")


def test_decisions_after_the_measures_end_need_the_successor_reference(client, settings):
    settings.REGULATION_END_DATE = datetime.date(2026, 1, 31)
    rr = rereview_in_state(S.PROVINCE_REVIEW)
    case = revocation_in_state(R.PROPOSED)
    client.force_login(province_user())
    page = client.get(f"/monitoring/rereviews/{rr.pk}/").content.decode()
    assert "已于2026年1月31日届满" in page
    refused = client.post(f"/monitoring/rereviews/{rr.pk}/decide/", {"passed": "yes", "reason": "通过。"})
    assert refused.status_code == 400 and "后续办法" in refused.content.decode()
    assert ReReview.objects.get(pk=rr.pk).state == S.PROVINCE_REVIEW
    refused = client.post(
        f"/monitoring/revocations/{case.pk}/decide/", {"decision": "dismiss", "dismiss_reason": "不属实。"}
    )
    assert refused.status_code == 400 and RevocationCase.objects.get(pk=case.pk).status == R.PROPOSED
    ok = client.post(
        f"/monitoring/revocations/{case.pk}/decide/",
        {"decision": "dismiss", "dismiss_reason": "不属实。", "successor_regulation": "苏工信规〔2026〕1号"},
    )
    assert (
        ok.status_code == 302 and RevocationCase.objects.get(pk=case.pk).successor_regulation == "苏工信规〔2026〕1号"
    )


# ---------------------------------------------------------------- query counts at two data sizes


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(n, org):
    for _i in range(n):
        cluster = ClusterFactory(owner=org)
        rr = rereview_in_state(S.COUNTY_REVIEW, certification=expiring_certification(cluster=cluster))
        revocation_in_state(R.PROPOSED, certification=rr.certification)
        change_in_state(CH.CITY_REVIEW, certification=rr.certification)
        revocation_in_state(R.PUBLISHED, certification=CertificationFactory(cluster=ClusterFactory(owner=org)))


def test_lifecycle_pages_keep_a_constant_number_of_queries(client, django_assert_max_num_queries):
    rr = rereview_in_state(S.CITY_REVIEW)
    cert = rr.certification
    org = cert.cluster.owner
    case = revocation_in_state(R.PROPOSED, certification=cert)
    change = change_in_state(CH.CITY_REVIEW, certification=cert)
    owner, city, province = owner_of(cert), city_of(cert), province_user()
    _grow(1, org)
    pages = {
        "re-review list": (province, "/monitoring/rereviews/?tab=all"),
        "re-review queue": (city, "/monitoring/rereviews/"),
        "re-review page": (city, f"/monitoring/rereviews/{rr.pk}/"),
        "re-review edit": (owner, f"/monitoring/rereviews/{rereview_in_state(S.DRAFT).pk}/edit/"),
        "cluster page": (owner, f"/monitoring/clusters/{cert.cluster_id}/"),
        "case page": (province, f"/monitoring/revocations/{case.pk}/"),
        "cases": (province, "/monitoring/revocations/"),
        "change page": (city, f"/monitoring/changes/{change.pk}/"),
        "changes": (province, "/monitoring/changes/"),
        "public revocations": (None, "/revocations/"),
        "todos": (province, "/"),
    }
    pages["re-review edit"] = (
        owner_of(ReReview.objects.get(pk=int(pages["re-review edit"][1].split("/")[3]))),
        pages["re-review edit"][1],
    )
    small = {}
    for name, (user, url) in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        client.get(url)  # warm per-process caches (content types, sessions)
        small[name] = _count(client, url)
    _grow(3, org)
    for name, (user, url) in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(small[name]):
            response = client.get(url)
        assert response.status_code == 200, name


GARBAGE = {
    "passed": "maybe",
    "agree": "perhaps",
    "decision": "banish",
    "decision_date": "昨天",
    "decision_number": "x" * 500,
    "reason": "",
    "opinion": "",
    "version": "abc",
    "effective_date": "2026-13-45",
    "new_area_km2": "很大",
    "new_division": "999999",
    "kind": "teleport",
    "certification": "abc",
    "ground": "(9)",
    "evidence": "",
    "year": "-1",
    "expiring_lead_months": "x",
    "baseline": "NaN",
    "target_3": "inf",
    "cloud_share_pct": "-5",
}


@pytest.mark.parametrize("role", ["owner", "county", "city", "province"])
def test_garbage_never_gives_a_500(client, world, role):
    client.force_login(world["users"][role])
    for url, _data in post_endpoints(world):
        response = client.post(url, GARBAGE)
        assert response.status_code < 500, (url, response.status_code)
    assert ReReview.objects.get(pk=world["rr"].pk).state == S.COUNTY_REVIEW
    assert RevocationCase.objects.get(pk=world["case"].pk).status == R.PROPOSED


def test_the_revocation_and_rereview_lists_export_what_they_show(client, world):
    """Issue #16: every monitoring list exports to Excel with the filters applied, scoped as its page."""
    import io

    from openpyxl import load_workbook

    def rows_of(response):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        ws = load_workbook(io.BytesIO(response.content)).active
        values = list(ws.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(values) if r and r[0] == "集群名称")
        return [r for r in values[header + 1 :] if any(v is not None for v in r)]

    client.force_login(world["users"]["province"])
    every = rows_of(client.get("/monitoring/revocations/", {"format": "xlsx"}))
    assert len(every) == RevocationCase.objects.count() == 2
    proposed = rows_of(client.get("/monitoring/revocations/", {"status": R.PROPOSED, "format": "xlsx"}))
    assert [r[0] for r in proposed] == [world["case"].certification.cluster.name]
    page = client.get("/monitoring/revocations/").content.decode()
    assert "format=xlsx" in page
    everything = rows_of(client.get("/monitoring/rereviews/", {"tab": "all", "format": "xlsx"}))
    assert {r[0] for r in everything} >= {world["rr"].cluster.name, world["passed"].cluster.name}
    # Scoped as the page: another county's staff export nothing of these.
    client.force_login(world["users"]["other_county"])
    assert rows_of(client.get("/monitoring/rereviews/", {"tab": "all", "format": "xlsx"})) == []
    assert client.get("/monitoring/revocations/", {"format": "xlsx"}).status_code == 404
