"""A fixed-window counter in the cache: no captcha service is reachable from an intranet."""

from django.core.cache import cache

from .cache import CacheUnavailable


class ThrottleUnavailable(Exception):
    """The counter could not be read: callers that must fail closed refuse the action with a clear message."""


def _add(key, timeout):
    strict = getattr(cache, "strict_add", None)
    return strict(key, 1, timeout) if strict else cache.add(key, 1, timeout=timeout)


def _incr(key):
    strict = getattr(cache, "strict_incr", None)
    return strict(key) if strict else cache.incr(key)


def count(key: str, *, window_seconds: int) -> int:
    """How many times `key` was counted in the current window (0 when none)."""
    getter = getattr(cache, "strict_get", cache.get)
    try:
        value = getter(f"throttle:{key}")
    except CacheUnavailable as exc:
        raise ThrottleUnavailable(str(exc)) from exc
    return int(value or 0)


def hit(key: str, *, window_seconds: int) -> int:
    """Count one event under `key`; returns the count in the current window. Raises ThrottleUnavailable."""
    full = f"throttle:{key}"
    try:
        if _add(full, window_seconds):
            return 1
        try:
            return _incr(full)
        except ValueError:  # expired between add and incr
            _add(full, window_seconds)
            return 1
    except CacheUnavailable as exc:
        raise ThrottleUnavailable(str(exc)) from exc


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` happened in the current window.
    Raises ThrottleUnavailable when the counter cannot be reached (callers decide to fail closed)."""
    return hit(key, window_seconds=window_seconds) <= limit
