"""Objectors' personal information: stored SM4-encrypted, anonymised after the retention period (PIPL)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from core.exceptions import ServiceError
from core.models import AuditEvent
from core.transitions import verify_frozen_records
from reviews import services
from reviews.models import Objection
from reviews.services.retention import ANONYMISED, objection_contacts_anonymise
from reviews.tests.factories import at, published_notice

pytestmark = pytest.mark.django_db


def _file(notice, app, phone, email=""):
    return services.objection_file(
        notice=notice,
        application_id=app.pk,
        name="王五",
        phone=phone,
        email=email,
        content=f"该集群的主导产业产值数据与统计年鉴不符（{phone}）。",
    )


def test_the_phone_is_stored_encrypted_and_read_back(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24))
        objection = _file(notice, apps[0], "13812345678")
        # The same text again is still refused as a duplicate, although the stored phone differs byte by byte.
        with pytest.raises(ServiceError, match="请勿重复提交"):
            _file(notice, apps[0], "13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM reviews_objection WHERE id = %s", [objection.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4:") and "13812345678" not in stored
    assert Objection.objects.get(pk=objection.pk).phone == "13812345678"


def test_contacts_are_anonymised_after_the_retention_period_and_the_record_stays(province, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24))
        old = _file(notice, apps[0], "13812345678", email="wang@example.cn")
        pending = _file(notice, apps[1], "13900001111")
    with time_machine.travel(at(2026, 9, 28, 10)):
        old = services.objection_handle(objection=old, actor=province, decision="dismiss", result="经核实，数据一致。")
        assert Objection.objects.get(pk=old.pk).result_told_at  # e-mailed with the result
    with time_machine.travel(at(2027, 9, 27, 10)):  # 364 days later: kept
        assert objection_contacts_anonymise() == 0
    with time_machine.travel(at(2027, 9, 29, 10)):
        assert objection_contacts_anonymise() == 1
        assert objection_contacts_anonymise() == 0  # idempotent
    old.refresh_from_db()
    assert (old.name, old.phone, old.email) == (ANONYMISED, "", "")
    assert old.content.startswith("该集群") and old.result == "经核实，数据一致。" and old.receipt_number
    pending.refresh_from_db()
    assert pending.name == "王五" and pending.phone == "13900001111"  # not handled: still needed
    assert verify_frozen_records() == []  # the frozen content (and its digest) is untouched
    assert AuditEvent.objects.filter(event="anonymise").count() == 1
