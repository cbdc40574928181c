"""An anonymous visitor on a phone reads the calls for applications."""

import pytest
from playwright.sync_api import expect

from clusters.tests.factories import published_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def test_calls_on_a_phone(portal):
    call = published_call()
    page = portal.page
    page.set_viewport_size(PHONE)

    portal.goto("/calls/")
    expect(page.get_by_role("heading", level=1)).to_have_text("江苏省中小企业特色产业集群申报通知")
    expect(page.get_by_role("link", name=call.title)).to_be_visible()
    expect(page.get_by_text("申报中").first).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    portal.assert_no_horizontal_scroll()
    portal.shot("call-list")

    page.get_by_role("link", name=call.title).click()
    expect(page).to_have_url(portal.url(f"/calls/{call.year}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title)
    expect(page.get_by_role("heading", name="申报时间（北京时间）")).to_be_visible()
    expect(page.get_by_text(f"{call.year - 4}年至{call.year - 1}年")).to_be_visible()
    portal.assert_no_horizontal_scroll()
    portal.shot("call-detail")

    # The anonymous visitor sees no personal data and no working menus.
    body = page.locator("body").inner_text()
    assert "退出登录" not in body
    assert "审核队列" not in body
