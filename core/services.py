"""Writes that every app uses: notifications and e-mails (through the outbox), the task queue, audit events.

State changes and their log live in `core.transitions`."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import AuditEvent, EmailStatus, Notification, OutboundEmail
from .request_context import current_client_ip, current_site_url

log = logging.getLogger(__name__)


def site_url() -> str:
    """The portal's address for links that leave the page (e-mails, QR codes): SITE_URL when configured,
    otherwise the address of the request being served, otherwise the local development address."""
    configured = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return configured or current_site_url() or "http://127.0.0.1:8000"


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{site_url()}{path}"


def enqueue(task: str, *args) -> None:
    """Queue a Celery task by its dotted path once the current transaction commits.

    A broker outage must never undo or break the caller's transaction: the failure is logged and whatever the
    task was to deliver stays in the database for the periodic job (outbox) or an on-demand retry."""

    def send():
        try:
            import_string(task).delay(*args)
        except Exception:
            log.exception("could not enqueue %s%r", task, args)

    transaction.on_commit(send)


def email_enqueue(*, to: str, subject: str, body: str, notification=None) -> OutboundEmail:
    """Write an e-mail to the outbox in the caller's transaction; it is delivered after commit."""
    mail = OutboundEmail.objects.create(to=to, subject=subject[:200], body=body, notification=notification)
    enqueue("core.tasks.deliver_emails", [mail.pk])
    return mail


def notify(*, recipients, title: str, body: str = "", url: str = "") -> list[Notification]:
    """In-app notifications, and an e-mail for each recipient with an address, written in the caller's
    transaction; e-mails are delivered after commit, and a broker or mail outage only delays them."""
    unique = {u.pk: u for u in recipients}.values()
    return notify_many([(u, title, body, url) for u in unique])


def notify_many(messages) -> list[Notification]:
    """Many notifications, each (recipient, title, body, url), in two inserts and one queued task (a sweep
    reminding every county at once stays at a fixed number of queries)."""
    messages = list(messages)
    if not messages:
        return []
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, title=title[:200], body=body, url=url) for user, title, body, url in messages
    )
    mails = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=n.recipient.email,
            subject=n.title,
            body=f"{n.body}\n\n{absolute_url(n.url)}" if n.url else n.body,
            notification=n,
        )
        for n in notes
        if n.recipient.email
    )
    if mails:
        enqueue("core.tasks.deliver_emails", [m.pk for m in mails])
    from .todos import invalidate

    transaction.on_commit(lambda: invalidate(*{n.recipient_id for n in notes}))
    return notes


MAX_EMAIL_ATTEMPTS = 8


def emails_deliver(ids=None, *, limit: int = 200) -> int:
    """Send pending outbox e-mails (the given ones, or the oldest pending); each is sent at most once even when
    two workers run this at the same time. Returns how many were sent."""
    from django.core.mail import send_mail

    sent = 0
    qs = OutboundEmail.objects.filter(status=EmailStatus.PENDING)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for pk in list(qs.order_by("id").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            mail = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if mail is None or mail.status != EmailStatus.PENDING:
                continue
            try:
                send_mail(mail.subject, mail.body, None, [mail.to])
            except Exception as exc:  # noqa: BLE001 - a mail server failure is recorded and retried later
                mail.attempts += 1
                mail.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
                if mail.attempts >= MAX_EMAIL_ATTEMPTS:
                    mail.status = EmailStatus.FAILED
                mail.save(update_fields=["attempts", "last_error", "status"])
                continue
            mail.status = EmailStatus.SENT
            mail.sent_at = timezone.now()
            mail.attempts += 1
            mail.save(update_fields=["status", "sent_at", "attempts"])
            if mail.notification_id:
                Notification.objects.filter(pk=mail.notification_id).update(emailed=True)
            sent += 1
    return sent


def audit(event: str, *, user=None, obj=None, outcome: str = "success", detail: str = "", username: str = "") -> None:
    """Append one security audit record (time, user, client address, event, object, outcome)."""
    if event == "export":
        from .request_context import mark_export_audited

        mark_export_audited()
    AuditEvent.objects.create(
        created_at=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        client_ip=current_client_ip(),
        event=event,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        outcome=outcome,
        detail=detail[:500],
    )


def audit_purge_expired(now=None) -> int:
    """Daily sweep: remove security audit records older than AUDIT_RETENTION_DAYS (at least six months).
    The transition log is never purged."""
    from datetime import timedelta

    from django.db.models import QuerySet

    now = now or timezone.now()
    cutoff = now - timedelta(days=int(settings.AUDIT_RETENTION_DAYS))
    # The append-only manager refuses deletion; retention is the one sanctioned removal.
    deleted, _ = QuerySet.delete(QuerySet(model=AuditEvent).filter(created_at__lt=cutoff))
    return deleted


CHECKPOINT_NAME = "audit/checkpoints/transition-log-head.json"


def transition_log_checkpoint(now=None) -> dict:
    """Daily sweep: write the chain's head (last id, its hash, row count) outside the table — a file on the
    private storage and the application log — so that deleting the newest rows is detected."""
    import json

    from django.core.files.base import ContentFile

    from .models import TransitionLog
    from .storage import private_storage

    now = now or timezone.now()
    head = TransitionLog.objects.order_by("-id").values("id", "hash").first()
    point = {
        "last_id": head["id"] if head else 0,
        "last_hash": head["hash"] if head else "",
        "count": TransitionLog.objects.count(),
        "written_at": now.isoformat(),
    }
    storage = private_storage()
    data = json.dumps(point).encode()
    if storage.exists(CHECKPOINT_NAME):
        storage.delete(CHECKPOINT_NAME)
    storage.save(CHECKPOINT_NAME, ContentFile(data))
    storage.save(f"audit/checkpoints/{timezone.localdate(now):%Y-%m-%d}.json", ContentFile(data))
    log.info("transition log checkpoint %s", json.dumps(point))
    return point


def transition_log_checkpoint_problem() -> str:
    """What the last checkpoint says is missing from the log ('' when the head it recorded is intact)."""
    import json

    from .models import TransitionLog
    from .storage import private_storage

    storage = private_storage()
    if not storage.exists(CHECKPOINT_NAME):
        return ""
    with storage.open(CHECKPOINT_NAME) as fh:
        point = json.loads(fh.read().decode())
    if not point.get("last_id"):
        return ""
    row = TransitionLog.objects.filter(pk=point["last_id"]).values("hash").first()
    if row is None:
        return f"检查点记录的最后一条流转记录（id={point['last_id']}）已不存在：最新的记录被删除。"
    if row["hash"] != point["last_hash"]:
        return f"检查点记录的流转记录（id={point['last_id']}）哈希不一致。"
    count = TransitionLog.objects.filter(pk__lte=point["last_id"]).count()
    if count != point["count"]:
        return f"检查点时共有 {point['count']} 条记录，现仅有 {count} 条：有记录被删除。"
    return ""


def heartbeat(name: str = "worker") -> None:
    """Record that a background process is alive (/healthz reads it)."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def upload_temp_cleanup(max_age_seconds: int = 3600) -> int:
    """Remove temporary upload files older than an hour (left by requests killed mid-upload)."""
    import time
    from pathlib import Path

    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not folder.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - max_age_seconds
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
