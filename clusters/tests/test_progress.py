from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from clusters import services
from clusters.constants import ApplicationState as S
from clusters.progress import application_progress
from clusters.tests.factories import application_in_state, authority_user

pytestmark = pytest.mark.django_db


def test_time_returned_is_counted_apart_from_review_time(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        app = application_in_state(S.COUNTY_REVIEW)
        owner = app.applicant.users.get(role=Role.APPLICANT)
        county = authority_user(Role.COUNTY, app.cluster.division)
        clock.shift(timedelta(days=2))
        services.application_transition(
            application=app,
            actor=county,
            verb="return",
            method="return_to_applicant",
            reason="补充研发经费证明",
            comment="退回",
        )
        clock.shift(timedelta(days=3))
        app.refresh_from_db()
        progress = application_progress(app)
        assert progress.returned and progress.return_reason == "补充研发经费证明"
        assert progress.review_time == timedelta(days=2)
        assert progress.returned_time == timedelta(days=3)
        assert progress.deadline == app.call.city_deadline
        services.application_submit(application=app, actor=owner, comment="已补充")
        clock.shift(timedelta(days=1))
        app.refresh_from_db()
        progress = application_progress(app)
        assert progress.review_time == timedelta(days=3)
        assert progress.returned_time == timedelta(days=3)
        assert "县级" in progress.stage
        client.force_login(owner)
        body = client.get(reverse("clusters:application_detail", args=[app.pk])).content.decode()
        assert "退回申报主体修改累计 3.0 天" in body and "审核环节累计 3.0 天" in body


def test_draft_never_submitted_points_at_the_call_deadline():
    app = application_in_state(S.DRAFT)
    progress = application_progress(app)
    assert not progress.returned and progress.deadline == app.call.closes_at and progress.review_time == timedelta()
