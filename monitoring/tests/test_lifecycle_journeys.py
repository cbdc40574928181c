"""Three certifications through their lifecycle with the clock frozen (time-machine) and the daily sweep run twice
every day: one expiring → re-review → extended, one expired → proposed revocation → revoked, one through a change
report accepted. The notifications are checked at each step, and the public registry and verification pages."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from clusters.models import Certification, CertificationStatus, Cluster
from clusters.tests.factories import authority_user, pdf_upload, province_user
from core.exceptions import ServiceError
from core.models import FrozenRecordError, Notification, TransitionLog
from monitoring import services
from monitoring.constants import (
    ChangeKind,
    ChangeReportState,
    ExpiryReminderKind,
    ReportState,
    ReReviewState,
    RevocationGround,
    RevocationStatus,
)
from monitoring.models import ExpiryReminder, ReReview, RevocationCase
from monitoring.services.expiry import certification_lifecycle_sweep
from monitoring.services.sweep import annual_report_sweep

from .factories import SHANGHAI, CertificationFactory, cluster_in, imported_certification, owner_of, report_in_state
from .lifecycle_factories import PASSING_COUNTS

pytestmark = pytest.mark.django_db
K = ExpiryReminderKind
SUCCESSOR = "《江苏省促进中小企业特色产业集群发展管理办法》（2028年修订）苏工信规〔2028〕3号"


def at(day: datetime.date, hour=0, minute=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def daily_sweep() -> dict:
    """Monitoring's part of core.tasks.daily_sweep (both registered sweeps), as the beat job runs it."""
    return {
        "annual_report_sweep": annual_report_sweep(),
        "certification_lifecycle_sweep": certification_lifecycle_sweep(),
    }


def sweep_days(start: datetime.date, end: datetime.date, actions=None):
    """Run the daily sweep twice each day from `start` to `end`, and each day's action at 10:00."""
    actions = actions or {}
    day = start
    while day <= end:
        with at(day, 0, 10):
            first = daily_sweep()
        with at(day, 12, 10):
            second = daily_sweep()
        assert second["certification_lifecycle_sweep"] == {
            "expired": 0,
            "marked_expiring": 0,
            "reminders": 0,
            "expiry_proposals": 0,
        }, (day, first, second)
        if day in actions:
            with at(day, 10):
                actions[day]()
        day += datetime.timedelta(days=1)


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def new_titles(user, before: list[str]) -> list[str]:
    return titles(user)[len(before) :]


def people(cert):
    return {
        "owner": owner_of(cert),
        "county": authority_user(Role.COUNTY, cert.cluster.division),
        "city": authority_user(Role.CITY, cert.cluster.division),
        "province": province_user(),
    }


def public_status(client, cert) -> str:
    client.logout()
    body = client.get(f"/verify/{cert.number}/").content.decode()
    return body


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- 1. expiring → re-review → extended


