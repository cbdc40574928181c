from datetime import timedelta

import pytest
import time_machine

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, authority_user
from core.models import Notification
from core.tasks import daily_sweep

pytestmark = pytest.mark.django_db


def test_daily_sweep_reminds_once_near_the_city_deadline():
    app = application_in_state(S.CITY_REVIEW)
    city = authority_user(Role.CITY, app.cluster.division)
    deadline = app.call.city_deadline
    with time_machine.travel(deadline - timedelta(days=5)):
        assert daily_sweep.delay().get()["remind_city_deadlines"] == 0
    with time_machine.travel(deadline - timedelta(days=2)):
        assert daily_sweep.delay().get()["remind_city_deadlines"] == 1
        assert daily_sweep.delay().get()["remind_city_deadlines"] == 0  # idempotent
    note = Notification.objects.get(recipient=city)
    assert app.cluster.name in note.body and "截止" in note.title
    with time_machine.travel(deadline + timedelta(minutes=1)):
        assert daily_sweep.delay().get()["remind_city_deadlines"] == 0
