"""make backup / make restore: a backup restored into a fresh database holds every application, log row and
file, and the chain verifies."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from clusters.constants import ApplicationState as S
from clusters.models import Application
from clusters.tests.factories import application_in_state
from core.models import TransitionLog
from core.storage import private_storage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


def _psql(dbname, sql):
    import psycopg2

    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=dbname, user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, password=db["PASSWORD"]
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def test_backup_restores_into_a_fresh_database_with_every_record_and_file(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (pg_dump / pg_restore)")
    apps = [application_in_state(S.CITY_REVIEW), application_in_state(S.COUNTY_REVIEW)]
    stored = private_storage().save("attachments/evidence.pdf", ContentFile(b"%PDF-1.4 backup test"))
    log_rows = TransitionLog.objects.count()
    assert log_rows > 0

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert {p.name for p in backup.iterdir()} == {"db.dump", "private.tar.gz", "manifest.json"}

    db = connection.settings_dict
    fresh = f"restore_{uuid.uuid4().hex[:10]}"
    _psql(db["NAME"], f'CREATE DATABASE "{fresh}"')
    restored_files = tmp_path / "restored-private"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh}",
        "PRIVATE_STORAGE_ROOT": str(restored_files),
        "PORTAL_CRYPTO_KEY": settings.PORTAL_CRYPTO_KEY,
        "CELERY_BROKER_URL": "memory://",
        "CACHE_URL": "locmemcache://restore-test",  # restore empties the cache: not the one the tests share
    }
    try:
        for command in (["restore", str(backup), "--yes"], ["verify_transition_log"]):
            result = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stdout + result.stderr
            if command[0] == "restore":
                assert "缓存已清空" in result.stdout
        assert _psql(fresh, "SELECT count(*) FROM clusters_application")[0][0] == Application.objects.count() == 2
        assert _psql(fresh, "SELECT count(*) FROM core_transitionlog")[0][0] == log_rows
        names = {r[0] for r in _psql(fresh, "SELECT id FROM clusters_application")}
        assert names == {a.pk for a in apps}
        assert (restored_files / stored).read_bytes() == b"%PDF-1.4 backup test"
    finally:
        _psql(db["NAME"], f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
