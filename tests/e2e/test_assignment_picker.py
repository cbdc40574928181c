"""Issue #17: the assignment page carries no list of the expert pool; each application's picker loads, as the
province types, the experts the conflict rules allow for that application (htmx), and assigning one works."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import NANJING, SUZHOU
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, province_user, published_call
from reviews.models import Assignment
from reviews.tests.factories import expert

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_picker_offers_only_allowed_experts_and_assigns_the_one_chosen(portal):
    page = portal.page
    call = published_call()
    app = application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name="苏州纳米新材料集群"))
    allowed = expert(city_code=NANJING)
    allowed.user.full_name = "李可选"
    allowed.user.save(update_fields=["full_name"])
    same_city = expert(city_code=SUZHOU)  # the cluster's own city: never offered
    same_city.user.full_name = "王同城"
    same_city.user.save(update_fields=["full_name"])

    portal.login(province_user())
    portal.goto(f"/review/calls/{call.pk}/assignments/")
    expect(page.get_by_role("heading", level=1, name="分配评审专家")).to_be_visible()
    picker = page.get_by_label("指定评审专家")
    picker.click()
    options = page.locator(f"#expert-options-{app.pk} option")
    expect(options).to_have_count(1)  # loaded on focus: 李可选 only
    expect(options.first).to_have_attribute(
        "value",
        f"李可选（南京市 · {allowed.user.organisation.name} · 本批次 0/{allowed.max_assignments}） 编号 {allowed.pk}",
    )
    picker.press_sequentially("王同", delay=50)
    expect(options).to_have_count(0)  # narrowed as typed: the same-city expert is not a candidate
    picker.fill("")
    picker.press_sequentially("李可", delay=50)
    expect(options).to_have_count(1)
    picker.fill(options.first.get_attribute("value"))
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name="苏州纳米新材料集群"))
    card.get_by_role("button", name=re.compile(r"^指定")).click()
    portal.expect_message(re.compile("已分配"))
    expect(card.get_by_role("cell", name=re.compile(r"^李可选 南京市"))).to_be_visible()
    assert Assignment.objects.filter(application=app, expert=allowed, status="active").exists()
