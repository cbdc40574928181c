"""Staff pages on a phone and at 200% zoom (issue #12 item 4): the queue, the review page and the score ranking
never make the page scroll sideways as a whole, at 390 px (a phone) and at 683 px (1366 px at 200% zoom). A
table may scroll inside its own .table-responsive box."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, province_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 683, "height": 450}  # 1366 × 900 at 200%
WIDTHS = [pytest.param(PHONE, id="390px"), pytest.param(ZOOMED, id="683px")]


def _check(portal, path: str, heading: str, step: str) -> None:
    portal.goto(path)
    expect(portal.page.get_by_role("heading", level=1)).to_contain_text(heading)
    portal.assert_no_horizontal_scroll()
    portal.shot(step)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_county_queue_and_review_page_fit_a_narrow_screen(portal, viewport):
    app = application_in_state(
        S.COUNTY_REVIEW, cluster=ClusterFactory(name="昆山市高端装备制造特色产业集群（精密零部件方向）")
    )
    county = authority_user(Role.COUNTY, app.cluster.division)
    portal.page.set_viewport_size(viewport)
    portal.login(county)

    _check(portal, reverse("reviews:queue"), "审核队列", "queue")
    expect(portal.page.get_by_role("link", name="导出 Excel（按当前筛选）")).to_be_visible()
    expect(portal.page.get_by_role("row").filter(has_text=app.cluster.name)).to_have_count(1)
    _check(portal, reverse("reviews:review", args=[app.pk]), app.cluster.name, "review")
    if viewport == PHONE:
        # The eligibility table stacks each rule as a card rather than scrolling sideways inside its box.
        box = portal.page.locator(".portal-eligibility .table-responsive").first
        expect(box).to_be_visible()
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_province_formal_review_and_score_ranking_fit_a_narrow_screen(portal, viewport):
    from reviews.tests.factories import score_application

    province = province_user()
    formal = application_in_state(S.FORMAL_REVIEW)
    scored = application_in_state(S.EXPERT_REVIEW, call=formal.call, cluster=ClusterFactory(name="无锡物联网集群"))
    score_application(scored, province, [86, 62, 74])
    portal.page.set_viewport_size(viewport)
    portal.login(province)

    _check(portal, reverse("reviews:queue"), "审核队列", "queue")
    _check(portal, reverse("reviews:review", args=[formal.pk]), formal.cluster.name, "formal-review")
    _check(portal, reverse("reviews:score_table", args=[formal.call.pk]), "评分汇总与排名", "ranking")
    expect(portal.page.get_by_role("row").filter(has_text="无锡物联网集群")).to_have_count(1)
