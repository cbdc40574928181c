"""Writes that every app uses: the transition log and notifications."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .models import GENESIS_HASH, Notification, TransitionLog

log = logging.getLogger(__name__)

# Any constant: serialises appends to the hash chain across processes on PostgreSQL.
_CHAIN_LOCK_KEY = 7_320_000


def log_transition(
    *, obj, transition: str, from_state: str, to_state: str, actor=None, comment: str = ""
) -> TransitionLog:
    """Append one row to the transition log, chained to the previous row's hash."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = TransitionLog.objects.order_by("-id").only("hash").first()
        row = TransitionLog(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            transition=transition,
            from_state=str(from_state),
            to_state=str(to_state),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(getattr(actor, "display_name", "") or str(actor or ""))[:150] if actor else "系统",
            created_at=timezone.now(),
            comment=str(comment or ""),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        row.hash = row.compute_hash()
        row.save()
    return row


def history_for(obj):
    """The transition log rows of one object, oldest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return TransitionLog.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor").order_by("id")


def verify_chain() -> tuple[int, TransitionLog | None, str]:
    """Walk the whole log; return (rows checked, first broken row or None, reason)."""
    prev = GENESIS_HASH
    count = 0
    for row in TransitionLog.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if row.prev_hash != prev:
            return count, row, "prev_hash 与上一条记录的哈希不一致（记录被删除或插入）"
        if row.compute_hash() != row.hash:
            return count, row, "记录内容与其哈希不一致（记录被篡改）"
        prev = row.hash
    return count, None, ""


def notify(*, recipients, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create in-app notifications and queue the e-mails after commit; mail failures never block the caller."""
    notes = [
        Notification(recipient=u, title=title[:200], body=body, url=url) for u in {u.pk: u for u in recipients}.values()
    ]
    created = Notification.objects.bulk_create(notes)
    ids = [n.pk for n in created if n.recipient.email]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: _enqueue_safely(send_notification_emails, ids))
    return created


def _enqueue_safely(task, *args):
    try:
        task.delay(*args)
    except Exception:
        log.exception("could not enqueue %s", task.name)
