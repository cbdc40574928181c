"""A fixed-window counter in the cache: no captcha service is reachable from an intranet."""

from django.core.cache import cache


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` happened in the current window."""
    full = f"throttle:{key}"
    if cache.add(full, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.add(full, 1, timeout=window_seconds)
        return True
    return count <= limit
