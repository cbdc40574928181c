"""The province's decision, after formal review, in the browser: experts assigned and scoring → ranking →
spot-check draw and site check → joint review → public notice → an objection from the public, dismissed →
publication → the applicant downloads the certificate → the public verifies it through the certificate's link.

One long test with numbered steps rather than one test per stage: live-server tests flush the database after
each test, so a stage cannot hand its state over to the next test. Screenshots of each key page go to
screenshots/test_decision_journey/.

Every person logs in through the login page; the public uses a separate phone-sized browser context (390×844)
without logging in.
"""

import datetime as dt
import io
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.constants import OrganisationKind
from accounts.tests.factories import JIANGYIN, KUNSHAN, NANJING, OrganisationFactory, division
from clusters.constants import ApplicationState
from clusters.models import Certification
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    application_in_state,
    province_user,
    published_call,
)
from core import workdays
from core.models import CalendarYear
from core.transitions import history_for
from reviews import documents as certificates
from reviews import services
from reviews.constants import AssignmentStatus, NoticeStatus, ObjectionStatus, SheetStatus
from reviews.documents import chinese_period
from reviews.forms.scoring import NO_CONFLICT_STATEMENT
from reviews.models import Assignment, Notice, Objection, PersonalDataView, SpotCheckDraw
from reviews.services import notices
from reviews.tests.factories import expert

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = ApplicationState
PHONE = {"width": 390, "height": 844}
SEED = "20261127"
DOC_NUMBER = "苏工信中小〔2026〕99号"
OBJECTOR_PHONE = "13912345678"

# Two applications in expert review; every expert scores both. The browser expert (the first) scores each
# criterion of an application with the same value, so the weighted total equals that value.
KUNSHAN_CLUSTER = "昆山市精密机械特色产业集群"
JIANGYIN_CLUSTER = "江阴市高端纺织特色产业集群"
EXPERTS = [  # (name, employer) — all in 南京市, so no one shares a city with either cluster
    ("陈评审", "东南大学"),
    ("刘评审", "南京航空航天大学"),
    ("赵评审", "江苏省产业技术研究院"),
]
BROWSER_SCORES = {KUNSHAN_CLUSTER: ("85", "建议认定"), JIANGYIN_CLUSTER: ("75", "有条件建议认定")}
# The other two experts' weighted totals, submitted through the services. 40 is 32 points from the median (72)
# of the 江阴 sheets (75, 72, 40): more than the call's outlier distance (15), so it is marked 离群.
SERVICE_SCORES = {KUNSHAN_CLUSTER: (Decimal("88"), Decimal("86")), JIANGYIN_CLUSTER: (Decimal("72"), Decimal("40"))}


def hidden_suffix(visible: str, hidden: str) -> re.Pattern:
    """The accessible name of a control whose visible text is followed by a visually hidden suffix.

    Bootstrap's .visually-hidden is absolutely positioned, which makes it a block for the name computation, so
    the two parts are joined by a space.
    """
    return re.compile(rf"^{re.escape(visible)}\s*{re.escape(hidden)}$")


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def score_through_services(assignment, total: Decimal) -> None:
    """An expert declares no conflict and submits a sheet scoring every criterion `total` (weighted total = total)."""
    user = assignment.expert.user
    services.declare_no_conflict(assignment=assignment, actor=user)
    rubric = list(assignment.application.call.rubric.all())
    scores = {str(c.pk): str(total / 100 * c.max_points) for c in rubric}
    sheet = services.scoresheet_save(
        sheet=assignment.sheet, actor=user, scores=scores, recommendation="recommend", overall_comment="同意认定。"
    )
    services.scoresheet_submit(sheet=sheet, actor=user)


@contextmanager
def public_phone(portal, browser, browser_context_args):
    """A member of the public on a phone: a fresh browser context (no login), 390×844.

    The Portal's page is swapped for the phone's page meanwhile, so its helpers and numbered screenshots apply.
    """
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    desktop, portal.page = portal.page, page
    try:
        yield page
    except Exception:
        try:
            portal.shot("failed-phone")
        except Exception as exc:  # noqa: BLE001 - a crashed page must not hide the real failure
            print(f"failed-phone.png not taken: {exc}")
        raise
    finally:
        portal.page = desktop
        context.close()


