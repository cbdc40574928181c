"""The public notice and objections (`services.notices`, Art. 10)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusters.constants import ApplicationState as S
from clusters.tests.factories import tiny_pdf
from core.exceptions import ServiceError
from reviews import services
from reviews.models import Objection, PersonalDataView
from reviews.tests.factories import at, proposed, published_notice

pytestmark = pytest.mark.django_db


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
        notice = services.notice_create(
            call=call, actor=province, start_date=start, contact_department="中小企业处", contact_phone="025-1"
        )
    assert notice.end_date == end, holiday


def test_a_period_reaching_an_unknown_year_is_refused_naming_it(province):
    call, apps = proposed(province)
    with pytest.raises(ServiceError, match="2027"):
        services.notice_create(
            call=call, actor=province, start_date=dt.date(2026, 12, 28), contact_department="处", contact_phone="1"
        )
    assert not call.notices.exists()
    assert all(type(a).objects.get(pk=a.pk).state == S.JOINT_REVIEW for a in apps)


def test_publishing_moves_the_proposed_list_to_public_notice(province):
    notice, apps = published_notice(province, timezone.localdate())
    assert notice.status == "published"
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.PUBLIC_NOTICE}


def test_objection_accepted_at_235959_of_day_5_and_refused_a_second_later(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24))
    assert notice.end_date == dt.date(2026, 10, 8)
    kwargs = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "phone": "13812345678",
        "content": "该集群的主导产业产值数据与统计年鉴不符。",
    }
    with time_machine.travel(at(2026, 10, 8, 23, 59, 59), tick=False):
        objection = services.objection_file(**kwargs)
    assert objection.receipt_number.startswith("YY")
    with time_machine.travel(at(2026, 10, 9, 0, 0, 0), tick=False):
        with pytest.raises(ServiceError, match="不在受理期内"):
            services.objection_file(**kwargs)
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
    notice, apps = published_notice(province, timezone.localdate())
    kwargs = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "phone": "13812345678",
        "content": "数据与实际情况不符，请核查。",
        **change,
    }
    with pytest.raises(ServiceError) as exc:
        services.objection_file(**kwargs)
    assert field in exc.value.errors
    assert not Objection.objects.exists()


def test_evidence_files_are_checked_by_content_and_size(province, tmp_path):
    notice, apps = published_notice(province, timezone.localdate())
    base = {
        "notice": notice,
        "application_id": apps[0].pk,
        "name": "王五",
        "email": "w@example.cn",
        "content": "数据与实际情况不符，请核查。",
    }
    exe = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError, match="证据.pdf"):
        services.objection_file(**base, files=[exe])
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * (services.OBJECTION_FILE_MAX_MB * 1024 * 1024 + 1))
    with pytest.raises(ServiceError, match="上限"):
        services.objection_file(**base, files=[big])
    assert not Objection.objects.exists()
    ok = services.objection_file(**base, files=[SimpleUploadedFile("证明.pdf", tiny_pdf())])
    stored = ok.files.get()
    assert stored.original_name == "证明.pdf" and stored.file_type == "pdf"
    # Stored under a random name in the objections area, not under the name the filer gave it.
    assert stored.file.name.startswith("objections/") and stored.file.name.endswith(".pdf")
    assert "证明" not in stored.file.name
    with stored.file.open("rb") as f:
        assert f.read() == tiny_pdf()


def test_receipt_is_emailed_when_an_address_was_given(province, mailoutbox, django_capture_on_commit_callbacks):
    notice, apps = published_notice(province, timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_file(
            notice=notice,
            application_id=apps[0].pk,
            name="王五",
            email="w@example.cn",
            content="数据与实际情况不符，请核查。",
        )
    receipts = [m for m in mailoutbox if m.to == ["w@example.cn"]]
    assert len(receipts) == 1 and objection.receipt_number in receipts[0].subject


def test_personal_data_views_are_logged(province):
    notice, apps = published_notice(province, timezone.localdate())
    objection = services.objection_file(
        notice=notice,
        application_id=apps[0].pk,
        name="王五",
        phone="13812345678",
        content="数据与实际情况不符，请核查。",
    )
    data = services.objection_personal_data(objection=objection, actor=province)
    assert data["phone"] == "13812345678"
    assert PersonalDataView.objects.filter(objection=objection, viewer=province).count() == 1


def test_dismissed_objection_keeps_the_application(province):
    notice, apps = published_notice(province, timezone.localdate())
    objection = services.objection_file(
        notice=notice,
        application_id=apps[0].pk,
        name="王五",
        phone="13812345678",
        content="数据与实际情况不符，请核查。",
    )
    with pytest.raises(ServiceError, match="处理结果"):
        services.objection_handle(objection=objection, actor=province, decision="dismiss", result=" ")
    services.objection_handle(
        objection=objection, actor=province, decision="dismiss", result="经核查数据属实，异议不成立。"
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed" and type(apps[0]).objects.get(pk=apps[0].pk).state == S.PUBLIC_NOTICE
