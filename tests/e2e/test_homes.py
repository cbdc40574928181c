"""Issue #12: a home for every role. After `seed_demo` every demo account's home lists at least one matter (an
expert sees the score sheet waiting); a county clerk works the queue on a phone."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_PASSWORD = "Jiangsu@2026"
PHONE = {"width": 390, "height": 844}


def _todos(page):
    section = page.get_by_role("region", name="我的待办")
    expect(section).to_be_visible()
    return section.locator(".portal-todo")


def test_every_demo_account_has_something_waiting_and_a_clerk_works_the_queue_on_a_phone(portal, settings):
    settings.DEBUG = True  # seed_demo refuses to run without it (demo passwords are public)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    settings.DEBUG = False
    page = portal.page
    accounts = [
        "province",
        "city3205",
        "city3202",
        "county320583",
        "county320582",
        "county320281",
        "county320481",
        "applicant320583",
        "applicant320582",
        "applicant320281",
        "applicant320481",
        "expert1",
        "expert3",
    ]
    for username in accounts:
        portal.login(User.objects.get(username=username), password=DEMO_PASSWORD)
        portal.goto("/")
        items = _todos(page)
        assert items.count() >= 1, username
        if username == "expert3":
            expect(page.get_by_role("region", name="我的待办")).to_contain_text("评分")

    # A county clerk on a phone: the queue fits the screen and opens the application's review page.
    page.set_viewport_size(PHONE)
    portal.login(User.objects.get(username="county320583"), password=DEMO_PASSWORD)
    portal.nav("审核队列")
    expect(page.get_by_role("heading", level=1, name="审核队列")).to_be_visible()
    portal.assert_no_horizontal_scroll()
    page.get_by_role("link", name="办理 / 查看").first.click()
    expect(page.get_by_role("heading", name="县级审核意见")).to_be_visible()
    portal.assert_no_horizontal_scroll()
