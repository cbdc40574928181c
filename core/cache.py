"""Redis as a cache that degrades instead of failing.

The cache only saves work: when Redis is unreachable, public pages render uncached rather than answer 500.
After a failure the cache is skipped for a short while (a circuit breaker), so an outage costs one connection
timeout per process, not one per fragment. Callers that must not silently pass without the cache (the
objection throttle) use the `strict_*` methods, which raise `CacheUnavailable`.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class CacheUnavailable(Exception):
    """The cache could not be reached."""


class ResilientRedisCache(RedisCache):
    # Per server: one unreachable Redis (a misconfigured second cache, a test's closed port) must not switch off
    # a healthy one in the same process.
    _down_until_by_server: dict = {}

    @classmethod
    def reset(cls) -> None:
        """Forget every server's outage (try each again now)."""
        cls._down_until_by_server.clear()

    def _server_key(self):
        return tuple(self._servers)

    def _available(self) -> bool:
        return time.monotonic() >= type(self)._down_until_by_server.get(self._server_key(), 0.0)

    def _failed(self, exc) -> None:
        if self._available():
            log.warning("cache unavailable, rendering without it for %ss: %s", RETRY_AFTER_SECONDS, exc)
        type(self)._down_until_by_server[self._server_key()] = time.monotonic() + RETRY_AFTER_SECONDS

    def _safe(self, method, default, *args, **kwargs):
        if not self._available():
            return default
        try:
            return method(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any Redis/connection error means "no cache"
            self._failed(exc)
            return default

    def get(self, key, default=None, version=None):
        return self._safe(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._safe(super().get_many, {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        if timeout is None:
            return self._safe(super().set, None, key, value, version=version)
        return self._safe(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        if timeout is None:
            return self._safe(super().set_many, list(data), data, version=version)
        return self._safe(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        if timeout is None:
            return self._safe(super().add, False, key, value, version=version)
        return self._safe(super().add, False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._safe(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._safe(super().delete_many, None, keys, version)

    def has_key(self, key, version=None):
        return self._safe(super().has_key, False, key, version)

    def touch(self, key, timeout=None, version=None):
        return self._safe(super().touch, False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except ValueError:
            raise
        except Exception as exc:
            self._failed(exc)
            raise ValueError("cache unavailable") from exc

    def clear(self):
        return self._safe(super().clear, False)

    # ---- strict: for callers that must know

    def _strict(self, method, *args):
        try:
            return method(*args)
        except ValueError:
            raise
        except Exception as exc:
            self._failed(exc)
            raise CacheUnavailable(str(exc)) from exc

    def strict_get(self, key):
        return self._strict(super().get, key)

    def strict_add(self, key, value, timeout):
        return self._strict(super().add, key, value, timeout)

    def strict_incr(self, key):
        return self._strict(super().incr, key)

    def ping(self) -> None:
        """Raise when Redis does not answer (for /healthz); never short-circuited by the breaker."""
        self._cache.get_client(write=True).ping()


# ---- data versions: cached results keyed by what they were computed from

DATA_VERSION_SECONDS = 600


def _version_keys(labels) -> list[str]:
    return [f"data-version:{label}" for label in labels]


def data_version(*labels: str) -> str:
    """A token that changes whenever a logged change touches a record of any of `labels` ("app_label.model"):
    put it in the key of a result computed from those records, and the result is recomputed after the next
    change. Every transition and logged event bumps its model's version (`core.transitions`). The tokens expire
    too, so a bump lost to a cache outage cannot keep a stale result longer than DATA_VERSION_SECONDS."""
    import uuid

    from django.core.cache import cache

    keys = _version_keys(labels)
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, DATA_VERSION_SECONDS)
    return ".".join(found.get(key) or missing[key] for key in keys)


def bump_data_version(*labels: str) -> None:
    """Forget the versions of `labels` now (readers in this transaction see the change) and again after the
    commit (a reader that computed from the old data meanwhile keys its result by a version no one asks for)."""
    from django.core.cache import cache
    from django.db import transaction

    keys = _version_keys(labels)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
