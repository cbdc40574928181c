import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_notification_emails(notification_ids):
    """E-mail the given notifications once each (idempotent: already-mailed ones are skipped)."""
    for note in Notification.objects.filter(pk__in=notification_ids, emailed=False).select_related("recipient"):
        if not note.recipient.email:
            continue
        link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
        send_mail(note.title, f"{note.body}{link}", None, [note.recipient.email])
        Notification.objects.filter(pk=note.pk).update(emailed=True)


_SWEEPS = []


def register_sweep(func):
    """Apps register deadline sweeps here; the daily beat job runs them all."""
    _SWEEPS.append(func)
    return func


@shared_task
def daily_sweep():
    """Run every registered deadline sweep; each reads its deadlines from the database."""
    results = {}
    for sweep in _SWEEPS:
        try:
            results[sweep.__name__] = sweep()
        except Exception:
            log.exception("sweep %s failed", sweep.__name__)
            results[sweep.__name__] = "failed"
    return results


@shared_task
def ping(value):
    """Echo a value; used by the health check test that runs a real worker."""
    return value
