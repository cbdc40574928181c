import os

from .base import *  # noqa: F403

# Tasks run inline in unit tests; the worker test in core/tests/test_celery_worker.py starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# No API rate limits in tests (api/tests/test_throttling.py switches them on); an API test may call many times.
API_RATE_USER = API_RATE_ANON = ""
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# pytest-xdist workers share one Redis server: each worker gets its own cache database (the CACHE_URL's number
# plus the worker's index), so that one worker's cache.clear() (FLUSHDB) cannot empty another's cache mid-test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and "redis" in CACHES["default"]["BACKEND"].lower():  # noqa: F405
    import re as _re

    _index = int(_worker[2:] or 0)
    _location = CACHES["default"]["LOCATION"]  # noqa: F405
    _match = _re.match(r"^(?P<base>rediss?://[^/]+)/(?P<db>\d+)$", str(_location))
    if _match and _index:
        _db = (int(_match.group("db")) + _index) % 16
        CACHES["default"]["LOCATION"] = f"{_match.group('base')}/{_db}"  # noqa: F405
