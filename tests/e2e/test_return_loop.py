"""The city returns an application; the applicant corrects it and resubmits; the city sees what changed."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.tests.factories import applicant_user, application_in_state, authority_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = ApplicationState
REASON = "集群概况未说明产业链上下游配套情况；请补充后重新提交。"
NEW_SUMMARY = "集群以高端装备为主导产业，上游铸锻件、下游整机装配均在本地配套，本地配套率超过六成。"


def test_return_correct_and_resubmit(portal):
    application = application_in_state(S.CITY_REVIEW)
    cluster = application.cluster
    old_summary = application.summary
    applicant = applicant_user(cluster.owner)
    county = authority_user(Role.COUNTY, cluster.division)
    city = authority_user(Role.CITY, cluster.division)
    page = portal.page

    # ------------------------------------------------------------ city: 退回修改 with a reason
    portal.login(city)
    portal.open_from_queue(cluster.name, "设区市初审")
    expect(portal.field("通过")).to_have_count(0)  # the city recommends by document, never here
    portal.field("退回修改").check()
    portal.field("审核意见 / 退回或不予推荐的理由").fill(REASON)
    page.get_by_role("button", name="提交审核结论").click()
    portal.expect_message(f"已办理：{cluster.name}。")
    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert application.return_reason == REASON

    # ------------------------------------------------------------ applicant: sees the reason, corrects, resubmits
    portal.login(applicant)
    portal.nav("我的申报")
    page.get_by_role("link", name=cluster.name).click()
    expect(page.get_by_role("alert").filter(has_text="退回修改")).to_contain_text(REASON)
    page.get_by_role("link", name="修改并重新提交").click()
    returned = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="退回修改"))
    expect(returned).to_contain_text("设区市初审")
    expect(returned).to_contain_text(REASON)
    portal.shot("returned-form")
    expect(portal.field("集群概况")).to_have_value(old_summary)
    portal.field("集群概况").fill(NEW_SUMMARY)
    page.get_by_role("button", name="保存本节").click()
    portal.expect_message("“基本信息”已保存。")

    nav = page.get_by_role("navigation", name="申报书各部分")
    nav.get_by_role("link", name=re.compile(r"^\d+\. 资格自评与提交")).click()
    portal.field("本单位承诺所填报内容及提交材料真实、准确、完整，并对其真实性负责。").check()
    page.get_by_role("button", name="提交申报").click()
    portal.expect_message("申报已提交至县级主管部门审核。")
    expect(portal.state_badge()).to_have_text("县级审核")
    expect(page.get_by_role("link", name="下载申报书 PDF（第2版）")).to_be_visible()

    # ------------------------------------------------------------ county passes it again
    portal.login(county)
    portal.open_from_queue(cluster.name, "县级审核")
    page.get_by_label(re.compile(r"^全部同意：")).check()  # a pass needs an opinion on every condition
    portal.field("通过").check()
    page.get_by_role("button", name="提交审核结论").click()
    portal.expect_message(f"已办理：{cluster.name}。")

    # ------------------------------------------------------------ city: what changed since the first version
    portal.login(city)
    portal.open_from_queue(cluster.name, "设区市初审")
    changes = page.get_by_role("region", name=re.compile("与上一版本相比的变化"))
    expect(changes).to_contain_text("第1版 → 第2版")
    row = changes.get_by_role("row").filter(has_text="集群概况")
    expect(row).to_have_count(1)
    expect(row.locator("del")).to_have_text(old_summary)
    expect(row.locator("ins")).to_have_text(NEW_SUMMARY)
    portal.shot("city-sees-changes")

    application.refresh_from_db()
    assert application.state == S.CITY_REVIEW
    assert application.submission_count == 2
