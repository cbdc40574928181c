"""An applicant registers a cluster, fills in every section of an application in the browser and submits it."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.tests.factories import KUNSHAN, UserFactory, make_credit_code
from clusters.constants import ApplicationState
from clusters.models import Application
from clusters.tests.factories import PASSING_YEARS, published_call, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLUSTER_NAME = "昆山市精密机械特色产业集群"
SUMMARY = "集群以精密机械为主导产业，产业链完整，配套企业集聚，带动就业十万余人。"
YEAR_ROWS = [  # (row label in the table, index in PASSING_YEARS tuples)
    ("集群总产值（万元）", 0),
    ("中小企业产值（万元）", 1),
    ("主导产业产值（万元）", 2),
    ("中小企业研发经费（万元）", 3),
    ("有效发明专利（件）", 4),
    ("从业人员（人）", 5),
    ("二氧化碳排放强度（吨/万元）", 6),
]
# Platforms, standards and pilot projects count only at the levels Art. 6(5)/(6) name, so each has its level.
LIST_ITEMS = [  # (kind label, level label or "", name) — as many as the default thresholds need
    *[("省级及以上创新平台", "省级", f"江苏省精密机械工程技术研究中心{i}") for i in range(1, 6)],
    *[("参与制定的国家或行业标准", "行业级（行业标准）", f"精密机械行业标准{i}") for i in range(1, 4)],
    ("制造资源共享工作", "", "昆山共享检测中心"),
    ("智能制造/工业互联网试点示范项目", "省级", "省级智能制造示范工厂"),
    ("国际合作与交流活动", "", "中德精密制造合作论坛"),
]


def section(portal, title):
    """Open a section of the application form from its side navigation."""
    nav = portal.page.get_by_role("navigation", name="申报书各部分")
    nav.get_by_role("link", name=re.compile(rf"^\d+\. {re.escape(title)}")).click()
    expect(portal.page.get_by_role("heading", level=2, name=title, exact=True)).to_be_visible()


def test_applicant_registers_fills_in_and_submits(portal, tmp_path):
    call = published_call()
    applicant = UserFactory(full_name="王申报", organisation__name="昆山市精密机械产业发展促进会")
    page = portal.page

    # ------------------------------------------------------------ log in, register the cluster
    portal.login(applicant)
    portal.shot("home")
    portal.nav("我的集群")
    page.get_by_role("link", name="登记新集群").click()
    expect(page.get_by_role("heading", name="登记特色产业集群")).to_be_visible()
    page.get_by_label("集群名称").fill(CLUSTER_NAME)
    expect(page.get_by_label("所在县（市、区）")).to_have_value(KUNSHAN)
    page.get_by_label("主导产业").fill("高端装备")
    page.get_by_label("细分领域").fill("精密机械零部件")
    page.get_by_label("占地面积（平方公里）").fill("56.5")
    page.get_by_label("运营管理机构").fill("昆山市精密机械产业集群发展促进中心")
    portal.shot("cluster-form")
    page.get_by_role("button", name="登记", exact=True).click()
    portal.expect_message(f"集群“{CLUSTER_NAME}”已登记。")

    # ------------------------------------------------------------ start the application from the cluster list
    cluster_card = page.locator("section.card").filter(has=page.get_by_role("heading", name=CLUSTER_NAME))
    cluster_card.get_by_role("button", name=re.compile(rf"申报{call.year}年度")).click()
    portal.expect_message("申报草稿已创建")
    expect(page.get_by_role("heading", level=2, name="基本信息", exact=True)).to_be_visible()
    application = Application.objects.get(cluster__name=CLUSTER_NAME, call=call)

    # ------------------------------------------------------------ 基本信息: autosave, then reload
    page.get_by_label("联系人").fill("王申报")
    page.get_by_label("联系电话").fill("0512-57001234")
    page.get_by_label("电子邮箱").fill("wang@example.cn")
    page.get_by_label("集群概况").fill(SUMMARY)
    portal.wait_autosaved()
    portal.shot("basic-autosaved")
    page.reload()
    expect(page.get_by_label("集群概况")).to_have_value(SUMMARY)
    expect(page.get_by_label("联系人")).to_have_value("王申报")
    expect(page.get_by_label("联系电话")).to_have_value("0512-57001234")

    # ------------------------------------------------------------ 经济数据: the four-year table
    section(portal, "经济数据")
    for offset, values in PASSING_YEARS.items():
        year = call.year + offset
        for label, index in YEAR_ROWS:
            page.get_by_label(f"{year}年{label}", exact=True).fill(str(values[index]))
    portal.wait_autosaved()
    page.reload()
    last_year = call.year - 1
    expect(page.get_by_label(f"{last_year}年集群总产值（万元）", exact=True)).to_have_value("700000")
    expect(page.get_by_label(f"{call.year - 4}年主导产业产值（万元）", exact=True)).to_have_value("380000")
    portal.shot("data")

    # ------------------------------------------------------------ 企业名册: the portal's own Excel template
    section(portal, "企业名册")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载企业名册模板（.xlsx）").click()
    download = download_info.value
    assert download.suggested_filename == "企业名册模板.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row in range(2, 22):
        n = 700_000 + row
        values = {
            "企业名称": f"昆山精密机械第{row - 1}有限公司",
            "统一社会信用代码": make_credit_code(n, KUNSHAN),
            "是否属于主导产业": "是",
            "专精特新中小企业证书编号": f"JS2025ZJTX{n}",
            "从业人员数": 120 + row,
        }
        for header, value in values.items():
            sheet.cell(row=row, column=headers[header], value=value)
    roster = tmp_path / "企业名册.xlsx"
    workbook.save(roster)
    page.get_by_label("企业名册 Excel 文件（.xlsx，使用本平台模板）").set_input_files(roster)
    page.get_by_role("button", name="导入名册").click()
    portal.expect_message("已导入 20 家企业。")
    expect(page.get_by_text("名册共 20 家企业")).to_be_visible()
    portal.shot("roster")

    # ------------------------------------------------------------ 创新与合作
    section(portal, "创新与合作")
    for kind, level, name in LIST_ITEMS:
        page.get_by_label("类别").select_option(label=kind)
        if level:
            page.get_by_label("级别").select_option(label=level)
        portal.field("名称").fill(name)
        page.get_by_role("button", name="添加", exact=True).click()
        portal.expect_message(f"已添加“{name}”。")
    expect(page.get_by_role("heading", name=re.compile("省级及以上创新平台"))).to_contain_text("5 项")
    expect(page.get_by_role("heading", name=re.compile("参与制定的国家或行业标准"))).to_contain_text("3 项")

    # ------------------------------------------------------------ 数字化与绿色化
    section(portal, "数字化与绿色化")
    page.get_by_label("企业上云或上标识比例（%）").fill("35")
    page.get_by_label("工业互联网平台应用普及率（%）").fill("25")
    page.get_by_label("智能化改造和数字化转型工作情况").fill("推进智能化改造和数字化转型，建成工业互联网平台。")
    page.get_by_label("绿色低碳服务机制及能效、水效说明").fill("建立绿色低碳公共服务机制。")
    page.get_by_role("button", name="保存本节").click()
    portal.expect_message("“数字化与绿色化”已保存。")

    # ------------------------------------------------------------ 运营管理与发展规划
    section(portal, "运营管理与发展规划")
    page.get_by_label("运营管理机构名称").fill("昆山市精密机械产业集群发展促进中心")
    page.get_by_label("中小企业公共服务体系").fill("建有中小企业公共服务平台和检验检测中心。")
    page.get_by_label("集群发展促进机制").fill("定期召开集群发展联席会议。")
    page.get_by_label("三年发展规划概要").fill("三年内集群总产值突破一百亿元。")
    page.get_by_role("button", name="保存本节").click()
    portal.expect_message("“运营管理与发展规划”已保存。")
    portal.field("指标").fill("集群总产值")
    portal.field("单位").fill("万元")
    page.get_by_label("基期值").fill("700000")
    page.get_by_label(f"{call.year}年目标").fill("800000")
    page.get_by_label(f"{call.year + 1}年目标").fill("900000")
    page.get_by_label(f"{call.year + 2}年目标").fill("1000000")
    page.get_by_role("button", name="添加目标").click()
    portal.expect_message("已添加目标“集群总产值”。")
    plan = tmp_path / "三年发展规划.pdf"
    plan.write_bytes(tiny_pdf("三年发展规划"))
    page.get_by_label("文件（PDF、JPG、PNG、DOCX、XLSX）").set_input_files(plan)
    page.get_by_role("button", name="上传规划文本").click()
    portal.expect_message("已上传“三年发展规划.pdf”。")
    # Every Art. 6 rule now passes; the live panel lists only Art. 7, which waits for the declarations.
    panel = page.locator("#eligibility-panel")
    failing = panel.locator(".list-group-item").filter(has=page.locator(".badge", has_text="未达标"))
    expect(failing).to_have_count(1)
    expect(failing).to_contain_text("不存在第七条所列情形")
    portal.shot("management")

    # ------------------------------------------------------------ 承诺声明
    section(portal, "承诺声明")
    confirmations = page.get_by_label("确认无此情形")
    expect(confirmations).to_have_count(4)
    for i in range(4):
        confirmations.nth(i).check()
    page.get_by_role("button", name="保存本节").click()
    portal.expect_message("“承诺声明”已保存。")

    # ------------------------------------------------------------ 申报材料: one PDF per required material
    section(portal, "申报材料")
    required = list(call.requirements.filter(required=True).order_by("order"))
    assert required
    for requirement in required:
        upload = tmp_path / f"{requirement.name}.pdf"
        upload.write_bytes(tiny_pdf(requirement.name))
        page.get_by_label("用途").select_option(label="申报材料")
        page.get_by_label("材料类别").select_option(label=requirement.name)
        page.get_by_label("文件（PDF、JPG、PNG、DOCX、XLSX）").set_input_files(upload)
        page.get_by_role("button", name="上传", exact=True).click()
        portal.expect_message(f"已上传“{requirement.name}.pdf”。")
    expect(page.get_by_text("尚未上传")).to_have_count(0)
    portal.shot("attachments")

    # ------------------------------------------------------------ 资格自评与提交
    section(portal, "资格自评与提交")
    expect(page.get_by_text("已完成 100%")).to_be_visible()
    expect(page.get_by_role("heading", name="提交前请先完成以下事项")).to_have_count(0)
    expect(page.locator(".portal-eligibility")).to_contain_text("未达标 0 项")
    page.get_by_label(re.compile("本单位承诺所填报内容及提交材料真实、准确、完整")).check()
    portal.shot("review")
    page.get_by_role("button", name="提交申报").click()
    portal.expect_message("申报已提交至县级主管部门审核。")
    assert any("确定提交申报" in message for message in portal.dialogs)
    expect(page.get_by_role("heading", level=1, name=CLUSTER_NAME)).to_be_visible()
    expect(portal.state_badge()).to_have_text("县级审核")
    portal.shot("submitted")

    # ------------------------------------------------------------ the application PDF
    # Rendered by a task after the submission; until it is there the link answers 202 with a "being prepared"
    # page and asks again (a loaded machine may need a moment).
    pdf_url = portal.url(f"/applications/{application.pk}/versions/1/pdf/")
    for _ in range(30):
        if page.request.get(pdf_url).status == 200:
            break
        page.wait_for_timeout(1000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载申报书 PDF（第1版）").click()
    pdf = download_info.value
    data = pdf.path().read_bytes()
    assert data.startswith(b"%PDF")
    assert pdf.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert CLUSTER_NAME in text

    application.refresh_from_db()
    assert application.state == ApplicationState.COUNTY_REVIEW
    assert application.enterprises.count() == 20
    assert application.summary == SUMMARY
