"""The home page's 我的待办. Apps register providers so core never imports an app."""

_PROVIDERS = []


def register(provider) -> None:
    """provider(user) -> iterable of {"label", "count", "url"} for what waits for that user."""
    _PROVIDERS.append(provider)


def todos_for(user) -> list[dict]:
    items = []
    for provider in _PROVIDERS:
        items.extend(provider(user))
    return items
