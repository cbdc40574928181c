"""Public notice, objections, closing, publication and certification (Art. 10, 11)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.models import Certification
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, published_call, tiny_pdf
from core.exceptions import ServiceError
from core.transitions import history_for
from reviews import notices, services
from reviews.models import Objection, PersonalDataView

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SH)


@pytest.fixture
def province():
    from accounts.tests.factories import division

    return authority_user(Role.PROVINCE, division("320583"))


def proposed(province, n=2):
    """n applications approved by a closed joint review meeting (the proposed list)."""
    call = published_call()
    apps = [
        application_in_state(S.JOINT_REVIEW, call=call, cluster=ClusterFactory(name=f"公示集群{i}")) for i in range(n)
    ]
    meeting = services.meeting_create(
        call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅务会成员"
    )
    for a in apps:
        services.meeting_decide(meeting=meeting, application=a, actor=province, decision="approve")
    services.meeting_close(meeting=meeting, actor=province)
    return call, apps


def make_notice(province, start, n=2):
    call, apps = proposed(province, n)
    notice = notices.notice_create(
        call=call, actor=province, start_date=start, contact_department="中小企业处", contact_phone="025-12345678"
    )
    return notices.notice_publish(notice=notice, actor=province), apps


# Hand-counted from the State Council's 2026 schedule (see core/tests/test_workdays.py for the table).
@pytest.mark.parametrize(
    "start, end, holiday",
    [
        (dt.date(2025, 12, 30), dt.date(2026, 1, 6), "元旦"),
        (dt.date(2026, 2, 12), dt.date(2026, 2, 25), "春节（2月14日调休上班）"),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 8), "清明节"),
        (dt.date(2026, 4, 29), dt.date(2026, 5, 8), "劳动节"),
        (dt.date(2026, 6, 17), dt.date(2026, 6, 24), "端午节"),
        (dt.date(2026, 9, 24), dt.date(2026, 10, 8), "中秋节、国庆节（9月20日调休不在期内）"),
    ],
)
def test_notice_end_dates_over_2026_holidays(province, start, end, holiday):
    with time_machine.travel(at(start.year, start.month, start.day, 8)):
        call, _apps = proposed(province)
        notice = notices.notice_create(
            call=call, actor=province, start_date=start, contact_department="中小企业处", contact_phone="025-1"
        )
    assert notice.end_date == end, holiday


def test_a_period_reaching_an_unknown_year_is_refused_naming_it(province):
    call, apps = proposed(province)
    with pytest.raises(ServiceError, match="2027"):
        notices.notice_create(
            call=call, actor=province, start_date=dt.date(2026, 12, 28), contact_department="处", contact_phone="1"
        )
    assert not call.notices.exists()
    assert all(type(a).objects.get(pk=a.pk).state == S.JOINT_REVIEW for a in apps)


def test_publishing_moves_the_proposed_list_to_public_notice(province):
    notice, apps = make_notice(province, timezone.localdate())
    assert notice.status == "published"
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.PUBLIC_NOTICE}


def test_objection_accepted_at_235959_of_day_5_and_refused_a_second_later(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = make_notice(province, dt.date(2026, 9, 24))
    assert notice.end_date == dt.date(2026, 10, 8)
    kwargs = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "phone": "13812345678",
        "content": "该集群的主导产业产值数据与统计年鉴不符。",
    }
    with time_machine.travel(at(2026, 10, 8, 23, 59, 59), tick=False):
        objection = notices.objection_file(**kwargs)
    assert objection.receipt_number.startswith("YY")
    with time_machine.travel(at(2026, 10, 9, 0, 0, 0), tick=False):
        with pytest.raises(ServiceError, match="不在受理期内"):
            notices.objection_file(**kwargs)
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"content": "  "}, "content"),
        ({"name": ""}, "name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"email": "not-an-email", "phone": ""}, "email"),
        ({"application_id": 999999}, "application"),
    ],
)
def test_bad_objections_store_nothing(province, change, field):
    notice, apps = make_notice(province, timezone.localdate())
    kwargs = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "phone": "13812345678",
        "content": "数据与实际情况不符，请核查。",
        **change,
    }
    with pytest.raises(ServiceError) as exc:
        notices.objection_file(**kwargs)
    assert field in exc.value.errors
    assert not Objection.objects.exists()


def test_evidence_files_are_checked_by_content_and_size(province, tmp_path):
    notice, apps = make_notice(province, timezone.localdate())
    base = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "email": "w@example.cn",
        "content": "数据与实际情况不符，请核查。",
    }
    exe = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError, match="证据.pdf"):
        notices.objection_file(**base, files=[exe])
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * (notices.OBJECTION_FILE_MAX_MB * 1024 * 1024 + 1))
    with pytest.raises(ServiceError, match="上限"):
        notices.objection_file(**base, files=[big])
    assert not Objection.objects.exists()
    ok = notices.objection_file(**base, files=[SimpleUploadedFile("证明.pdf", tiny_pdf())])
    stored = ok.files.get()
    assert notices.objection_file_path(stored).exists() and stored.original_name == "证明.pdf"


def test_receipt_is_emailed_when_an_address_was_given(province, mailoutbox, django_capture_on_commit_callbacks):
    notice, apps = make_notice(province, timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        objection = notices.objection_file(
            notice=notice,
            application_id=apps[0].pk,
            name="王五",
            email="w@example.cn",
            content="数据与实际情况不符，请核查。",
        )
    assert len(mailoutbox) == 1 and objection.receipt_number in mailoutbox[0].subject


def test_personal_data_views_are_logged(province):
    notice, apps = make_notice(province, timezone.localdate())
    objection = notices.objection_file(
        notice=notice,
        application_id=apps[0].pk,
        name="王五",
        phone="13812345678",
        content="数据与实际情况不符，请核查。",
    )
    data = notices.objection_personal_data(objection=objection, actor=province)
    assert data["phone"] == "13812345678"
    assert PersonalDataView.objects.filter(objection=objection, viewer=province).count() == 1


def test_close_job_closes_exactly_once_and_publication_waits_for_objections(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = make_notice(province, dt.date(2026, 9, 24), n=2)
        objection = notices.objection_file(
            notice=notice,
            application_id=apps[0].pk,
            name="王五",
            phone="13812345678",
            content="数据与实际情况不符，请核查。",
        )
        with pytest.raises(ServiceError, match="期满后"):
            notices.publication_create(
                notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 9)
            )
    with time_machine.travel(at(2026, 10, 8, 23, 59, 59), tick=False):
        assert notices.notices_close_due() == 0
    with time_machine.travel(at(2026, 10, 9, 0, 1), tick=False):
        from reviews.tasks import close_notices

        assert close_notices.delay().get() == 1
        assert close_notices.delay().get() == 0  # idempotent
        assert [r.transition for r in history_for(notice)] == ["create", "publish", "close"]
        notice.refresh_from_db()
        assert notice.status == "closed"
        with pytest.raises(ServiceError, match="异议未处理"):
            notices.publication_create(
                notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 9)
            )
        notices.objection_handle(
            objection=objection, actor=province, decision="uphold", result="经核查，数据口径有误，异议成立。"
        )
        assert type(apps[0]).objects.get(pk=apps[0].pk).state == S.REJECTED
        publication = notices.publication_create(
            notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 12)
        )
    cert = Certification.objects.get()
    assert cert.application_id == apps[1].pk and cert.cluster_id == apps[1].cluster_id
    assert (cert.valid_from, cert.valid_to) == (dt.date(2026, 10, 12), dt.date(2029, 10, 11))
    assert cert.number == "JS-TSJQ-2026-001" and cert.doc_number == publication.doc_number
    assert type(apps[1]).objects.get(pk=apps[1].pk).state == S.CERTIFIED
    notice.refresh_from_db()
    assert notice.status == "concluded"


def test_dismissed_objection_keeps_the_application(province):
    notice, apps = make_notice(province, timezone.localdate())
    objection = notices.objection_file(
        notice=notice,
        application_id=apps[0].pk,
        name="王五",
        phone="13812345678",
        content="数据与实际情况不符，请核查。",
    )
    with pytest.raises(ServiceError, match="处理结果"):
        notices.objection_handle(objection=objection, actor=province, decision="dismiss", result=" ")
    notices.objection_handle(
        objection=objection, actor=province, decision="dismiss", result="经核查数据属实，异议不成立。"
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed" and type(apps[0]).objects.get(pk=apps[0].pk).state == S.PUBLIC_NOTICE


def test_validity_over_a_leap_day():
    assert Certification.validity(dt.date(2028, 2, 29)) == (dt.date(2028, 2, 29), dt.date(2031, 2, 27))
    assert Certification.validity(dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), dt.date(2028, 12, 31))


def test_publication_right_after_the_deadline_closes_the_notice_itself(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = make_notice(province, dt.date(2026, 9, 24), n=1)
    with time_machine.travel(at(2026, 10, 9, 0, 0, 30), tick=False):  # before the hourly job
        notices.publication_create(
            notice=notice, actor=province, doc_number="苏工信中小〔2026〕98号", publish_date=dt.date(2026, 10, 9)
        )
    assert [r.transition for r in history_for(notice)] == ["create", "publish", "close", "conclude"]
    assert Certification.objects.get().application_id == apps[0].pk


def test_a_certificate_dated_in_the_future_is_not_yet_valid():
    cert = Certification(valid_from=dt.date(2026, 12, 3), valid_to=dt.date(2029, 12, 2))
    assert cert.public_status(dt.date(2026, 11, 27)) == "pending"
    assert cert.public_status(dt.date(2026, 12, 3)) == "valid"
    assert cert.public_status(dt.date(2029, 10, 1)) == "expiring"
    assert cert.public_status(dt.date(2029, 12, 3)) == "expired"
