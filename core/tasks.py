"""Celery tasks of core. Each takes ids, loads, calls a service and is idempotent."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def deliver_emails(email_ids):
    """Deliver the given outbox e-mails (each at most once; failures stay pending for the periodic job)."""
    from .services import emails_deliver

    return emails_deliver(email_ids)


@shared_task
def deliver_pending_emails():
    """Beat job: deliver whatever the outbox still holds (a broker or mail outage only delays e-mails)."""
    from .services import emails_deliver

    return emails_deliver()


@shared_task
def daily_sweep():
    """Run every registered deadline sweep; each reads its deadlines from the database and is idempotent."""
    from django.utils.module_loading import import_string

    from .sweeps import registered

    results = {}
    for path in registered():
        name = path.rsplit(".", 1)[-1]
        try:
            results[name] = import_string(path)()
        except Exception:
            log.exception("sweep %s failed", path)
            results[name] = "failed"
    return results


@shared_task
def heartbeat():
    """Beat job every minute: proves to /healthz that a worker runs."""
    from .services import heartbeat as beat

    beat("worker")


@shared_task
def ping(value):
    """Echo a value; used by the health check test that runs a real worker."""
    return value
