"""Back up the database and the private files into one folder (make backup)."""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    import os

    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


class Command(BaseCommand):
    help = (
        "备份数据库和私有文件（上传材料、生成的 PDF）到一个目录：db.dump 或 db.sqlite3、private.tar.gz、manifest.json。"
    )

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?", help="备份目录（默认 var/backups/<时间>）")

    def handle(self, *args, target=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        folder = Path(target or Path(settings.BASE_DIR) / "var" / "backups" / stamp)
        folder.mkdir(parents=True, exist_ok=True)
        db = connection.settings_dict
        manifest = {"created_at": timezone.now().isoformat(), "vendor": connection.vendor}
        if connection.vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("找不到 pg_dump：请安装 postgresql-client。")
            env, conn_args = pg_env_and_args(db)
            out = folder / "db.dump"
            subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", *conn_args, "-f", str(out), db["NAME"]], check=True, env=env
            )
            manifest["database"] = out.name
        elif connection.vendor == "sqlite":
            import sqlite3

            out = folder / "db.sqlite3"
            source = sqlite3.connect(db["NAME"])
            with sqlite3.connect(out) as dest:
                source.backup(dest)
            source.close()
            manifest["database"] = out.name
        else:
            raise CommandError(f"不支持的数据库：{connection.vendor}")
        private = Path(settings.PRIVATE_STORAGE_ROOT)
        if settings.STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):
            archive = folder / "private.tar.gz"
            with tarfile.open(archive, "w:gz") as tar:
                if private.exists():
                    tar.add(private, arcname="private")
            manifest["files"] = archive.name
        else:
            manifest["files"] = "对象存储（S3 兼容）中的私有文件由存储服务自身的版本与备份机制保存。"
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"备份完成：{folder}"))
