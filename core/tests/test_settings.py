import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ALLOWED_HOSTS": "portal.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "portal.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_real_settings(env, message):
    result = _check(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_real_settings():
    result = _check({"SECRET_KEY": "k" * 30 + "Q9#" * 10, "ALLOWED_HOSTS": "portal.example"})
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for path in (root / "portal" / "settings").glob("*.py"):
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text(encoding="utf-8")))
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(encoding="utf-8"), re.M))
    assert read - listed == set()


@pytest.mark.parametrize(
    "cache_url, warned",
    [("locmemcache://portal", True), ("redis://127.0.0.1:6379/1", False)],
)
def test_the_deploy_check_wants_a_cache_every_worker_shares(cache_url, warned):
    """A per-process cache would count objections per worker and keep a worker's cached ranking after another
    worker's change renewed its data version (core.cache.data_version): `check --deploy` says so."""
    real = {"SECRET_KEY": "k" * 30 + "Q9#" * 10, "ALLOWED_HOSTS": "portal.example", "CACHE_URL": cache_url}
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "caches"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **real},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ("core.W001" in result.stdout + result.stderr) is warned, result.stdout + result.stderr
