"""The ground-(3) proposals of a sweep day: one log row per new case, written in one insert under one chain lock,
so the queries do not grow with the cases; the clusters are told through core.services.notify_many."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification, TransitionLog
from core.transitions import verify_chain
from monitoring.constants import RevocationGround, RevocationStatus
from monitoring.models import RevocationCase
from monitoring.services import sweep_propose
from monitoring.services.notifying import Message, notify_many

from .factories import CertificationFactory, owner_of

pytestmark = pytest.mark.django_db


def _propose(certs, year):
    ContentType.objects.get_for_model(RevocationCase, for_concrete_model=False)  # warm the per-process cache
    with CaptureQueriesContext(connection) as ctx:
        created = sweep_propose(
            ground=RevocationGround.ANNUAL_INFO_MISSING,
            year=year,
            evidence_by_certification={c.pk: f"{c.cluster.name}未按时报送{year}年度信息表。" for c in certs},
        )
    return created, len(ctx.captured_queries)


def test_proposals_cost_the_same_queries_for_one_case_or_many():
    one = [CertificationFactory()]
    owner_of(one[0])
    created, small = _propose(one, 2024)
    assert len(created) == 1
    many = [CertificationFactory() for _ in range(8)]
    for cert in many:
        owner_of(cert)
    created, large = _propose(many, 2024)
    assert len(created) == 8
    assert large <= small
    rows = TransitionLog.objects.filter(transition="propose").order_by("id")
    assert rows.count() == 9
    assert {r.object_id for r in rows} == {str(c.pk) for c in RevocationCase.objects.all()}
    assert all(r.to_state == RevocationStatus.PROPOSED and r.actor_name == "系统" for r in rows)
    assert rows.last().comment == f"{many[-1].cluster.name}未按时报送2024年度信息表。"
    assert rows.last().object_repr.startswith(many[-1].number)
    assert verify_chain()[1] is None  # the bulk insert keeps the hash chain whole
    assert Notification.objects.count() == 9  # each cluster's user told of its own case
    # A second run records nothing more.
    created, _ = _propose(many, 2024)
    assert created == [] and TransitionLog.objects.filter(transition="propose").count() == 9


def test_notify_many_delegates_and_writes_each_recipient_once_per_message():
    cert = CertificationFactory()
    user = owner_of(cert)
    written = notify_many([Message([user, user], "标题一", "正文", "/x/"), Message([user], "标题二")])
    assert written == 2
    assert list(Notification.objects.order_by("id").values_list("title", flat=True)) == ["标题一", "标题二"]