def test_expiring_then_rereview_then_extended_by_three_years(client):
    with at(datetime.date(2025, 10, 20), 9):
        cert = CertificationFactory(cluster=cluster_in("320583"))  # 2025 call, valid 2025-10-15 .. 2028-10-14
        who = people(cert)
    for year in (2025, 2026, 2027):  # the three plan years, reported on time and verified
        with at(datetime.date(year + 1, 3, 10), 9):
            report_in_state(ReportState.VERIFIED, certification=cert, report_year=year)
    state = {}

    def check_six_months():
        cert.refresh_from_db()
        assert cert.status == CertificationStatus.EXPIRING
        for role in ("owner", "county", "city", "province"):
            assert any("6个月内到期" in t for t in titles(who[role])), role
        assert ExpiryReminder.objects.get(certification=cert).kind == K.MONTHS_6
        assert "即将到期" in public_status(client, cert)

    def apply():
        owner = who["owner"]
        rr = services.rereview_start(actor=owner, certification=cert)
        assert [y.source for y in rr.years.order_by("year")] == ["认定申报", "年度报告", "年度报告", "年度报告"]
        target = rr.targets.get(indicator="集群总产值")
        assert target.reported == {"2025": "800000.00", "2026": "800000.00", "2027": "800000.00"}
        with pytest.raises(ServiceError, match="不能重复申请"):
            services.rereview_start(actor=owner, certification=cert)
        values = {
            t.pk: {"actual": Decimal("1050000") if t.unit == "万元" else Decimal("0.38"), "note": ""}
            for t in rr.targets.all()
        }
        rr = services.rereview_save(
            rereview=rr, actor=owner, version=rr.edit_version, fields=PASSING_COUNTS, targets=values
        )
        # Growth from the application's 2024 to the reported 2027 falls short, and CO₂ intensity stopped falling:
        # the same engine says so.
        with pytest.raises(ServiceError, match="未达标情况说明"):
            services.rereview_submit(rereview=rr, actor=owner)
        rr = services.rereview_save(
            rereview=rr,
            actor=owner,
            version=rr.edit_version,
            fields={"explanation": "受市场周期影响，增速放缓；已制定新一轮培育措施。"},
        )
        state["before"] = {r: titles(u) for r, u in who.items()}
        rr = services.rereview_submit(rereview=rr, actor=owner)
        assert rr.state == ReReviewState.COUNTY_REVIEW and rr.route == ["county", "city", "province"]
        assert [r["code"] for r in ReReview.objects.get(pk=rr.pk).eligibility if r["outcome"] == "fail"] == [
            "2c",
            "5b",
            "5c",
            "7",
        ]
        assert any("待办复核（县级审核）" in t for t in new_titles(who["county"], state["before"]["county"]))
        state["rr"] = rr

    def county():
        before = titles(who["city"])
        state["rr"] = services.rereview_forward(
            rereview=state["rr"], actor=who["county"], agree=True, opinion="目标基本完成，同意。"
        )
        assert any("待办复核（设区市审核）" in t for t in new_titles(who["city"], before))

    def city():
        before = titles(who["province"])
        state["rr"] = services.rereview_forward(rereview=state["rr"], actor=who["city"], agree=True, opinion="同意。")
        assert state["rr"].state == ReReviewState.PROVINCE_REVIEW
        assert any("待办复核（省厅审定）" in t for t in new_titles(who["province"], before))

    def decide():
        rr = state["rr"]
        # The Measures lapsed on 30 April 2028 (Art. 16): the decision needs the successor's reference.
        with pytest.raises(ServiceError, match="有效期5年"):
            services.rereview_decide(rereview=rr, actor=who["province"], passed=True, reason="规划目标完成良好。")
        assert ReReview.objects.get(pk=rr.pk).state == ReReviewState.PROVINCE_REVIEW
        assert Certification.objects.get(pk=cert.pk).valid_to == datetime.date(2028, 10, 14)
        before = titles(who["owner"])
        rr = services.rereview_decide(
            rereview=rr, actor=who["province"], passed=True, reason="规划目标完成良好。", successor_regulation=SUCCESSOR
        )
        assert rr.state == ReReviewState.PASSED and rr.successor_regulation == SUCCESSOR
        assert any("复核通过" in t for t in new_titles(who["owner"], before))
        body = Notification.objects.filter(recipient=who["owner"], title__startswith="复核通过").get().body
        assert f"{cert.number}-F1" in body and "2031年10月14日" in body

    sweep_days(
        datetime.date(2028, 4, 10),
        datetime.date(2028, 10, 20),
        {
            datetime.date(2028, 4, 14): check_six_months,
            datetime.date(2028, 5, 6): apply,
            datetime.date(2028, 5, 10): county,
            datetime.date(2028, 5, 15): city,
            datetime.date(2028, 6, 1): decide,
        },
    )
    cert.refresh_from_db()
    assert (cert.status, cert.valid_from, cert.valid_to, cert.renewals) == (
        CertificationStatus.VALID,
        datetime.date(2025, 10, 15),
        datetime.date(2031, 10, 14),
        1,
    )
    assert cert.certificate_number == f"{cert.number}-F1"
    # Renewed: no 3- or 1-month warning, no expiry; the renewal is logged with the certification's digest.
    assert list(ExpiryReminder.objects.filter(certification=cert).values_list("kind", flat=True)) == [K.MONTHS_6]
    renew = TransitionLog.objects.get(transition="renew", object_id=str(cert.pk))
    assert renew.digest.startswith("clusters.certification#") and renew.actor_id == who["province"].pk
    rr = ReReview.objects.get(pk=state["rr"].pk)
    rr.summary = "事后改写"
    with pytest.raises(FrozenRecordError):
        rr.save()
    # The public pages show the extended validity under the same number (printed QR codes keep working).
    body = public_status(client, cert)
    assert "有效" in body and "2031年10月14日" in body
    registry = client.get("/registry/?q=" + cert.cluster.name).content.decode()
    assert cert.number in registry and "2031年10月14日" in registry
    # The renewed certificate: the same number with "-F1".
    client.force_login(who["owner"])
    response = client.get(f"/monitoring/rereviews/{rr.pk}/certificate.pdf")
    assert response.status_code == 200 and "-F1" in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert f"{cert.number}-F1" in text and "2031年10月14日" in text


