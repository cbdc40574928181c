"""Excel exports of the expert pool and of the objections: the page's rows with the page's filters, nothing shown
more than the page shows (phones and filers masked), and text a spreadsheet would run as a formula kept as text."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.constants import Role
from accounts.tests.factories import KUNSHAN, NANJING, WUXI, division
from clusters.tests.factories import authority_user, published_call
from core.models import AuditEvent
from reviews import services
from reviews.tests.factories import at, expert
from reviews.tests.views.helpers import CONTENT, FILER, file_objection, make_notice, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def objection(notice, app, content, **filer):
    with time_machine.travel(at(2026, 9, 25, 10)):
        return services.objection_file(notice=notice, application_id=app.pk, content=content, **{**FILER, **filer})


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    lines = list(ws.iter_rows())
    header_at = next(i for i, line in enumerate(lines) if line[0].value in ("姓名", "公示"))
    return ws, [c.value for c in lines[header_at]], lines[header_at + 1 :], lines[:header_at]


def test_expert_pool_export_has_the_rows_of_the_filtered_page_masked(client, province):
    formula = '=HYPERLINK("http://evil.example/","点击")'
    a = expert(city_code=NANJING, keywords=formula)
    a.user.full_name = "甲专家"
    a.user.save()
    b = expert(city_code=NANJING, active=False)
    b.user.full_name = "乙专家"
    b.user.save()
    c = expert(city_code=WUXI)
    c.user.full_name = "丙专家"
    c.user.save()
    client.force_login(province)
    url = reverse("reviews:expert_pool")
    page = client.get(url, {"city": NANJING, "active": "1"})
    assert "format=xlsx" in page.content.decode() and "导出 Excel（按当前筛选）" in text_of(page)
    assert f"city={NANJING}" in page.context["export_query"] and "active=1" in page.context["export_query"]
    shown = [e["name"] for e in page.context["page"]]  # the page's rows are plain values
    assert shown == ["甲专家"]

    ws, header, rows, above = sheet_rows(client.get(url, {"city": NANJING, "active": "1", "format": "xlsx"}))
    assert header[:2] == ["姓名", "用户名"] and "手机号（部分隐藏）" in header
    assert [r[0].value for r in rows] == shown
    assert any("南京市" in str(cell.value) and "已启用" in str(cell.value) for line in above for cell in line)
    keywords = rows[0][header.index("专业关键词")]
    assert keywords.value == formula and keywords.data_type == "s" and keywords.quotePrefix
    values = [cell.value for line in rows for cell in line]
    assert "138****1234" in values and "13812341234" not in values
    assert ws.freeze_panes is not None
    assert AuditEvent.objects.filter(event="export", detail__startswith="专家库（1行）").exists()

    _ws, _h, rows, _above = sheet_rows(client.get(url, {"format": "xlsx"}))
    assert sorted(r[0].value for r in rows) == sorted(["甲专家", "乙专家", "丙专家"])


def test_only_province_staff_export_the_pool_and_the_objections(client, province):
    notice, apps = make_notice(province)
    client.force_login(authority_user(Role.CITY, division(KUNSHAN)))
    assert client.get(reverse("reviews:expert_pool"), {"format": "xlsx"}).status_code == 404
    assert client.get(reverse("public:notice_manage"), {"format": "xlsx"}).status_code == 404
    assert client.get(reverse("public:notice_admin", args=[notice.pk]), {"format": "xlsx"}).status_code == 404


def test_objections_export_is_the_selected_call_masked_as_on_the_page(client, province):
    notice, apps = make_notice(province)
    other, other_apps = make_notice(province, prefix="另一公示集群")  # a second notice of the same call
    file_objection(notice, apps[0])
    objection(notice, apps[1], "=1+1 该集群申报数据与实际不符", phone="13900009999", email="")
    objection(other, other_apps[0], "另一公示的异议：数据与统计年鉴不一致")
    empty_call = published_call(2025)
    client.force_login(province)

    # each notice's page and its export: the same objections in the same order
    admin_page = client.get(reverse("public:notice_admin", args=[notice.pk]))
    receipts = [r["objection"].receipt_number for r in admin_page.context["objections"]]
    assert len(receipts) == 2
    _ws, header, rows, above = sheet_rows(
        client.get(reverse("public:notice_admin", args=[notice.pk]), {"format": "xlsx"})
    )
    assert header[:4] == ["公示", "受理编号", "异议对象（集群）", "异议人"]
    assert [r[1].value for r in rows] == receipts
    assert any(notice.title in str(c.value) for line in above for c in line)
    values = [str(c.value) for line in rows for c in line]
    assert FILER["name"] not in values and FILER["phone"] not in values and FILER["email"] not in values
    assert "13900009999" not in values and "另一公示的异议：数据与统计年鉴不一致" not in values
    by_content = {r[header.index("异议内容")].value: r for r in rows}
    first = by_content[CONTENT]
    assert first[3].value == "张**" and first[4].value == "138****5678" and first[5].value == "z***@example.cn"
    formula = by_content["=1+1 该集群申报数据与实际不符"][header.index("异议内容")]
    assert formula.data_type == "s" and formula.quotePrefix

    # the management page: the link keeps the chosen call, and the export holds every notice of that call only
    page = client.get(reverse("public:notice_manage"), {"call": notice.call_id})
    assert f"?call={notice.call_id}&amp;format=xlsx" in page.content.decode()
    assert "导出异议 Excel（按当前筛选）" in text_of(page)
    _ws, _h, rows, above = sheet_rows(
        client.get(reverse("public:notice_manage"), {"call": notice.call_id, "format": "xlsx"})
    )
    assert sorted(r[1].value for r in rows) == sorted([*receipts, other.objections.get().receipt_number])
    assert any(notice.call.title in str(c.value) for line in above for c in line)
    assert all("*" in str(r[4].value) for r in rows)
    _ws, _h, rows, above = sheet_rows(
        client.get(reverse("public:notice_manage"), {"call": empty_call.pk, "format": "xlsx"})
    )
    assert rows == [] and any("2025年度" in str(c.value) for line in above for c in line)
