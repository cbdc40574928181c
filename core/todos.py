"""The home page's 我的待办: every matter waiting for a user, from every app, with its deadline.

Apps register providers at start-up (core never imports an app). A provider returns items, each a dict (or a
`Todo`) with a label, a count (how many matters the item stands for), a link to the page to act on, and the
deadline when there is one; items past their deadline are marked overdue and listed first. The navigation's
badge shows the same total as the list: the home page computes it and caches it for the user, and any
transition by the user or notification to the user clears the cached number.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

_PROVIDERS = []
CACHE_SECONDS = 120


@dataclass
class Todo:
    label: str
    count: int
    url: str
    deadline: datetime.date | datetime.datetime | None = None
    overdue: bool = False
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def deadline_text(self) -> str:
        if isinstance(self.deadline, datetime.datetime):
            d = timezone.localtime(self.deadline)
            return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"
        if self.deadline is not None:
            return f"{self.deadline.year}年{self.deadline.month}月{self.deadline.day}日"
        return ""

    @property
    def deadline_date(self):
        if isinstance(self.deadline, datetime.datetime):
            return timezone.localtime(self.deadline).date()
        return self.deadline


def register(provider) -> None:
    """provider(user) -> iterable of Todo or {"label", "count", "url", ["deadline"], ["overdue"], ["note"]}."""
    _PROVIDERS.append(provider)


def _as_todo(item) -> Todo:
    if isinstance(item, Todo):
        return item
    known = {k: item[k] for k in ("label", "count", "url", "deadline", "overdue", "note") if k in item}
    return Todo(**known)


def todos_for(user) -> list[Todo]:
    """Every item waiting for the user with a count above zero: overdue first, then by deadline."""
    now = timezone.now()
    today = timezone.localdate(now)
    items = []
    for provider in _PROVIDERS:
        for raw in provider(user):
            todo = _as_todo(raw)
            if not todo.count:
                continue
            if todo.deadline is not None and not todo.overdue:
                if isinstance(todo.deadline, datetime.datetime):
                    todo.overdue = todo.deadline < now
                else:
                    todo.overdue = todo.deadline < today
            items.append(todo)
    far = datetime.date.max
    items.sort(key=lambda t: (not t.overdue, t.deadline_date or far))
    total = sum(t.count for t in items)
    if getattr(user, "pk", None):
        cache.set(_key(user.pk), total, CACHE_SECONDS)
    return items


def _key(user_id) -> str:
    return f"todos:count:{user_id}"


def count_for(user) -> int:
    """The total the navigation shows: the cached number of the last computation, recomputed when missing."""
    if not getattr(user, "pk", None):
        return 0
    total = cache.get(_key(user.pk))
    if total is None:
        total = sum(t.count for t in todos_for(user))
    return total


def invalidate(*user_ids) -> None:
    """Forget the cached totals of these users (something changed for them)."""
    keys = [_key(pk) for pk in user_ids if pk]
    if keys:
        cache.delete_many(keys)
