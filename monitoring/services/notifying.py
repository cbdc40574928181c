"""Many different notifications in a fixed number of queries, for the daily sweeps.

`core.services.notify()` sends one message to many people; the lifecycle sweep sends each cluster its own message
(its name, its end of validity) and each authority the list of its own clusters. `Message` groups one text with
its recipients; `notify_many` flattens them for `core.services.notify_many` (two inserts, one queued task), which
writes the in-app notifications and the outbox e-mails in the caller's transaction and refreshes the recipients'
to-do counts after commit.
"""

from dataclasses import dataclass

from core import services as core_services


@dataclass
class Message:
    recipients: list
    title: str
    body: str = ""
    url: str = ""


def notify_many(messages: list[Message]) -> int:
    """Write every message to each of its recipients (a recipient once per message); returns how many
    notifications were written."""
    rows = [
        (user, message.title, message.body, message.url)
        for message in messages
        for user in {u.pk: u for u in message.recipients}.values()
    ]
    return len(core_services.notify_many(rows))
