import pytest
from django.core.management import call_command

from accounts.models import User
from clusters.models import Application, Call, Cluster

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_every_role_can_log_in(client, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Call.objects.count(), Cluster.objects.count(), Application.objects.count())
    call_command("seed_demo")
    assert counts == (User.objects.count(), Call.objects.count(), Cluster.objects.count(), Application.objects.count())
    assert "province" in first and "Jiangsu@2026" in first
    from reviews.models import ExpertProfile

    assert ExpertProfile.objects.filter(active=True).count() == 5
    for username, home_text in [
        ("province", "待形式审查"),
        ("city3205", "待设区市初审"),
        ("county320583", "待县级审核"),
        ("applicant320583", "申报"),
        ("expert1", "我的待办"),
    ]:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "Jiangsu@2026"}, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "我的待办" in body and home_text in body, username


def test_benchmark_finds_no_n_plus_one(capsys):
    call_command("benchmark_queries", small=1, large=4)
    out = capsys.readouterr().out
    assert "所有页面的查询次数与数据量无关" in out
    assert Application.objects.count() == 0  # the benchmark rolls its data back
