"""Navigation entries by role. Apps register theirs at import time so core never imports an app."""

import re

from django.urls import NoReverseMatch, reverse

_ENTRIES: list[tuple] = []


def register(order: int, label, url_name: str, visible, also: tuple[str, ...] = ()) -> None:
    """visible(user) -> bool decides whether the entry shows for a user; `also` lists regular expressions of
    further paths that belong to the entry's section (they win over a mere URL prefix)."""
    _ENTRIES.append((order, label, url_name, visible, tuple(re.compile(p) for p in also)))
    _ENTRIES.sort(key=lambda e: e[0])


def navigation_for(request):
    items = []
    path = request.path
    best, best_score = None, -1
    for _order, label, url_name, visible, also in _ENTRIES:
        try:
            shown = visible(request.user)
        except AttributeError:  # AnonymousUser lacks the portal's role helpers
            shown = False
        if not shown:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        item = {"label": str(label), "url": url, "active": False}
        if url_name == "core:home":
            # The to-do total, computed only when the template shows it.
            from django.utils.functional import SimpleLazyObject

            from .todos import count_for

            item["badge"] = SimpleLazyObject(lambda user=request.user: count_for(user))
        items.append(item)
        # Only the most specific entry is current: /review/ must not light up on /review/recommendations/.
        if any(p.match(path) for p in also):
            score = 10_000
        elif url == path or (url != "/" and path.startswith(url)):
            score = len(url)
        else:
            continue
        if score > best_score:
            best, best_score = item, score
    if best is not None:
        best["active"] = True
    return items