# ---------------------------------------------------------------- 2. expired → proposed revocation → revoked


def test_expired_without_rereview_then_proposed_then_revoked(client):
    with at(datetime.date(2026, 5, 1), 9):
        cert = imported_certification(cluster=cluster_in("320582"))  # 2023-11-20 .. 2026-11-19
        who = people(cert)
        outsider = UserFactory(organisation__division=cert.cluster.division)

    def late_application():
        with pytest.raises(ServiceError, match="复核申请期已于2027年2月17日截止"):
            services.rereview_start(actor=who["owner"], certification=cert)
        assert not ReReview.objects.exists()

    def decide():
        case = RevocationCase.objects.get(certification=cert)
        assert (case.ground, case.source, case.proposed_by, case.status) == (
            RevocationGround.EXPIRY_REVIEW,
            "sweep",
            None,
            RevocationStatus.PROPOSED,
        )
        client.force_login(who["owner"])
        assert client.get(f"/monitoring/revocations/{case.pk}/").status_code == 200
        client.force_login(outsider)
        assert client.get(f"/monitoring/revocations/{case.pk}/").status_code == 404
        with pytest.raises(ServiceError, match="文号"):
            services.revocation_revoke(
                case=case, actor=who["province"], number="", date=datetime.date(2027, 3, 1), reasons="期满未复核。"
            )
        before = {r: titles(u) for r, u in who.items()}
        case = services.revocation_revoke(
            case=case,
            actor=who["province"],
            number="苏工信中小〔2027〕18号",
            date=datetime.date(2027, 3, 1),
            reasons="有效期满未申请复核。",
        )
        for role in ("owner", "county", "city"):
            assert any("撤销认定决定" in t for t in new_titles(who[role], before[role])), role
        services.revocation_publish(case=case, actor=who["province"])
        assert any("已公布" in t for t in new_titles(who["owner"], before["owner"]))

    sweep_days(
        datetime.date(2026, 5, 15),
        datetime.date(2027, 3, 5),
        {datetime.date(2027, 2, 20): late_application, datetime.date(2027, 3, 1): decide},
    )
    cert.refresh_from_db()
    assert cert.status == CertificationStatus.REVOKED and "苏工信中小〔2027〕18号" in cert.revocation_reason
    sent = dict(ExpiryReminder.objects.filter(certification=cert).values_list("kind", "sent_on"))
    assert sent == {
        K.MONTHS_6: datetime.date(2026, 5, 19),
        K.MONTHS_3: datetime.date(2026, 8, 19),
        K.MONTHS_1: datetime.date(2026, 10, 19),
        K.EXPIRED: datetime.date(2026, 11, 20),
    }
    owner_titles = titles(who["owner"])
    for text in (
        "6个月内到期",
        "3个月内到期",
        "1个月内到期",
        "认定已到期：",
        "撤销认定建议：",
        "撤销认定决定：",
        "撤销认定决定已公布",
    ):
        assert sum(text in t for t in owner_titles) == 1, (text, owner_titles)
    assert sum("第十四条第（一）项" in t for t in titles(who["province"])) == 1
    logs = list(
        TransitionLog.objects.filter(object_id=str(cert.pk), content_type__model="certification").values_list(
            "transition", "created_at"
        )
    )
    assert [t for t, _ in logs] == ["mark_expiring", "expire", "revoke"]  # the factory's import is not logged
    assert logs[0][1].astimezone(SHANGHAI).date() == datetime.date(2026, 5, 19)
    assert logs[1][1].astimezone(SHANGHAI).date() == datetime.date(2026, 11, 20)
    case = RevocationCase.objects.get(certification=cert)
    assert case.created_at.astimezone(SHANGHAI).date() == datetime.date(2027, 2, 18)
    # The public: the verification page says revoked; the revocations page lists the decision with its PDF.
    client.logout()
    assert "已撤销" in client.get(f"/verify/{cert.number}/").content.decode()
    page = client.get("/revocations/").content.decode()
    assert cert.cluster.name in page and "苏工信中小〔2027〕18号" in page
    pdf = client.get(f"/revocations/{case.pk}/decision.pdf")
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "苏工信中小〔2027〕18号" in text and cert.cluster.name in text