def test_decision_journey(portal, browser, browser_context_args, settings, tmp_path):
    # The certificate's QR code points at SITE_URL; the live server runs in this process, so the override
    # reaches the PDF it renders.
    settings.SITE_URL = portal.base_url
    page = portal.page
    today = timezone.localdate()
    # chinesecalendar knows the State Council's holiday schedule up to its last release; a notice starting
    # today must not reach a year nobody has entered (notice_create would refuse). Declare such a year as staff
    # would, weekdays only, so the journey runs in any year.
    for year in (today.year, today.year + 1):
        try:
            workdays.is_working_day(dt.date(year, 12, 31))
        except workdays.UnknownScheduleYear:
            CalendarYear.objects.create(year=year, source="测试：按周一至周五计算工作日")

    # ------------------------------------------------------------ starting state: formal review passed
    call = published_call(experts_per_application=3)
    kunshan = application_in_state(
        S.EXPERT_REVIEW,
        call=call,
        cluster=ClusterFactory(
            name=KUNSHAN_CLUSTER,
            owner=OrganisationFactory(name="昆山市精密机械产业发展促进会", division=division(KUNSHAN)),
            lead_industry="高端装备",
            segment="精密机械零部件",
        ),
    )
    jiangyin = application_in_state(
        S.EXPERT_REVIEW,
        call=call,
        cluster=ClusterFactory(
            name=JIANGYIN_CLUSTER,
            owner=OrganisationFactory(name="江阴市纺织服装行业协会", division=division(JIANGYIN)),
            lead_industry="现代纺织",
            segment="高端纺织面料",
        ),
    )
    applications = {KUNSHAN_CLUSTER: kunshan, JIANGYIN_CLUSTER: jiangyin}
    pool = []
    for name, employer in EXPERTS:
        org = OrganisationFactory(name=employer, kind=OrganisationKind.EXPERT_EMPLOYER, division=division(NANJING))
        profile = expert(city_code=NANJING, organisation=org, title="研究员")
        profile.user.full_name = name
        profile.user.save(update_fields=["full_name"])
        pool.append(profile)
    browser_expert = pool[0]
    province = province_user()
    province.full_name = "张处长"
    province.save(update_fields=["full_name"])

    # ------------------------------------------------------------ 1. province: 自动分配 three experts to each
    portal.login(province)
    portal.nav("省级评审")
    expect(page.get_by_role("heading", level=1, name="省级评审与认定")).to_be_visible()
    expect(page.locator("#counts-h + ul")).to_contain_text("专家评审 2")
    portal.shot("province-overview")
    page.get_by_role("link", name="分配专家").click()
    expect(page.get_by_role("heading", level=1, name="分配评审专家")).to_be_visible()
    expect(portal.field("每个申报的专家人数")).to_have_value("3")
    page.get_by_role("button", name="自动分配").click()
    portal.expect_message("自动分配完成：新分配 6 人次。")
    assert any("确认自动分配评审专家" in m for m in portal.dialogs)
    for cluster_name in applications:
        card = page.locator("section.card").filter(has=page.get_by_role("heading", name=cluster_name))
        expect(card).to_contain_text("已配齐")
        for name, _employer in EXPERTS:
            expect(card.get_by_role("cell", name=re.compile(rf"^{name}"))).to_be_visible()
    portal.shot("assignments")
    assert Assignment.objects.filter(status=AssignmentStatus.ACTIVE, application__call=call).count() == 6

    # The second and third experts score through the services (the first scores in the browser below).
    for cluster_name, application in applications.items():
        for profile, total in zip(pool[1:], SERVICE_SCORES[cluster_name], strict=True):
            score_through_services(Assignment.objects.get(application=application, expert=profile), total)

    # ------------------------------------------------------------ 2. expert: declares no conflict, scores both
    portal.login(browser_expert.user)
    portal.nav("评审任务")
    expect(page.get_by_role("heading", level=1, name="我的评审任务")).to_be_visible()
    tasks = page.get_by_role("table")
    expect(tasks.get_by_role("row")).to_have_count(3)  # header + two tasks
    # Before the declaration the expert sees the application number and the industry, not who applied.
    for cluster_name in applications:
        expect(tasks).not_to_contain_text(cluster_name)
    portal.shot("expert-tasks")
    for cluster_name, application in applications.items():
        score, recommendation = BROWSER_SCORES[cluster_name]
        page.get_by_role("link", name=hidden_suffix("声明并评审", f"：申报编号 {application.pk}")).click()
        expect(page.get_by_role("heading", level=1, name="评审前的利益冲突声明")).to_be_visible()
        page.get_by_label(NO_CONFLICT_STATEMENT).check()
        if cluster_name == KUNSHAN_CLUSTER:
            portal.shot("expert-declaration")
        page.get_by_role("button", name="确认声明并查看申报材料").click()
        portal.expect_message("已声明无利益冲突，现在可以查看申报材料并评分。")
        expect(page.get_by_role("heading", level=1, name=cluster_name)).to_be_visible()
        criteria = list(call.rubric.all())
        for criterion in criteria:
            page.get_by_label(f"“{criterion.name}”得分（0–100）").fill(score)
        page.get_by_label(f"“{criteria[0].name}”评语").fill("产业规模大，主导产业突出。")
        portal.field("总体意见").select_option(label=recommendation)
        portal.field("总体评语").fill("集群特色鲜明，建议认定。")
        if cluster_name == KUNSHAN_CLUSTER:
            portal.shot("expert-scoring")
        page.get_by_role("button", name="提交评分").click()
        portal.expect_message(f"评分已提交，加权总分 {score}.00。提交后不能修改。")
        expect(page.get_by_role("heading", name="专家评分表 已提交")).to_be_visible()
        portal.nav("评审任务")
    expect(tasks.get_by_text("已提交")).to_have_count(2)
    portal.shot("expert-tasks-done")
    assert not Assignment.objects.filter(application__call=call).exclude(sheet__status=SheetStatus.SUBMITTED).exists()

    # ------------------------------------------------------------ 3. province: ranking, spot check, site check
    portal.login(province)
    portal.nav("省级评审")
    page.get_by_role("link", name="查看评分汇总").click()
    expect(page.get_by_role("heading", level=1, name="评分汇总与排名")).to_be_visible()
    ranking = page.get_by_role("table")
    first, second = ranking.get_by_role("row").nth(1), ranking.get_by_role("row").nth(2)
    expect(first).to_contain_text(KUNSHAN_CLUSTER)
    expect(first.get_by_role("cell").first).to_have_text("1")
    expect(first).to_contain_text("3 / 3")
    expect(first).to_contain_text("86.33")  # (85 + 88 + 86) / 3
    expect(first.get_by_text("离群")).to_have_count(0)
    expect(second).to_contain_text(JIANGYIN_CLUSTER)
    expect(second).to_contain_text("62.33")  # (75 + 72 + 40) / 3
    outlier = second.get_by_role("listitem").filter(has_text="赵评审")
    expect(outlier).to_contain_text("40.00")
    expect(outlier.get_by_text("离群")).to_be_visible()
    expect(second.get_by_text("离群")).to_have_count(1)
    portal.shot("ranking")

    page.get_by_role("navigation", name="省级评审环节").get_by_role("link", name="实地抽查").click()
    expect(page.get_by_role("heading", level=1, name="随机抽取实地抽查名单")).to_be_visible()
    portal.field("随机种子").fill(SEED)
    portal.field("抽取数量").fill("1")
    portal.shot("spot-check-form")
    page.get_by_role("button", name="抽取实地抽查名单").click()
    portal.expect_message("已抽取 1 个申报进入实地抽查，其余 1 个进入会审。")
    draw = SpotCheckDraw.objects.get(call=call)
    assert draw.seed == SEED
    assert sorted(draw.candidates) == sorted(a.pk for a in applications.values())
    drawn = next(a for a in applications.values() if a.pk in draw.drawn)
    drawn_name = drawn.cluster.name
    page.get_by_role("button", name=re.compile("^重新抽取验证")).click()
    portal.expect_message(f"重新抽取验证：一致。以种子 {SEED} 重新计算，抽中名单与记录相同。")
    portal.shot("spot-check-verified")

    page.get_by_role("link", name=hidden_suffix("记录实地核查", f"：{drawn_name}")).click()
    expect(page.get_by_role("heading", level=1, name=f"实地核查：{drawn_name}")).to_be_visible()
    expect(portal.field("核查日期")).to_have_value(timezone.localdate().isoformat())
    portal.field("核查人员").fill("王核查、李核查")
    portal.field("核查情况").fill("实地走访集群内 5 家企业，产值、研发投入等数据与申报材料一致。")
    page.get_by_label("核查属实").check()
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(tiny_png())
    portal.field("现场照片和证明材料").set_input_files(photo)
    page.get_by_role("button", name="保存核查记录").click()
    portal.expect_message(f"已记录 {drawn_name} 的实地核查，申报进入会审。")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="现场照片.png").click()
    assert download_info.value.path().read_bytes() == photo.read_bytes()
    expect(page.get_by_text("核查属实").first).to_be_visible()
    portal.shot("site-check")
    for application in applications.values():
        application.refresh_from_db()
        assert application.state == S.JOINT_REVIEW

    # ------------------------------------------------------------ 4. province: joint review, proposed list
    page.get_by_role("navigation", name="面包屑导航").get_by_role("link", name=re.compile("^省级评审")).click()
    expect(page.locator("#counts-h + ul")).to_contain_text("会审报批 2")
    page.get_by_role("link", name="会审会议").click()
    expect(page.get_by_role("heading", level=1, name="会审报批")).to_be_visible()
    expect(portal.field("会议日期")).to_have_value(timezone.localdate().isoformat())
    portal.field("参会人员").fill("省工业和信息化厅：张处长、李副处长；评审专家：陈评审、刘评审、赵评审")
    portal.field("会议纪要摘要").fill("会议审议了专家评审和实地抽查结果，同意两个集群列入拟认定名单。")
    page.get_by_role("button", name="创建会议").click()
    portal.expect_message(f"已创建会审会议（{timezone.localdate():%Y-%m-%d}）。")
    for cluster_name in applications:
        row = page.get_by_role("row").filter(has_text=cluster_name)
        row.get_by_label("同意列入拟认定名单").check()
        row.get_by_label("理由").fill(
            "评分排名靠前，实地核查属实。" if cluster_name == drawn_name else "评分排名靠前。"
        )
        row.get_by_role("button", name=hidden_suffix("保存结论", f"：{cluster_name}")).click()
        portal.expect_message(f"已记录对 {cluster_name} 的会审结论。")
    expect(page.get_by_role("heading", name=re.compile("尚未决定 0 个"))).to_be_visible()
    portal.shot("joint-review-decided")
    page.get_by_role("button", name="形成拟认定名单").click()
    portal.expect_message("会审已结束，已形成拟认定名单。")
    proposed = page.get_by_role("region", name="拟认定名单（2 个）")
    for cluster_name in applications:
        expect(proposed).to_contain_text(cluster_name)
    portal.shot("proposed-list")

    # ------------------------------------------------------------ 5. province: the notice, starting today
    portal.nav("公示与名单管理")
    expect(page.get_by_role("heading", level=1, name="公示与名单管理")).to_be_visible()
    start, end = notices.notice_period(today)
    expect(page.locator("#notice-period")).to_contain_text(chinese_period(start, end))
    expect(portal.field("公示开始日期")).to_have_value(today.isoformat())
    portal.field("联系电话").fill("025-83391234")
    portal.field("电子邮箱").fill("zxqyc@example.cn")
    portal.shot("notice-create")
    page.get_by_role("button", name="生成公示草稿").click()
    portal.expect_message("已生成公示草稿：")
    notice = Notice.objects.get(call=call)
    assert (notice.start_date, notice.end_date) == (start, end)
    # Publishing cannot be undone: the notice is first shown as the public will see it, then confirmed.
    page.get_by_role("link", name="预览并发布公示").click()
    expect(page.get_by_role("heading", level=1, name="预览公示")).to_be_visible()
    preview = page.get_by_role("article")
    expect(preview).to_contain_text(chinese_period(start, end))
    for cluster_name in applications:
        expect(preview.get_by_role("cell", name=cluster_name, exact=True)).to_be_visible()
    portal.shot("notice-preview")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    page.get_by_role("button", name="确认发布").click()
    portal.expect_message("公示已发布：")
    expect(page.locator("main h1 + .badge")).to_have_text("公示中")
    portal.shot("notice-published")
    for application in applications.values():
        application.refresh_from_db()
        assert application.state == S.PUBLIC_NOTICE

    # ------------------------------------------------------------ 6. the public (phone): files an objection
    objected = applications[JIANGYIN_CLUSTER]
    with public_phone(portal, browser, browser_context_args) as phone:
        portal.goto("/")
        portal.nav("公示公告")
        expect(phone.get_by_role("heading", level=1, name="公示公告")).to_be_visible()
        phone.get_by_role("link", name=notice.title).click()
        expect(phone.get_by_role("heading", level=1, name=notice.title)).to_be_visible()
        listed = phone.get_by_role("region", name=re.compile("拟认定名单（2 个）"))
        for cluster_name in applications:
            expect(listed).to_contain_text(cluster_name)
        portal.assert_no_horizontal_scroll()
        portal.shot("public-notice-phone")
        phone.get_by_role("link", name="在线提出异议").click()
        expect(phone.get_by_role("heading", level=1, name="对公示名单提出异议")).to_be_visible()
        portal.assert_no_horizontal_scroll()
        label = f"{objected.cluster.name}（{objected.cluster.division.full_name}）"
        portal.field("异议对象（公示名单中的集群）").select_option(label=label)
        portal.field("姓名或单位名称").fill("周公众")
        portal.field("联系电话").fill(OBJECTOR_PHONE)
        portal.field("异议内容").fill("该集群部分名册企业的从业人员数与社保缴纳人数不符，请核实。")
        portal.shot("objection-form-phone")
        phone.get_by_role("button", name="提交异议").click()
        expect(phone.get_by_role("heading", level=1, name="异议已受理")).to_be_visible()
        objection = Objection.objects.get(notice=notice)
        receipt = phone.get_by_role("status").filter(has_text="受理编号")
        expect(receipt).to_contain_text(objection.receipt_number)
        expect(receipt).to_contain_text(objected.cluster.name)
        portal.assert_no_horizontal_scroll()
        portal.shot("objection-receipt-phone")
    assert objection.application_id == objected.pk

    # ------------------------------------------------------------ 7. province: dismisses the objection
    portal.nav("公示与名单管理")
    page.get_by_role("link", name=notice.title).click()
    card = page.locator(f"#objection-{objection.pk}")
    expect(card).to_contain_text(objection.receipt_number)
    expect(card).to_contain_text("139****5678")
    expect(card).not_to_contain_text(OBJECTOR_PHONE)
    expect(card).not_to_contain_text("周公众")
    page.get_by_role("button", name="查看完整信息").click()
    revealed = page.locator(f"#objection-{objection.pk}").get_by_role("status")
    expect(revealed).to_contain_text("异议人完整信息（本次查看已记录）")
    expect(revealed).to_contain_text(OBJECTOR_PHONE)
    expect(revealed).to_contain_text("周公众")
    card = page.locator(f"#objection-{objection.pk}")
    card.get_by_label("异议不成立（维持公示）").check()
    card.get_by_label(re.compile("^调查核实情况和处理结果")).fill(
        "经核实，名册企业从业人员数与统计部门数据一致，异议不成立。"
    )
    portal.shot("objection-handling")
    card.get_by_role("button", name="提交处理结论").click()
    portal.expect_message(f"异议 {objection.receipt_number} 已处理。")
    card = page.locator(f"#objection-{objection.pk}")
    expect(card.locator(".badge")).to_have_text("异议不成立")
    expect(card).to_contain_text("异议不成立")
    expect(card).not_to_contain_text(OBJECTOR_PHONE)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    assert objection.handled_by_id == province.pk
    assert list(PersonalDataView.objects.filter(objection=objection).values_list("viewer_id", flat=True)) == [
        province.pk
    ]

    # ------------------------------------------------------------ 8. the notice period ends
    # The list may only be published after the fifth working day. Rather than move the clock of the whole
    # process (the live server runs in a thread of this process, so time_machine would move its clock too, and
    # the session cookie, CSRF and login throttling all read it), the hourly close job runs here as it would
    # one second after the deadline. The browser then publishes with the real clock; the form proposes the
    # notice's end date as the publication date, which publication_create requires (publish_date >= end_date).
    assert notices.notices_close_due(now=notice.deadline + dt.timedelta(seconds=1)) == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED

    # ------------------------------------------------------------ 9. province: publishes the list
    page.reload()
    expect(page.locator("main h1 + .badge")).to_have_text("公示期满")
    expect(portal.field("公布日期")).to_have_value(notice.end_date.isoformat())
    portal.field("公布文号").fill(DOC_NUMBER)
    portal.shot("publication-form")
    page.get_by_role("button", name="预览认定名单").click()
    # Who is certified and for how long is shown before anything is created.
    expect(page.get_by_role("heading", level=1, name="预览认定名单")).to_be_visible()
    preview = page.get_by_role("article")
    expect(preview).to_contain_text(DOC_NUMBER)
    valid_from, valid_to = Certification.validity(notice.end_date)
    expect(preview).to_contain_text(
        f"{valid_from.year}年{valid_from.month}月{valid_from.day}日至{valid_to.year}年{valid_to.month}月{valid_to.day}日"
    )
    for cluster_name in applications:
        expect(preview.get_by_role("cell", name=cluster_name, exact=True)).to_be_visible()
    portal.shot("publication-preview")
    assert not Certification.objects.filter(call=call).exists()
    page.get_by_role("button", name="确认公布").click()
    portal.expect_message(f"认定名单已公布（{DOC_NUMBER}），共认定 2 个集群。")
    certs = {c.cluster.name: c for c in Certification.objects.filter(call=call).select_related("cluster")}
    assert set(certs) == set(applications)
    listing = page.get_by_role("table")
    for cluster_name, cert in certs.items():
        row = listing.get_by_role("row").filter(has_text=cluster_name)
        expect(row).to_contain_text(cert.number)
        # Published (in this test) dated the notice's end date, which is still ahead of the real clock.
        expect(row).to_contain_text("尚未生效")
        assert (cert.valid_from, cert.valid_to) == Certification.validity(notice.end_date)
    portal.shot("publication")
    for application in applications.values():
        application.refresh_from_db()
        assert application.state == S.CERTIFIED
        steps = [(r.from_state, r.to_state, r.actor_id) for r in history_for(application) if r.from_state]
        via = [S.SITE_CHECK] if application.pk == drawn.pk else []
        path = [S.EXPERT_REVIEW, *via, S.JOINT_REVIEW, S.PUBLIC_NOTICE, S.CERTIFIED]
        assert steps[-len(path) + 1 :] == [(a, b, province.pk) for a, b in zip(path, path[1:], strict=False)]

    # ------------------------------------------------------------ 10. applicant: downloads the certificate
    cert = certs[KUNSHAN_CLUSTER]
    portal.login(applicant_user(kunshan.cluster.owner))
    portal.nav("我的申报")
    page.get_by_role("link", name=KUNSHAN_CLUSTER).click()
    expect(portal.state_badge()).to_have_text("已认定")
    portal.nav("认定名单")
    portal.field("关键词").fill("精密机械")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=KUNSHAN_CLUSTER).click()
    expect(page.get_by_role("heading", name=re.compile("证书下载"))).to_be_visible()
    portal.shot("applicant-certificate")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"下载认定证书 {cert.number}").click()
    data = download_info.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert cert.number in text
    assert KUNSHAN_CLUSTER in text
    # The QR code on the certificate is exactly the code of the verification address.
    link = certificates.verify_url(cert.number)
    assert link.startswith(portal.base_url)
    qr = Image.open(io.BytesIO(certificates.qr_png(link))).convert("L")
    printed = [image.image.convert("L") for p in reader.pages for image in p.images]
    assert any(img.size == qr.size and img.tobytes() == qr.tobytes() for img in printed), "证书二维码不是核验地址"

    # ------------------------------------------------------------ 11. the public (phone): verifies, finds it
    with public_phone(portal, browser, browser_context_args) as phone:
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1, name="认定证书核验结果")).to_be_visible()
        result = phone.locator(".portal-verify")
        expect(result.locator(".badge")).to_have_text("尚未生效")
        expect(result).to_contain_text(cert.number)
        expect(result).to_contain_text(KUNSHAN_CLUSTER)
        expect(result).to_contain_text(DOC_NUMBER)
        expect(result).to_contain_text(
            f"该证书真实，自 {cert.valid_from.year}年{cert.valid_from.month}月{cert.valid_from.day}日 起生效。"
        )
        portal.assert_no_horizontal_scroll()
        portal.shot("verify-phone")
        portal.nav("认定名单")
        expect(phone.get_by_role("heading", level=1, name="江苏省中小企业特色产业集群认定名单")).to_be_visible()
        portal.field("关键词").fill("精密机械")
        phone.get_by_role("button", name="查询").click()
        row = phone.get_by_role("row").filter(has_text=KUNSHAN_CLUSTER)
        expect(row).to_contain_text(cert.number)
        expect(row).to_contain_text("尚未生效")
        expect(phone.get_by_role("row").filter(has_text=JIANGYIN_CLUSTER)).to_have_count(0)
        portal.assert_no_horizontal_scroll()
        portal.shot("registry-phone")
        body = phone.locator("body").inner_text()
        assert OBJECTOR_PHONE not in body and "周公众" not in body
