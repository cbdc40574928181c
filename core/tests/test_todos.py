import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core import todos

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    from django.core.cache import cache

    cache.clear()
    items = []

    def provide(user):
        return list(items)

    todos.register(provide)
    yield items
    todos._PROVIDERS.remove(provide)


def test_overdue_items_come_first_and_are_marked(client, provider):
    today = timezone.localdate()
    provider.extend(
        [
            {"label": "稍后到期", "count": 2, "url": "/a/", "deadline": today + dt.timedelta(days=5)},
            {"label": "已过期事项", "count": 1, "url": "/b/", "deadline": today - dt.timedelta(days=1)},
            {"label": "无事", "count": 0, "url": "/c/"},
        ]
    )
    user = UserFactory(county=True)
    client.force_login(user)
    body = client.get(reverse("core:home")).content.decode()
    assert body.index("已过期事项") < body.index("稍后到期")
    assert "已逾期" in body and "无事" not in body


def test_the_navigation_badge_equals_the_list(client, provider):
    provider.extend([{"label": "甲", "count": 2, "url": "/a/"}, {"label": "乙", "count": 3, "url": "/b/"}])
    user = UserFactory(county=True)
    client.force_login(user)
    home = client.get(reverse("core:home")).content.decode()
    listed = sum(t.count for t in todos.todos_for(user))
    assert f"data-todo-count>{listed}<" in home and f"共 {listed} 项待办" in home
    # Another page shows the same number.
    assert f"data-todo-count>{listed}<" in client.get(reverse("core:notifications")).content.decode()


def test_a_notification_clears_the_cached_total(provider, django_capture_on_commit_callbacks):
    from core.services import notify

    user = UserFactory(county=True)
    provider.append({"label": "甲", "count": 1, "url": "/a/"})
    assert todos.count_for(user) == 1
    provider.append({"label": "乙", "count": 4, "url": "/b/"})
    assert todos.count_for(user) == 1  # cached
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], title="新事项")
    assert todos.count_for(user) == 5
