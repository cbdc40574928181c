"""A real Celery worker, in its own process, on the configured broker (Redis in CI), against the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from core.models import EmailStatus, OutboundEmail
from core.services import notify
from core.tasks import deliver_emails

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_worker_sends_the_notification_email(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot see an in-memory SQLite test database")
    from portal.celery import app

    user = UserFactory(email="county@example.cn")
    # The outbox row is written with the notification; the worker delivers it (nothing is sent in this process:
    # the delivery task notify queues goes to the broker's default queue, where no worker of this test listens).
    eager = app.conf.task_always_eager  # read before the setting changes: Celery may load its config lazily
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    note = notify(recipients=[user], title="待审核：昆山市电子信息集群", body="请及时审核。", url="/applications/1/")[0]
    mail = OutboundEmail.objects.get(notification=note)

    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
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
        ],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert OutboundEmail.objects.get(pk=mail.pk).status != EmailStatus.SENT  # not sent by this process
        deliver_emails.apply_async(args=[[mail.pk]], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            mail.refresh_from_db()
            if mail.status == EmailStatus.SENT:
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0].decode("utf-8", "replace")
    note.refresh_from_db()
    assert mail.status == EmailStatus.SENT and note.emailed, (
        f"worker did not process the task; its log:\n{output[-4000:]}"
    )
    mails = list(mail_dir.glob("*.log"))
    assert len(mails) == 1
    text = mails[0].read_text(encoding="utf-8")
    assert "county@example.cn" in text
