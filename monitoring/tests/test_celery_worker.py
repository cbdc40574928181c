"""The daily sweep run by a real Celery worker, in its own process, on the configured broker (Redis in CI), against
the test database. The worker's clock is real: the calendar row is set so that today is the due date."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.constants import Role
from clusters.tests.factories import authority_user
from core.models import Notification
from core.tasks import daily_sweep
from monitoring.constants import ReminderKind
from monitoring.models import ReportingCalendar, SentReminder

from .factories import CertificationFactory, owner_of

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_date():
    """Overrides the package's frozen clock: the worker process runs on the real date, and so must this test."""
    yield


def test_worker_runs_the_annual_report_sweep(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot see an in-memory SQLite test database")
    from portal.celery import app

    today = timezone.localdate()
    report_year = today.year - 1
    # Today is the clusters' due date: the sweep sends the one-day reminder.
    ReportingCalendar.objects.create(
        report_year=report_year, cluster_due=today, city_due=today + datetime.timedelta(days=10), basis="测试"
    )
    cert = CertificationFactory(
        call_year=report_year, published=datetime.date(report_year, 6, 1), cluster__name="工作进程测试集群"
    )
    owner = owner_of(cert)
    county = authority_user(Role.COUNTY, cert.cluster.division)
    eager = app.conf.task_always_eager  # read before the setting changes: Celery may load its config lazily
    settings.CELERY_TASK_ALWAYS_EAGER = False

    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(
        [
            str(celery),
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],  # fmt: skip
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        daily_sweep.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if SentReminder.objects.filter(target=f"cert:{cert.pk}").exists():
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        # A second run on the same day sends nothing more.
        daily_sweep.apply_async(queue=queue)
        time.sleep(3)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0].decode("utf-8", "replace")
    sent = list(SentReminder.objects.filter(target=f"cert:{cert.pk}"))
    assert [s.kind for s in sent] == [ReminderKind.CLUSTER_1], (
        f"worker did not run the sweep; its log:\n{output[-4000:]}"
    )
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert Notification.objects.filter(recipient=county).count() == 1
