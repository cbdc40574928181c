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


def test_a_citizen_on_a_phone_finds_an_open_notice_and_an_applications_progress(portal):
    """Issue #12: `/` for anonymous visitors is the programme's page; the progress lookup needs the number and
    the credit code; the registry's county list follows the city and names it."""
    from django.utils import timezone

    from clusters.constants import ApplicationState as S
    from clusters.tests.factories import application_in_state, province_user
    from reviews.tests.factories import published_notice

    notice, _apps = published_notice(province_user(), timezone.localdate())
    app = application_in_state(S.CITY_REVIEW)
    page = portal.page
    page.set_viewport_size(PHONE)

    portal.goto("/")
    expect(page.get_by_role("heading", name="正在公示（可提出异议）")).to_be_visible()
    page.get_by_role("link", name=notice.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(notice.title)
    portal.assert_no_horizontal_scroll()

    portal.goto("/")
    page.get_by_label("申报编号").fill(str(app.pk))
    page.get_by_label("统一社会信用代码").fill(app.applicant.credit_code)
    page.get_by_role("button", name="查询进度").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("办件进度查询")
    expect(page.get_by_text("设区市初审").first).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"申报编号 {app.pk}：{app.cluster.name}（{app.call.year}年度）")
    ).to_be_visible()
    portal.assert_no_horizontal_scroll()
    page.locator("#progress-code").fill("91320000000000000X")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("未查到该申报")

    portal.goto("/registry/")
    county = page.get_by_label("县（市、区）")
    page.get_by_label("设区市").select_option(label="南京市")
    assert county.locator("optgroup:not([hidden])").count() == 1
    county.select_option(label="南京市鼓楼区")
    page.get_by_label("设区市").select_option(label="徐州市")
    assert county.input_value() == ""  # a county of another city is cleared
    county.select_option(label="徐州市鼓楼区")
