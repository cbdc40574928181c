"""`core.pagination.IdFirstPaginator`: the same pages as Django's Paginator, found by id first, so that the rows
of a deep page are joined and loaded alone (constant queries, whatever the page)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from core.models import Notification
from core.pagination import IdFirstPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def notifications():
    users = [UserFactory(), UserFactory()]
    for i in range(23):
        # equal titles: the id breaks the tie, as the queue's (state_changed_at, id) ordering does
        Notification.objects.create(recipient=users[i % 2], title=f"通知{i // 3}")
    return Notification.objects.select_related("recipient").order_by("title", "id")


@pytest.mark.parametrize("per_page,orphans", [(5, 0), (5, 2), (10, 3), (50, 0)])
def test_same_pages_as_djangos_paginator(notifications, per_page, orphans):
    expected = Paginator(notifications, per_page, orphans=orphans)
    paginator = IdFirstPaginator(notifications, per_page, orphans=orphans)
    assert paginator.num_pages == expected.num_pages
    for number in expected.page_range:
        page, want = paginator.page(number), expected.page(number)
        assert [n.pk for n in page] == [n.pk for n in want]
        assert (page.start_index(), page.end_index(), page.has_next()) == (
            want.start_index(),
            want.end_index(),
            want.has_next(),
        )
        assert all(n.recipient.username for n in page)  # the joins came with the page's rows
    assert [n.pk for n in paginator.get_page("abc")] == [n.pk for n in expected.get_page("abc")]
    assert [n.pk for n in paginator.get_page(999)] == [n.pk for n in expected.get_page(999)]


def test_a_deep_page_costs_what_the_first_does(notifications):
    paginator = IdFirstPaginator(notifications, 5)
    paginator.count  # noqa: B018 - counted once, outside the measurement
    counts = []
    for number in (1, paginator.num_pages):
        with CaptureQueriesContext(connection) as ctx:
            rows = list(paginator.page(number))
            [n.recipient.username for n in rows]
        counts.append(len(ctx.captured_queries))
        assert "JOIN" not in ctx.captured_queries[0]["sql"]  # the ids: ordered and offset on the table alone
    assert counts == [2, 2]


def test_an_empty_list_has_one_empty_page():
    page = IdFirstPaginator(Notification.objects.order_by("id"), 5).get_page(1)
    assert list(page) == [] and page.paginator.num_pages == 1
