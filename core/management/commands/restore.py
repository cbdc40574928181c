"""Restore a backup made by `backup` (make restore BACKUP=folder) into the configured database and storage."""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import pg_env_and_args


class Command(BaseCommand):
    help = "从 backup 生成的目录恢复数据库和私有文件（会覆盖当前数据，须加 --yes 确认）。"

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库和私有文件")

    def handle(self, *args, source, yes=False, **options):
        folder = Path(source)
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            raise CommandError(f"{folder} 不是备份目录（缺少 manifest.json）。")
        if not yes:
            raise CommandError("恢复会覆盖当前数据库和私有文件：确认无误后加 --yes 重新运行。")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["vendor"] != connection.vendor:
            raise CommandError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}。")
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            env, conn_args = pg_env_and_args(db)
            connection.close()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *conn_args,
                    "-d",
                    db["NAME"],
                    str(folder / "db.dump"),
                ],
                check=True,
                env=env,
            )
        else:
            connection.close()
            shutil.copyfile(folder / "db.sqlite3", db["NAME"])
        archive = folder / "private.tar.gz"
        if archive.exists():
            target = Path(settings.PRIVATE_STORAGE_ROOT)
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(archive, "r:gz") as tar:
                members = [m for m in tar.getmembers() if m.name == "private" or m.name.startswith("private/")]
                for member in members:
                    member.name = member.name[len("private/") :] if member.name != "private" else "."
                tar.extractall(target, members=members, filter="data")
        # Cached pages and documents are keyed by ids and data versions that the restored database reuses: a
        # cache kept from before would serve results computed from data that no longer exists.
        cache.clear()
        self.stdout.write(
            self.style.SUCCESS(f"已从 {folder} 恢复，缓存已清空。请运行 python manage.py verify_transition_log 校验。")
        )
