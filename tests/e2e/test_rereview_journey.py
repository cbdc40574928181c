"""Re-review (复核) from the cluster's side: the certification is about to expire; the applicant opens its cluster's
page, applies, finds the figures prefilled from its annual reports, completes the Art. 6 table, the declarations
and the plan's end values, sees what still blocks submission, explains the rules it falls short of, and submits.
The county then finds it waiting."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.constants import Role
from clusters.models.certifications import add_years
from clusters.services.certifications import certification_mark_expiring
from clusters.tests.factories import authority_user
from monitoring.constants import ReportState, ReReviewState
from monitoring.models import ReReview
from monitoring.tests.factories import CertificationFactory, cluster_in, owner_of, report_in_state

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COUNTS = {
    "主导产业单项冠军、专精特新“小巨人”企业数（家）": "4",
    "专精特新中小企业、高新技术企业数（家）": "18",
    "制造资源共享工作（项）": "2",
    "省级及以上创新平台（个）": "6",
    "参与制定国家标准、行业标准（项）": "3",
    "省级以上智能制造、工业互联网试点示范项目（个）": "1",
    "国际合作交流活动（项）": "2",
    "企业上云或上标识比例（%）": "42",
    "工业互联网平台应用普及率（%）": "28",
}
DECLARATIONS = [
    "主导产业属于国家规定的禁止、限制和淘汰类产业",
    "近三年发生过重大及以上安全、质量和环境污染等事故",
    "近三年发生过重大及以上网络安全事件和数据安全事件",
    "有偷税漏税、严重失信等其他重大违法违规行为",
]


def expiring_with_reports():
    """A certification ending about two months from today (so inside its re-review window), with the annual
    reports of the years it has been certified for, verified."""
    today = timezone.localdate()
    published = add_years(today, -3) + datetime.timedelta(days=60)
    cert = CertificationFactory(cluster=cluster_in("320583"), call_year=published.year, published=published)
    for year in range(cert.valid_from.year, today.year):
        report_in_state(ReportState.VERIFIED, certification=cert, report_year=year)
    return certification_mark_expiring(certification=cert, comment="到期前6个月")


def test_the_cluster_applies_for_rereview(portal):
    cert = expiring_with_reports()
    cluster = cert.cluster
    applicant = owner_of(cert)
    county = authority_user(Role.COUNTY, cluster.division)
    page = portal.page

    # ------------------------------------------------------------ the cluster's page says it is expiring
    portal.login(applicant)
    portal.nav("年度监测")
    page.get_by_role("link", name=cluster.name).first.click()
    expect(page.get_by_role("heading", level=1, name=cluster.name)).to_be_visible()
    notice = page.get_by_role("status").filter(has_text="有效期满须经复核")
    expect(notice).to_contain_text(f"认定有效期至 {cert.valid_to.year}年{cert.valid_to.month}月{cert.valid_to.day}日")
    portal.shot("cluster-page-expiring")
    notice.get_by_role("button", name="申请复核").click()
    portal.expect_message("已创建复核申请")
    expect(page.get_by_role("heading", level=1, name=f"{cluster.name} 复核申请")).to_be_visible()

    # ------------------------------------------------------------ prefilled from the annual reports
    last = timezone.localdate().year - 1
    expect(page.get_by_role("heading", name=re.compile(f"^{last}年")).first).to_contain_text("预填自年度报告")
    expect(portal.field(f"{last}年集群总产值（万元）")).to_have_value("760000.00")
    portal.shot("prefilled")

    # ------------------------------------------------------------ first save: what still blocks submission
    page.get_by_role("button", name="保存草稿").click()
    portal.expect_message("复核申请已保存。")
    checks = page.get_by_role("region", name="提交前检查")
    expect(checks).to_contain_text("请逐项作出第七条承诺声明")
    expect(checks).to_contain_text("请填写“三年发展规划完成情况总结”")

    # ------------------------------------------------------------ the rest of the Art. 6 table and the plan
    for label, value in COUNTS.items():
        portal.field(label).fill(value)
    portal.field("中小企业公共服务体系").fill("建有集群公共服务平台，提供检验检测、人才培训和融资对接服务。")
    portal.field("集群总产值 期末实际值").fill("1050000")
    portal.field("二氧化碳排放强度 期末实际值").fill("0.38")
    portal.field("三年发展规划完成情况总结").fill("三年发展规划的产值和降碳目标均已完成，创新平台增加两个。")
    for text in DECLARATIONS:
        page.get_by_role("group", name=re.compile(re.escape(text))).get_by_label("声明不存在该情形").check()
    page.get_by_role("button", name="保存草稿").click()
    portal.expect_message("复核申请已保存。")
    # The same rules as the application, on the current figures: growth over the years falls short.
    checks = page.get_by_role("region", name="提交前检查")
    expect(checks).to_contain_text("请填写未达标情况说明")
    eligibility = page.get_by_role("region", name=re.compile("认定条件核验"))
    expect(eligibility.get_by_role("row").filter(has_text="主导产业产值年均增速")).to_contain_text("未达标")
    targets = page.get_by_role("region", name="三年发展规划目标完成情况")
    expect(targets.get_by_role("row").filter(has_text="集群总产值")).to_contain_text("已完成")
    portal.shot("eligibility-and-targets")

    # ------------------------------------------------------------ explain and submit
    portal.field("未达标情况说明").fill("近两年受市场周期影响，主导产业增速放缓；已制定新一轮培育措施。")
    page.get_by_role("button", name="保存并提交复核申请").click()
    portal.expect_message("复核申请已提交。")
    expect(page.locator("main header .badge")).to_have_text("县级审核")
    expect(page.get_by_role("link", name="继续填写")).to_have_count(0)
    portal.shot("submitted")
    rereview = ReReview.objects.get(certification=cert)
    assert rereview.state == ReReviewState.COUNTY_REVIEW and rereview.versions.count() == 1
    assert rereview.explanation.startswith("近两年受市场周期影响")

    # ------------------------------------------------------------ the county finds it waiting
    portal.login(county)
    portal.goto("/monitoring/rereviews/")
    row = page.get_by_role("row").filter(has_text=cluster.name)
    expect(row).to_contain_text("县级审核")
    row.get_by_role("link", name=cluster.name).click()
    expect(page.get_by_role("heading", name="县级审核：提出意见")).to_be_visible()
    portal.shot("county-queue")
