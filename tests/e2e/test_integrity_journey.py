"""The integrity of the decision (#11) in the browser: an objection receipt that a reload cannot file twice, an
expert's declaration made knowing whom it concerns (and nothing of the application shown before it), and a
returned application that shows each condition's opinion where the applicant corrects it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.tests.factories import applicant_user, application_in_state, authority_user, province_user
from core import workdays
from core.models import CalendarYear
from reviews.forms.scoring import NO_CONFLICT_STATEMENT
from reviews.models import Objection
from reviews.tests.factories import assign_expert, published_notice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = ApplicationState


def known_working_days(today):
    """chinesecalendar knows the holiday schedule up to its last release; a notice starting today must not reach a
    year nobody has entered. Declare such a year as staff would, weekdays only."""
    for year in (today.year, today.year + 1):
        try:
            workdays.is_working_day(dt.date(year, 12, 31))
        except workdays.UnknownScheduleYear:
            CalendarYear.objects.create(year=year, source="测试：按周一至周五计算工作日")


def test_objection_receipt_reload_files_nothing(portal):
    known_working_days(timezone.localdate())
    notice, apps = published_notice(province_user(), timezone.localdate())
    objected = apps[0]
    page = portal.page

    # ------------------------------------------------------------ an anonymous citizen files an objection
    portal.goto(f"/notices/{notice.pk}/")
    expect(page.get_by_role("heading", level=1, name=notice.title)).to_be_visible()
    page.get_by_role("link", name="在线提出异议").click()
    expect(page.get_by_role("heading", level=1, name="对公示名单提出异议")).to_be_visible()
    label = f"{objected.cluster.name}（{objected.cluster.division.full_name}）"
    portal.field("异议对象（公示名单中的集群）").select_option(label=label)
    portal.field("姓名或单位名称").fill("吴公众")
    portal.field("联系电话").fill("13800001111")
    portal.field("异议内容").fill("该集群名册中有企业已于去年注销，请核实。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("heading", level=1, name="异议已受理")).to_be_visible()
    objection = Objection.objects.get(notice=notice)
    receipt = page.get_by_role("status").filter(has_text="受理编号")
    expect(receipt).to_contain_text(objection.receipt_number)
    expect(receipt).to_contain_text(objected.cluster.name)
    # The form posted, then redirected: the receipt is a page of its own.
    receipt_path = f"/notices/{notice.pk}/objection/receipt/{objection.receipt_number}/"
    assert page.url == portal.url(receipt_path)
    portal.shot("receipt")

    # ------------------------------------------------------------ reloading shows the same receipt, files nothing
    response = page.reload()
    assert response.status == 200
    assert response.request.method == "GET"
    expect(page.get_by_role("heading", level=1, name="异议已受理")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="受理编号")).to_contain_text(objection.receipt_number)
    portal.shot("receipt-reloaded")
    assert Objection.objects.filter(notice=notice).count() == 1

    # ------------------------------------------------------------ another browser cannot read it by its number
    page.context.clear_cookies()
    response = page.reload()
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(objected.cluster.name)
    assert Objection.objects.filter(notice=notice).count() == 1


def test_expert_declares_knowing_the_roster(portal):
    province = province_user()
    application = application_in_state(S.EXPERT_REVIEW)
    assignment = assign_expert(application, province)
    applicant = application.applicant
    roster = list(application.enterprises.order_by("id").values_list("name", "credit_code"))
    assert len(roster) == 15
    attachment = application.attachments.first()
    page = portal.page

    portal.login(assignment.expert.user)

    # ------------------------------------------------------------ before the declaration: no application data
    for path in (
        f"/applications/{application.pk}/",
        f"/applications/{application.pk}/versions/1/pdf/",
        f"/applications/{application.pk}/attachments/{attachment.pk}/",
        f"/review/applications/{application.pk}/",
    ):
        assert page.request.get(portal.url(path)).status == 404, path
    response = portal.goto(f"/applications/{application.pk}/")
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text(application.summary)

    # ------------------------------------------------------------ the declaration page names whom it concerns
    portal.nav("评审任务")
    expect(page.get_by_role("heading", level=1, name="我的评审任务")).to_be_visible()
    page.get_by_role("link", name=re.compile(rf"^声明并评审\s*：申报编号 {application.pk}$")).click()
    expect(page.get_by_role("heading", level=1, name="评审前的利益冲突声明")).to_be_visible()
    summary = page.get_by_role("region", name=re.compile("^请核对：您将对以下单位和企业声明是否存在利益冲突"))
    expect(summary).to_contain_text(application.cluster.name)
    expect(summary).to_contain_text(applicant.name)
    expect(summary).to_contain_text(applicant.credit_code)
    table = summary.get_by_role("table", name=re.compile(r"^集群企业名册（15 家）"))
    expect(table.get_by_role("row")).to_have_count(len(roster) + 1)  # header + every enterprise
    for name, credit_code in roster:
        row = table.get_by_role("row").filter(has_text=name)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(credit_code)
    # Names to declare about, never the application's data or documents.
    main = page.locator("main")
    expect(main).not_to_contain_text(application.summary)
    expect(main.get_by_role("link", name=re.compile("PDF|查看完整申报"))).to_have_count(0)
    portal.shot("declaration")

    # ------------------------------------------------------------ after declaring, the application opens
    page.get_by_label(NO_CONFLICT_STATEMENT).check()
    page.get_by_role("button", name="确认声明并查看申报材料").click()
    portal.expect_message("已声明无利益冲突，现在可以查看申报材料并评分。")
    expect(page.get_by_role("heading", level=1, name=application.cluster.name)).to_be_visible()
    assert page.request.get(portal.url(f"/applications/{application.pk}/")).status == 200
    # The PDF: served, or being rendered (202 and queued) — no longer hidden (404).
    assert page.request.get(portal.url(f"/applications/{application.pk}/versions/1/pdf/")).status in (200, 202)
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None


def test_returned_form_shows_each_condition_opinion(portal):
    application = application_in_state(S.COUNTY_REVIEW)
    cluster = application.cluster
    county = authority_user(Role.COUNTY, cluster.division)
    applicant = applicant_user(cluster.owner)
    reason = "未说明关键环节的本地配套能力和产供销协作机制，请在“产业链布局”中补充。"
    general = "请按逐条意见修改后重新提交。"
    page = portal.page

    # ------------------------------------------------------------ county: 不同意 on q4 with its reason, returns
    portal.login(county)
    portal.open_from_queue(cluster.name, "县级审核")
    condition = page.locator("#condition-q4")
    condition.get_by_role("combobox").select_option(label="不同意")
    condition.get_by_role("textbox").fill(reason)
    portal.field("退回修改").check()
    portal.field("审核意见 / 退回或不予推荐的理由").fill(general)
    portal.shot("county-disagrees")
    page.get_by_role("button", name="提交审核结论").click()
    portal.expect_message(f"已办理：{cluster.name}。")
    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert application.return_opinions["q4"]["comment"] == reason

    # ------------------------------------------------------------ applicant: the opinion at the top of the form
    portal.login(applicant)
    portal.nav("我的申报")
    page.get_by_role("link", name=cluster.name).click()
    page.get_by_role("link", name="修改并重新提交").click()
    returned = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="退回修改"))
    expect(returned).to_contain_text(general)
    expect(returned.get_by_role("heading", name="逐条意见（1 项不同意）")).to_be_visible()
    opinion = returned.locator("#return-opinions li")
    expect(opinion).to_have_count(1)
    expect(opinion).to_contain_text("q4 产业链布局合理")
    expect(opinion).to_contain_text("县级审核：不同意")
    expect(opinion).to_contain_text(reason)
    # The form opens on 基本信息, which the opinion does not concern.
    expect(page.get_by_role("heading", level=2, name="基本信息", exact=True)).to_be_visible()
    expect(page.locator("#section-opinions")).to_have_count(0)
    portal.shot("returned-form-top")

    # ------------------------------------------------------------ ... and beside the section it concerns
    opinion.get_by_role("link", name="在“创新与合作”中修改").click()
    expect(page.get_by_role("heading", level=2, name="创新与合作", exact=True)).to_be_visible()
    beside = page.get_by_role("region", name="退回意见中与本部分有关的条件")
    expect(beside).to_have_attribute("id", "section-opinions")
    expect(beside).to_contain_text("q4 产业链布局合理")
    expect(beside).to_contain_text(reason)
    portal.shot("returned-section")
