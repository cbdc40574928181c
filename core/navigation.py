"""Navigation entries by role. Apps register theirs at import time so core never imports an app."""

from django.urls import NoReverseMatch, reverse

_ENTRIES: list[tuple[int, str, str, object]] = []


def register(order: int, label: str, url_name: str, visible) -> None:
    """visible(user) -> bool decides whether the entry shows for a user."""
    _ENTRIES.append((order, label, url_name, visible))
    _ENTRIES.sort(key=lambda e: e[0])


def navigation_for(request):
    items = []
    path = request.path
    for _order, label, url_name, visible in _ENTRIES:
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
        items.append({"label": str(label), "url": url, "active": False})
    # Only the most specific entry is current: /review/ must not light up on /review/recommendations/.
    matches = [i for i in items if i["url"] == path or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
