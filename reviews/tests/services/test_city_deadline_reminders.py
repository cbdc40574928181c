"""The daily reminder of the city deadline (`remind_city_deadlines`): a fixed number of queries per call, however
many applications wait and however many county and city users are reminded."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, KUNSHAN, OrganisationFactory, UserFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, published_call
from core.models import Notification, OutboundEmail
from reviews.services import remind_city_deadlines

pytestmark = pytest.mark.django_db


def _remind(call):
    with time_machine.travel(call.city_deadline - timedelta(days=2)):
        with CaptureQueriesContext(connection) as ctx:
            sent = remind_city_deadlines()
    return sent, len(ctx.captured_queries)


def test_reminders_take_the_same_queries_for_one_recipient_or_many():
    call = published_call()
    first = application_in_state(S.COUNTY_REVIEW, call=call)
    kunshan = authority_user(Role.COUNTY, first.cluster.division)
    Notification.objects.all().delete()
    sent, one = _remind(call)
    assert sent == 1 and Notification.objects.get().recipient == kunshan

    Notification.objects.all().delete()
    jiangyin = OrganisationFactory(division=division(JIANGYIN))
    application_in_state(S.COUNTY_REVIEW, call=call, cluster=ClusterFactory(owner=jiangyin, name="江阴集群"))
    waiting_city = application_in_state(S.CITY_REVIEW, call=call, cluster=ClusterFactory(name="昆山市审集群"))
    city = authority_user(Role.CITY, waiting_city.cluster.division)
    recipients = {
        kunshan,
        UserFactory(county=True, organisation__division=division(KUNSHAN)),
        authority_user(Role.COUNTY, division(JIANGYIN)),
        city,
    }
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    sent, many = _remind(call)
    assert sent == 4 and {n.recipient for n in Notification.objects.all()} == recipients
    assert many == one
    assert OutboundEmail.objects.count() == sum(1 for u in recipients if u.email)
    city_note = Notification.objects.get(recipient=city)
    assert "昆山市审集群" in city_note.body and "截止" in city_note.title
    assert _remind(call)[0] == 0  # idempotent: nobody is reminded twice of the same deadline