# ---------------------------------------------------------------- 3. a change report accepted


def test_change_of_management_body_reported_and_accepted(client):
    with at(datetime.date(2026, 5, 1), 9):
        cert = CertificationFactory(cluster=cluster_in("320583"))
        who = people(cert)
    old_body = cert.cluster.management_body
    state = {}

    def file():
        owner = who["owner"]
        report = services.change_report_start(actor=owner, cluster=cert.cluster, kind=ChangeKind.MANAGEMENT_BODY)
        with pytest.raises(ServiceError, match="不能晚于一年后"):
            services.change_report_save(
                report=report, actor=owner, version=report.edit_version, effective_date=datetime.date(2027, 7, 1)
            )
        report = services.change_report_save(
            report=report,
            actor=owner,
            version=report.edit_version,
            new_management_body="昆山市高端装备产业集群运营有限公司",
            effective_date=datetime.date(2026, 6, 1),
            reasons="原促进中心改制为运营公司。",
        )
        services.change_file_upload(report=report, actor=owner, uploaded_file=pdf_upload("改制批复.pdf"))
        before = titles(who["city"])
        state["report"] = services.change_report_submit(report=report, actor=owner)
        assert any("待审核" in t for t in new_titles(who["city"], before))

    def city():
        before = titles(who["province"])
        state["report"] = services.change_report_forward(
            report=state["report"], actor=who["city"], agree=True, opinion="情况属实，同意变更。"
        )
        assert any("待审定" in t for t in new_titles(who["province"], before))

    def province():
        before = {r: titles(u) for r, u in who.items()}
        report = services.change_report_decide(report=state["report"], actor=who["province"], accept=True)
        assert report.state == ChangeReportState.ACCEPTED
        assert report.old_values == {"management_body": old_body}
        for role in ("owner", "city"):
            assert any("变动报备已确认" in t for t in new_titles(who[role], before[role])), role

    sweep_days(
        datetime.date(2026, 5, 25),
        datetime.date(2026, 6, 20),
        {datetime.date(2026, 5, 28): file, datetime.date(2026, 6, 2): city, datetime.date(2026, 6, 5): province},
    )
    cluster = Cluster.objects.get(pk=cert.cluster_id)
    assert cluster.management_body == "昆山市高端装备产业集群运营有限公司"
    change = TransitionLog.objects.get(transition="change", object_id=str(cluster.pk))
    assert old_body in change.comment and "昆山市高端装备产业集群运营有限公司" in change.comment
    # The cluster's page shows it all in one timeline; the public registry shows the new management body.
    client.force_login(who["owner"])
    page = client.get(f"/monitoring/clusters/{cluster.pk}/").content.decode()
    assert "变更基本信息" in page and "确认变更" in page and "重大变动报备" in page
    client.logout()
    assert "昆山市高端装备产业集群运营有限公司" in client.get(f"/registry/{cert.number}/").content.decode()
    assert Certification.objects.get(pk=cert.pk).status == CertificationStatus.VALID
