"""County, city and province take a submitted application through the three review tiers in the browser."""

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.tests.factories import application_in_state, authority_user, province_user
from core.transitions import history_for
from reviews.constants import FORMAL_CHECKS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = ApplicationState
DOC_NUMBER = "苏工信中小〔2026〕8号"
# A pass needs an opinion on every condition; "全部同意" marks every condition left open as agreed.
AGREE_ALL = re.compile(r"^全部同意：未单独表态的条件均为“同意”")


def test_three_review_tiers(portal, tmp_path):
    application = application_in_state(S.COUNTY_REVIEW)
    cluster = application.cluster
    county = authority_user(Role.COUNTY, cluster.division)
    city = authority_user(Role.CITY, cluster.division)
    province = province_user()
    page = portal.page

    # ------------------------------------------------------------ county: 通过
    portal.login(county)
    portal.open_from_queue(cluster.name, "县级审核")
    expect(page.get_by_role("heading", name="县级审核意见")).to_be_visible()
    page.get_by_label(AGREE_ALL).check()
    portal.field("通过").check()
    portal.field("审核意见 / 退回或不予推荐的理由").fill("材料齐全，数据属实，同意上报。")
    portal.shot("county-review")
    page.get_by_role("button", name="提交审核结论").click()
    portal.expect_message(f"已办理：{cluster.name}。")
    application.refresh_from_db()
    assert application.state == S.CITY_REVIEW

    # ------------------------------------------------------------ city: the recommendation document
    portal.login(city)
    portal.nav("推荐文件")
    page.get_by_role("link", name=re.compile(r"^为.*制作并报送推荐文件$")).click()
    expect(page.get_by_role("heading", name="制作并报送推荐文件")).to_be_visible()
    today = timezone.localdate().isoformat()
    portal.field("文号").fill(DOC_NUMBER)
    portal.field("成文日期").fill(today)
    page.get_by_label(f"{cluster.name}（{cluster.division.name}）").check()
    portal.shot("recommendation-form")
    page.get_by_role("button", name="预览推荐文件").click()
    # The letter and its summary table are shown before anything is submitted.
    expect(page.get_by_role("heading", level=1, name="预览推荐文件")).to_be_visible()
    letter = page.get_by_role("article")
    expect(letter).to_contain_text(DOC_NUMBER)
    expect(letter).to_contain_text("推荐以下 1 个集群")
    summary = page.get_by_role("region", name="推荐汇总表")
    expect(summary.get_by_role("cell", name=cluster.name, exact=True)).to_be_visible()
    portal.shot("recommendation-preview")
    application.refresh_from_db()
    assert application.state == S.CITY_REVIEW
    page.get_by_role("button", name="确认报送").click()
    portal.expect_message(f"推荐文件 {DOC_NUMBER} 已报送省工业和信息化厅，1 个申报进入形式审查。")
    expect(page.get_by_role("cell", name=cluster.name, exact=True)).to_be_visible()
    portal.shot("recommendation-detail")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载推荐函及汇总表 PDF").click()
    data = download_info.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert DOC_NUMBER in text
    assert cluster.name in text

    # ------------------------------------------------------------ province: 形式审查
    portal.login(province)
    portal.open_from_queue(cluster.name, "形式审查")
    expect(page.get_by_role("heading", name="形式审查意见")).to_be_visible()
    for _key, label in FORMAL_CHECKS:
        portal.field(str(label)).check()
    page.get_by_label(AGREE_ALL).check()
    portal.field("通过").check()
    portal.shot("formal-review")
    page.get_by_role("button", name="提交审核结论").click()
    portal.expect_message(f"已办理：{cluster.name}。")

    application.refresh_from_db()
    assert application.state == S.EXPERT_REVIEW
    steps = [(row.from_state, row.to_state, row.actor_id) for row in history_for(application) if row.from_state]
    owner = application.created_by_id
    assert steps == [
        (S.DRAFT, S.COUNTY_REVIEW, owner),
        (S.COUNTY_REVIEW, S.CITY_REVIEW, county.pk),
        (S.CITY_REVIEW, S.FORMAL_REVIEW, city.pk),
        (S.FORMAL_REVIEW, S.EXPERT_REVIEW, province.pk),
    ]


def test_recommendation_date_prefilled_with_today(portal):
    application = application_in_state(S.CITY_REVIEW)
    portal.login(authority_user(Role.CITY, application.cluster.division))
    portal.goto(f"/review/recommendations/new/{application.call_id}/")
    expect(portal.field("成文日期")).to_have_value(timezone.localdate().isoformat(), timeout=2_000)
