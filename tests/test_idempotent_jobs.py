"""Every beat job may run twice (a retried task, two beats after a failover, a manual re-run): the second run
over the same day adds nothing — no second notification, log row, e-mail or audit record."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, authority_user, province_user, published_call
from core import tasks as core_tasks
from core.models import AuditEvent, Notification, OutboundEmail, TransitionLog
from monitoring.tests.factories import CertificationFactory, cluster_in
from monitoring.tests.lifecycle_factories import expiring_certification
from reviews import tasks as review_tasks
from reviews.tests.factories import at, published_notice

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _counts():
    return (
        Notification.objects.count(),
        TransitionLog.objects.count(),
        OutboundEmail.objects.count(),
        AuditEvent.objects.exclude(event__in=("login", "logout")).count(),
    )


def _twice(job):
    job()
    first = _counts()
    job()
    assert _counts() == first, job
    return first


def test_every_beat_job_run_twice_adds_nothing_the_second_time(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # A call whose city deadline is two days away with applications still waiting at both tiers.
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        call = published_call(
            2025,
            opens_at=timezone.now() - datetime.timedelta(days=20),
            closes_at=timezone.now() + datetime.timedelta(days=1),
            city_deadline=timezone.now() + datetime.timedelta(days=2),
        )
        waiting = application_in_state(S.COUNTY_REVIEW, call=call)
        authority_user(Role.COUNTY, waiting.cluster.division)
        authority_user(Role.CITY, waiting.cluster.division)
        # Certified clusters whose annual report is due, and one certification nearing its end.
        CertificationFactory(cluster=cluster_in("320583"))
        expiring_certification()
        province_user()
    # A notice whose period ends while the jobs run.
    with time_machine.travel(at(2026, 9, 24, 9)):
        notice, _apps = published_notice(province_user(), datetime.date(2026, 9, 24))

    for day in (datetime.datetime(2026, 3, 1, 0, 10), datetime.datetime(2026, 3, 25, 0, 10)):
        with time_machine.travel(day.replace(tzinfo=SHANGHAI), tick=False):
            _twice(core_tasks.daily_sweep)
            _twice(core_tasks.deliver_pending_emails)
    with time_machine.travel(datetime.datetime(2026, 10, 9, 0, 1, tzinfo=SHANGHAI), tick=False):
        before = _counts()
        _twice(review_tasks.close_notices)
        notice.refresh_from_db()
        assert notice.status == "closed" and _counts() != before  # the first run did close it
        _twice(core_tasks.daily_sweep)
        _twice(core_tasks.deliver_pending_emails)
    # The jobs did their work the first time (reminders, e-mails).
    assert Notification.objects.exists() and len(mail.outbox) == OutboundEmail.objects.filter(status="sent").count()
