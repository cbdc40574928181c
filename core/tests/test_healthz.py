import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import Heartbeat

pytestmark = pytest.mark.django_db
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def _redis_cache(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    from core.cache import ResilientRedisCache

    ResilientRedisCache.reset()


def test_anonymous_callers_read_only_ok(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


def test_province_staff_read_every_check(client):
    client.force_login(UserFactory(province=True))
    Heartbeat.objects.create(name="worker", at=timezone.now())
    body = client.get(reverse("core:healthz")).json()
    assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok", "worker": "ok"}}


def test_a_stale_worker_is_reported_without_failing_the_site(client):
    client.force_login(UserFactory(province=True))
    Heartbeat.objects.create(name="worker", at=timezone.now() - timezone.timedelta(minutes=10))
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.json()["checks"]["worker"] == "stale"


def test_healthz_names_the_broker_when_it_is_down_to_staff_only(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_REDIS
    anonymous = client.get(reverse("core:healthz"))
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "down"}
    assert "Error" not in anonymous.content.decode()
    client.force_login(UserFactory(province=True))
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_reports_the_cache_when_redis_is_down(client, settings):
    _redis_cache(settings, CLOSED_REDIS)
    client.force_login(UserFactory(province=True))
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503 and response.json()["down"] == ["cache"]


def test_the_cache_degrades_to_no_cache_when_redis_is_down(settings):
    _redis_cache(settings, CLOSED_REDIS)
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)  # no exception
    assert cache.add("k", 1) is False
    assert cache.get_or_set("k2", 7) == 7


def test_the_throttle_fails_closed_when_redis_is_down(settings):
    from core import throttle

    _redis_cache(settings, CLOSED_REDIS)
    with pytest.raises(throttle.ThrottleUnavailable):
        throttle.allow("objection:1.2.3.4", limit=5, window_seconds=3600)
    with pytest.raises(throttle.ThrottleUnavailable):
        throttle.count("objection:1.2.3.4", window_seconds=3600)


LIVE_REDIS = "redis://127.0.0.1:6379/9"


def _require_live_redis() -> None:
    """Skip without a Redis on 127.0.0.1:6379 — unless the run is configured for Redis (CI sets CACHE_URL), where
    a missing server is a failure, not a reason to pass quietly."""
    import os

    import redis

    try:
        redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CACHE_URL", "").startswith("redis"):
            pytest.fail(f"CACHE_URL names Redis, but {LIVE_REDIS} does not answer")
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_the_resilient_cache_works_against_a_live_redis(settings):
    _require_live_redis()
    _redis_cache(settings, LIVE_REDIS)
    cache = caches["default"]
    cache.clear()
    cache.set("k", "v", 30)
    assert cache.get("k") == "v"
    from core import throttle

    assert [throttle.allow("t", limit=2, window_seconds=30) for _ in range(3)] == [True, True, False]
    cache.clear()


def test_an_unreachable_redis_does_not_switch_off_a_healthy_one():
    """The outage back-off is per server: a closed port elsewhere in the process leaves the real cache on."""
    from core.cache import ResilientRedisCache

    _require_live_redis()
    ResilientRedisCache.reset()
    options = {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    down = ResilientRedisCache(CLOSED_REDIS, options)
    live = ResilientRedisCache(LIVE_REDIS, options)
    assert down.get("k", "fallback") == "fallback"  # marks the closed port down
    live.set("k", "v", 30)
    assert live.get("k") == "v"
    live.delete("k")
