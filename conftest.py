import os

import pytest


def pytest_configure(config):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _require_database_vendor(django_db_setup, django_db_blocker):
    """CI sets REQUIRE_DATABASE_VENDOR=postgresql so a run that fell back to SQLite fails loudly."""
    wanted = os.environ.get("REQUIRE_DATABASE_VENDOR")
    if wanted:
        from django.db import connection

        if connection.vendor != wanted:
            pytest.exit(f"tests ran on {connection.vendor}, but REQUIRE_DATABASE_VENDOR={wanted}", returncode=3)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Django resets its storages when STORAGES changes: each test gets a private folder of its own.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_STORAGE_ROOT, "base_url": "/private-files-are-never-served/"},
        },
    }


@pytest.fixture(autouse=True)
def _celery_mode(settings):
    """Every test starts with Celery as the settings say (eager in tests): a test that switched the app to a
    real broker cannot leave later tests in the same process queueing tasks no worker runs."""
    from portal.celery import app

    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request that switched to English leaves it active in the thread; every test starts in Chinese."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache, as with an empty database: cached results are keyed by ids and data
    versions (`core.cache.data_version`) that a later test's rows can repeat, and rows made by factories bump no
    version. Each xdist worker has a cache database of its own (portal.settings.test)."""
    from django.core.cache import cache

    cache.clear()
    yield
