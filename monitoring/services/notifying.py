"""Many different notifications in a fixed number of queries, for the daily sweep.

`core.services.notify()` sends one message to many people; the lifecycle sweep sends each cluster its own message
(its name, its end of validity) and each authority the list of its own clusters. Calling notify() once per message
would make the sweep's queries grow with the certifications, so this writes them all in one go, the same way:
in-app notifications and outbox e-mails in the caller's transaction, delivered after commit. (core.services is
gaining the same helper as `notify_many`; once it is committed this module becomes a call to it.)
"""

from dataclasses import dataclass

from django.db import transaction

from core.models import Notification, OutboundEmail
from core.services import absolute_url, enqueue


@dataclass
class Message:
    recipients: list
    title: str
    body: str = ""
    url: str = ""


def notify_many(messages: list[Message]) -> int:
    """Write every message to each of its recipients (a recipient once per message); returns how many
    notifications were written."""
    rows = []
    for message in messages:
        for user in {u.pk: u for u in message.recipients}.values():
            rows.append(Notification(recipient=user, title=message.title[:200], body=message.body, url=message.url))
    if not rows:
        return 0
    notes = Notification.objects.bulk_create(rows)
    if notes and notes[0].pk is None:  # a backend that does not return ids from bulk inserts
        return len(notes)
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
    from core.todos import invalidate

    # The home page's cached to-do count of each recipient is stale now, as after core.services.notify().
    transaction.on_commit(lambda: invalidate(*{n.recipient_id for n in notes}))
    return len(notes)
