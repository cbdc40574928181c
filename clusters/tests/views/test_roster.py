"""The roster pages: adding and removing an enterprise, the Excel template and its import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import make_credit_code
from clusters.models import Enterprise
from clusters.roster_io import build_template
from clusters.tests.views.helpers import _edit_url

pytestmark = pytest.mark.django_db


def test_enterprise_add_shows_in_the_roster_and_can_be_removed(owner_client, application):
    code = make_credit_code(77)
    response = owner_client.post(
        reverse("clusters:enterprise_add", args=[application.pk]),
        {"name": "昆山精工机床有限公司", "credit_code": code, "in_lead_industry": "on", "giant_cert": "GJ-2023-001"},
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(application=application, credit_code=code)
    body = owner_client.get(_edit_url(application, "roster")).content.decode()
    assert "昆山精工机床有限公司" in body and "专精特新“小巨人”" in body
    remove_url = reverse("clusters:enterprise_remove", args=[application.pk, enterprise.pk])
    assert remove_url in body
    owner_client.post(remove_url)
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_roster_import_of_a_bad_file_lists_row_errors(owner_client, application):
    wb = load_workbook(io.BytesIO(build_template()))
    ws = wb.worksheets[0]
    ws.append(["甲公司", "913205830000000000", "是"])  # wrong check digit
    ws.append(["", make_credit_code(5), "也许"])  # no name, not 是/否
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("名册.xlsx", out.getvalue())
    response = owner_client.post(reverse("clusters:roster_import", args=[application.pk]), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "导入失败" in body and "第 2 行" in body and "第 3 行" in body and "统一社会信用代码" in body
    assert Enterprise.objects.filter(application=application).count() == 0


def test_roster_import_of_a_non_excel_file(owner_client, application):
    upload = SimpleUploadedFile("名册.xlsx", b"not a workbook")
    response = owner_client.post(reverse("clusters:roster_import", args=[application.pk]), {"file": upload})
    assert response.status_code == 400
    assert "整个文件" in response.content.decode()


def test_a_refused_enterprise_comes_back_filled_in_and_the_message_names_each_field_once(owner_client, application):
    url = reverse("clusters:enterprise_add", args=[application.pk])
    response = owner_client.post(
        url,
        {"name": "", "credit_code": "913205830000000000", "giant_cert": "GJ-2023-009", "employees": "120"},
        follow=True,
    )
    body = response.content.decode()
    assert not Enterprise.objects.filter(application=application).exists()
    # Typed values are back in the form, with the errors beside the fields.
    assert 'value="913205830000000000"' in body and 'value="GJ-2023-009"' in body and 'value="120"' in body
    assert "is-invalid" in body
    # The message names each field once: no "统一社会信用代码统一社会信用代码…", no "名称这个字段是必填项".
    assert "请填写企业名称" in body or "请填写名称" in body
    assert "统一社会信用代码统一社会信用代码" not in body and "这个字段是必填项" not in body
    # Shown once: the next visit has an empty form again.
    again = owner_client.get(_edit_url(application, "roster")).content.decode()
    assert 'value="GJ-2023-009"' not in again
