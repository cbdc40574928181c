"""Closing the notice, publication and certification (`services.notices`, `services.publication`, Art. 10, 11)."""

import datetime as dt

import pytest
import time_machine

from clusters.constants import ApplicationState as S
from clusters.models import Certification
from core.exceptions import ServiceError
from core.transitions import history_for
from reviews import services
from reviews.tests.factories import at, published_notice

pytestmark = pytest.mark.django_db


def test_close_job_closes_exactly_once_and_publication_waits_for_objections(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24), n=2)
        objection = services.objection_file(
            notice=notice,
            application_id=apps[0].pk,
            name="王五",
            phone="13812345678",
            content="数据与实际情况不符，请核查。",
        )
        with pytest.raises(ServiceError, match="期满后"):
            services.publication_create(
                notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 9)
            )
    with time_machine.travel(at(2026, 10, 8, 23, 59, 59), tick=False):
        assert services.notices_close_due() == 0
    with time_machine.travel(at(2026, 10, 9, 0, 1), tick=False):
        from reviews.tasks import close_notices

        assert close_notices.delay().get() == 1
        assert close_notices.delay().get() == 0  # idempotent
        assert [r.transition for r in history_for(notice)] == ["create", "publish", "close"]
        notice.refresh_from_db()
        assert notice.status == "closed"
        with pytest.raises(ServiceError, match="异议未处理"):
            services.publication_create(
                notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 9)
            )
        services.objection_handle(
            objection=objection, actor=province, decision="uphold", result="经核查，数据口径有误，异议成立。"
        )
        assert type(apps[0]).objects.get(pk=apps[0].pk).state == S.REJECTED
        publication = services.publication_create(
            notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 12)
        )
    cert = Certification.objects.get()
    assert cert.application_id == apps[1].pk and cert.cluster_id == apps[1].cluster_id
    assert (cert.valid_from, cert.valid_to) == (dt.date(2026, 10, 12), dt.date(2029, 10, 11))
    assert cert.number == "JS-TSJQ-2026-001" and cert.doc_number == publication.doc_number
    assert type(apps[1]).objects.get(pk=apps[1].pk).state == S.CERTIFIED
    notice.refresh_from_db()
    assert notice.status == "concluded"


def test_validity_over_a_leap_day():
    assert Certification.validity(dt.date(2028, 2, 29)) == (dt.date(2028, 2, 29), dt.date(2031, 2, 27))
    assert Certification.validity(dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), dt.date(2028, 12, 31))


def test_publication_right_after_the_deadline_closes_the_notice_itself(province):
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24), n=1)
    with time_machine.travel(at(2026, 10, 9, 0, 0, 30), tick=False):  # before the hourly job
        services.publication_create(
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


def test_a_cluster_with_a_certification_in_force_is_not_certified_twice(province):
    """Art. 11: a certified cluster renews by re-review; publication refuses a second certification at once."""
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, apps = published_notice(province, dt.date(2026, 9, 24), n=2)
    Certification.objects.create(
        number="JS-TSJQ-2025-007",
        cluster=apps[0].cluster,
        year=2025,
        source="imported",
        valid_from=dt.date(2025, 10, 1),
        valid_to=dt.date(2028, 9, 30),
        doc_number="苏工信中小〔2025〕7号",
    )
    with time_machine.travel(at(2026, 10, 9, 9)):
        services.notices_close_due()
        with pytest.raises(ServiceError) as err:
            services.publication_create(
                notice=notice, actor=province, doc_number="苏工信中小〔2026〕99号", publish_date=dt.date(2026, 10, 12)
            )
    assert apps[0].cluster.name in err.value.message and "JS-TSJQ-2025-007" in err.value.message
    assert Certification.objects.count() == 1
