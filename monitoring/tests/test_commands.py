import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from clusters.constants import ApplicationState as S
from clusters.models import Application

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = [
    "province",
    "city3205",
    "city3202",
    *(f"county{c}" for c in ("320583", "320582", "320281", "320481")),
    *(f"applicant{c}" for c in ("320583", "320582", "320281", "320481")),
    *(f"expert{i}" for i in range(1, 6)),
]
# A working Monday whose notice period (5 working days) lies inside the holiday schedule the portal ships.
SEEDED_AT = datetime.datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def row_count() -> int:
    return sum(model.objects.count() for model in apps.get_models())


def test_seed_demo_gives_every_demo_account_a_matter_and_adds_nothing_the_second_time(client, capsys, settings):
    settings.DEBUG = True
    with time_machine.travel(SEEDED_AT, tick=True):
        call_command("seed_demo")
        first = capsys.readouterr().out
        rows = row_count()
        call_command("seed_demo")
        assert row_count() == rows
        users = User.objects.count()
        call_command("seed_demo", admin_password="another-Secret-2026")
        assert User.objects.count() == users + 1  # the admin, asked for this time
    for username in DEMO_ACCOUNTS:
        assert f"{username} " in first, username
    assert "Jiangsu@2026" in first and "未创建超级管理员" in first
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("another-Secret-2026")

    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(S.values), set(S.values) - states
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["admin"]
    from reviews.models import ExpertProfile

    assert ExpertProfile.objects.filter(active=True).count() == 5

    for username in DEMO_ACCOUNTS:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "Jiangsu@2026"}, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "我的待办" in body and 'class="portal-todo card' in body, username
        assert "暂无待办事项" not in body, username


def test_seed_demo_refuses_production_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="生产"):
        call_command("seed_demo")
    settings.DEBUG = True
    settings.SETTINGS_MODULE = "portal.settings.production"
    with pytest.raises(CommandError, match="生产"):
        call_command("seed_demo")
    settings.SETTINGS_MODULE = "portal.settings.dev"
    with pytest.raises(CommandError, match="不能与公开的演示密码相同"):
        call_command("seed_demo", admin_password="Jiangsu@2026")
    assert not User.objects.exists()


def test_benchmark_finds_no_n_plus_one(capsys):
    call_command("benchmark_queries", small=1, large=4)
    out = capsys.readouterr().out
    assert "所有页面的查询次数与数据量无关" in out
    assert Application.objects.count() == 0  # the benchmark rolls its data back
