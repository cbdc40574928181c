"""Editing a draft section by section, autosave (stale versions refused), and the eligibility panel."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import selectors
from clusters.constants import ApplicationState
from clusters.models import Application, YearData
from clusters.tests.views.helpers import XHR, _edit_url

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.mark.parametrize("section", [key for key, _title in selectors.SECTIONS])
def test_every_edit_section_renders_for_the_applicant(owner_client, application, section):
    response = owner_client.get(_edit_url(application, section))
    assert response.status_code == 200
    body = response.content.decode()
    assert "已完成" in body and 'role="progressbar"' in body
    assert dict(selectors.SECTIONS)[section] in body
    side_panel = section in ("data", "roster", "lists", "digital", "management")
    assert (reverse("clusters:eligibility_panel", args=[application.pk]) in body) == side_panel
    if section in ("basic", "digital", "management", "declarations", "data"):
        assert f'data-autosave="{_edit_url(application, section)}"' in body
        assert 'name="version"' in body and "data-autosave-status" in body


def test_section_specific_content(owner_client, application):
    body = owner_client.get(_edit_url(application, "data")).content.decode()
    assert '<label class="visually-hidden" for="id_y2024_total_output">2024年集群总产值（万元）</label>' in body
    assert "2021年" in body and "（基期）" in body

    body = owner_client.get(_edit_url(application, "roster")).content.decode()
    assert reverse("clusters:roster_template", args=[application.pk]) in body
    assert reverse("clusters:roster_import", args=[application.pk]) in body and 'enctype="multipart/form-data"' in body

    body = owner_client.get(_edit_url(application, "attachments")).content.decode()
    assert "统计数据证明材料" in body and "20 MB" in body and "PDF、JPG、PNG、DOCX、XLSX" in body
    assert 'name="section" value="attachments"' in body

    body = owner_client.get(_edit_url(application, "management")).content.decode()
    assert 'name="purpose" value="plan"' in body and 'name="section" value="management"' in body
    assert reverse("clusters:plan_target_add", args=[application.pk]) in body

    body = owner_client.get(_edit_url(application, "review")).content.decode()
    assert "需评审判断" in body and "未达标" in body
    assert "缺少申报材料" in body  # a blocker
    assert "disabled" in body and "完成后才能提交" in body


def test_returned_application_shows_the_reason(owner_client, application):
    Application.objects.filter(pk=application.pk).update(
        return_reason="请补充2024年统计数据证明。", returned_at=timezone.now(), returned_from=S.COUNTY_REVIEW
    )
    body = owner_client.get(_edit_url(application, "basic")).content.decode()
    assert "退回修改" in body and "请补充2024年统计数据证明。" in body and "县级审核" in body


def test_autosave_returns_the_new_version(owner_client, application):
    version = application.edit_version
    response = owner_client.post(
        _edit_url(application, "basic"),
        {
            "version": version,
            "contact_name": "李四",
            "contact_phone": "025-12345678",
            "contact_email": "",
            "summary": "精密机械",
        },
        **XHR,
    )
    assert response.status_code == 200
    payload = response.json()
    assert payload["ok"] is True and payload["version"] == version + 1 and payload["saved_at"]
    application.refresh_from_db()
    assert application.contact_name == "李四" and application.edit_version == version + 1


def test_autosave_with_a_stale_version_is_refused_and_changes_nothing(owner_client, application):
    stale = application.edit_version
    owner_client.post(
        _edit_url(application, "basic"),
        {"version": stale, "contact_name": "第一个窗口", "contact_phone": "13800000001"},
        **XHR,
    )
    response = owner_client.post(
        _edit_url(application, "basic"),
        {"version": stale, "contact_name": "旧窗口", "contact_phone": "13800000002"},
        **XHR,
    )
    assert response.status_code == 409
    assert "刷新页面" in response.json()["message"]
    application.refresh_from_db()
    assert application.contact_name == "第一个窗口" and application.edit_version == stale + 1


def test_negative_output_is_refused_with_a_chinese_message(owner_client, application):
    version = application.edit_version
    response = owner_client.post(
        _edit_url(application, "data"), {"version": version, "y2023_total_output": "-5"}, **XHR
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["errors"]["y2023_total_output"] == ["不能为负数。"]
    assert YearData.objects.get(application=application, year=2023).total_output is None
    application.refresh_from_db()
    assert application.edit_version == version


def test_negative_output_without_javascript_shows_the_error_under_the_cell(owner_client, application):
    response = owner_client.post(
        _edit_url(application, "data"), {"version": application.edit_version, "y2023_total_output": "-5"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_y2023_total_output_error"' in body and "不能为负数。" in body


def test_year_table_saves(owner_client, application):
    data = {"version": application.edit_version}
    for i, year in enumerate(application.call.data_years):
        data.update(
            {
                f"y{year}_total_output": str(450000 + i * 50000),
                f"y{year}_sme_output": str(400000 + i * 40000),
                f"y{year}_lead_output": str(380000 + i * 50000),
                f"y{year}_employees": "52000",
            }
        )
    response = owner_client.post(_edit_url(application, "data"), data)
    assert response.status_code == 302 and response["Location"] == _edit_url(application, "data")
    rows = {y.year: y for y in YearData.objects.filter(application=application)}
    assert rows[2021].total_output == Decimal("450000") and rows[2024].lead_output == Decimal("530000")
    assert rows[2022].employees == 52000
    body = owner_client.get(reverse("clusters:application_detail", args=[application.pk])).content.decode()
    assert "600,000" in body and "60 亿元" in body


def test_section_form_saves_without_javascript(owner_client, application):
    response = owner_client.post(
        _edit_url(application, "digital"),
        {
            "version": application.edit_version,
            "cloud_share_pct": "35.5",
            "platform_penetration_pct": "120",
            "energy_above_benchmark": "true",
        },
    )
    assert response.status_code == 400
    assert "比例不能超过100%。" in response.content.decode()
    application.refresh_from_db()
    assert application.cloud_share_pct is None


def test_eligibility_panel(owner_client, application):
    url = reverse("clusters:eligibility_panel", args=[application.pk])
    compact = owner_client.get(url, {"compact": "1"})
    assert compact.status_code == 200
    body = compact.content.decode()
    assert "<html" not in body  # a fragment for htmx
    assert "未达标" in body and "集群总产值（近三年每年）" in body and "计算方法" not in body
    full = owner_client.get(url).content.decode()
    assert "计算方法" in full and "门槛" in full


def test_eligibility_panel_is_hidden_from_other_counties(client, application, county_other):
    client.force_login(county_other)
    assert client.get(reverse("clusters:eligibility_panel", args=[application.pk])).status_code == 404
