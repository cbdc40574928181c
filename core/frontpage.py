"""The public front page (`/` for anonymous visitors): sections contributed by the apps.

Each app may have a `frontpage` module; at start-up core imports it (Django's autodiscover, the way the admin
finds `admin` modules), and the module registers section providers. A provider returns a dict with a
"template" (an include under the app's templates) and its context, or None to show nothing. Core never imports
an app by name.
"""

from django.utils.module_loading import autodiscover_modules

_SECTIONS: list[tuple[int, object]] = []
_discovered = False


def register(order: int, provider) -> None:
    """provider() -> {"template": "...", **context} | None; sections render in `order`."""
    _SECTIONS.append((order, provider))
    _SECTIONS.sort(key=lambda s: s[0])


def sections() -> list[dict]:
    global _discovered
    if not _discovered:
        autodiscover_modules("frontpage")
        _discovered = True
    out = []
    for _order, provider in _SECTIONS:
        section = provider()
        if section:
            out.append(section)
    return out
