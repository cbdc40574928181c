"""Demo accounts and data that show the whole portal (monitoring.demo builds them through the services). Lives in
the top app because it touches every app below it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring.demo import current, past
from monitoring.demo.accounts import PASSWORD, ensure_accounts, ensure_admin


def refuse_production() -> None:
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if module.endswith(".production") or not settings.DEBUG:
        raise CommandError(
            "seed_demo 只能在开发或演示环境运行：当前为生产配置（或 DEBUG 未开启），演示账号使用公开密码，不能写入生产数据库。"
        )


class Command(BaseCommand):
    help = "创建演示账号和覆盖各环节的演示数据（可重复运行，不会重复创建）。仅限开发或演示环境。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=PASSWORD, help="演示账号的统一密码")
        parser.add_argument(
            "--admin-password",
            default="",
            help="另建超级管理员 admin 并使用此密码（不提供则不创建；演示账号均不是超级管理员）",
        )

    def handle(self, *args, **options):
        refuse_production()
        password = options["password"]
        admin_password = options["admin_password"]
        if admin_password and admin_password == password:
            raise CommandError("管理员密码不能与公开的演示密码相同。")
        notes = []
        with transaction.atomic():
            accounts = ensure_accounts(password, notes)
            admin_created = ensure_admin(admin_password, accounts) if admin_password else False
            past.build(accounts, notes)
            past.build_imported(accounts, notes)
            current.build(accounts, notes)
        self._print(accounts.rows, admin_password, admin_created, notes)

    def _print(self, rows, admin_password, admin_created, notes):
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录地址：/accounts/login/"))
        width = max(len(r[0]) for r in rows) + 2
        self.stdout.write(f"{'用户名'.ljust(width)}  {'密码'.ljust(14)}  角色 / 机构")
        shown = [r for r in rows if not r[0].startswith("city") or r[0] in ("city3205", "city3202")]
        for username, pw, role, org in shown:
            self.stdout.write(f"{username.ljust(width)}  {pw.ljust(14)}  {role} / {org}")
        self.stdout.write(f"（另有 13 个设区市账号 city3201…city3213，密码同上；共 {len(rows)} 个账号）")
        if admin_password:
            state = "已创建" if admin_created else "已存在，密码未改"
            self.stdout.write(f"超级管理员：admin（{state}，密码为 --admin-password 所给）")
        else:
            self.stdout.write("未创建超级管理员；需要时请加 --admin-password 另行指定密码。")
        for note in notes:
            self.stdout.write(self.style.WARNING(note))
