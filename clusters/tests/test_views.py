"""The cluster, call and application pages: who sees what, and what the forms store."""

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import JIANGYIN, KUNSHAN, UserFactory, division, make_credit_code
from clusters import eligibility, selectors, services
from clusters.constants import ApplicationState, CallStatus, ListKind
from clusters.models import Application, ApplicationVersion, Attachment, Call, Enterprise, YearData
from clusters.roster_io import build_template

pytestmark = pytest.mark.django_db

S = ApplicationState
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shanghai(dt):
    local = timezone.localtime(dt)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def province():
    return UserFactory(province=True)


def _make_call(province, year=2025, publish=True):
    now = timezone.now()
    call = services.call_create(
        actor=province,
        year=year,
        title=f"{year}年度江苏省中小企业特色产业集群申报",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        city_deadline=now + timedelta(days=45),
        notice_text="请各地认真组织申报。",
    )
    if publish:
        call = services.call_publish(call=call, actor=province)
    return call


@pytest.fixture
def call(province):
    return _make_call(province)


@pytest.fixture
def applicant():
    return UserFactory(full_name="张联络", phone="13912345678")


@pytest.fixture
def cluster(applicant):
    return services.cluster_register(
        actor=applicant,
        name="昆山精密机械产业集群",
        division=division(KUNSHAN),
        lead_industry="精密机械",
        segment="数控机床",
        area_km2=Decimal("45.5"),
        management_body="昆山高新区管委会",
    )


@pytest.fixture
def application(applicant, cluster, call):
    return services.application_create(actor=applicant, cluster=cluster, call=call)


@pytest.fixture
def owner_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def county_same():
    return UserFactory(county=True)  # the county authority's organisation sits in KUNSHAN


@pytest.fixture
def county_other():
    return UserFactory(county=True, organisation__division=division(JIANGYIN))


def _upload(name="材料.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _submit(application, applicant):
    """Everything a submission needs (contact, declarations, the required files), then submit."""
    full = selectors.application_with_sections(application.pk)
    decl = {
        f: True
        for f in ("decl_prohibited_industry", "decl_major_accident", "decl_cyber_incident", "decl_tax_dishonesty")
    }
    services.application_update(application=full, actor=applicant, version=full.edit_version, data=decl)
    for req in application.call.requirements.filter(required=True):
        services.attachment_upload(
            application=application, actor=applicant, uploaded_file=_upload(f"{req.name}.pdf"), requirement=req
        )
    full = selectors.application_with_sections(application.pk)
    failed = eligibility.failed_hard(selectors.evaluate_application(full))
    services.application_submit(
        application=full, actor=applicant, comment="首次提交", explanations={r.code: "数据正在核实中。" for r in failed}
    )
    return Application.objects.get(pk=application.pk)


def _edit_url(application, section):
    return reverse("clusters:application_edit", args=[application.pk, section])


def _form_data(form):
    """POST data reproducing an unbound form (or every form of a formset) as rendered."""
    data = {}
    forms = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
    for f in forms:
        for name in f.fields:
            value = f[name].value()
            key = f.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)
    return data


# ---------------------------------------------------------------- public pages


def test_public_call_list_and_detail_for_anonymous(client, call):
    response = client.get(reverse("clusters:public_call_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert call.title in body
    assert shanghai(call.opens_at) in body and shanghai(call.closes_at) in body
    assert "申报中" in body

    response = client.get(reverse("clusters:public_call_detail", args=[call.year]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "集群总产值下限（万元/年）" in body and "400,000" in body and "40 亿元" in body
    assert "县级主管部门推荐意见" in body and "必须提供" in body
    assert shanghai(call.city_deadline) in body
    assert "请各地认真组织申报。" in body


def test_public_pages_do_not_show_a_draft_call(client, province):
    draft = _make_call(province, year=2027, publish=False)
    assert client.get(reverse("clusters:public_call_detail", args=[draft.year])).status_code == 404
    assert draft.title not in client.get(reverse("clusters:public_call_list")).content.decode()


def test_public_call_list_is_not_shared_between_visitors(client, call, applicant):
    """A logged-in visitor's page (name, CSRF token) must never be served to the next visitor."""
    client.force_login(applicant)
    assert applicant.display_name in client.get(reverse("clusters:public_call_list")).content.decode()
    client.logout()
    assert applicant.display_name not in client.get(reverse("clusters:public_call_list")).content.decode()


# ---------------------------------------------------------------- province: calls


def test_call_pages_are_for_province_only(client, applicant, call):
    client.force_login(applicant)
    assert client.get(reverse("clusters:call_manage_list")).status_code == 404
    assert client.get(reverse("clusters:call_edit", args=[call.pk])).status_code == 404


def test_call_manage_list_and_create(client, province, call):
    client.force_login(province)
    response = client.get(reverse("clusters:call_manage_list"))
    assert response.status_code == 200
    assert call.title in response.content.decode()
    assert client.get(reverse("clusters:call_create")).status_code == 200

    response = client.post(
        reverse("clusters:call_create"),
        {
            "year": 2028,
            "title": "2028年度申报通知",
            "opens_at": "2028-03-01T09:00",
            "closes_at": "2028-04-30T17:30",
            "city_deadline": "2028-05-15T17:30",
            "experts_per_application": 7,
            "notice_text": "",
        },
    )
    created = Call.objects.get(year=2028)
    assert response.status_code == 302 and response["Location"] == reverse("clusters:call_edit", args=[created.pk])
    assert created.status == CallStatus.DRAFT
    assert created.experts_per_application == 7
    assert timezone.localtime(created.opens_at).strftime("%Y-%m-%d %H:%M") == "2028-03-01 09:00"
    assert created.rubric.count() == len(services.DEFAULT_RUBRIC)


def test_draft_call_edit_renders_formsets_and_publish_button(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    response = client.get(reverse("clusters:call_edit", args=[draft.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="rubric-TOTAL_FORMS"' in body and 'name="req-TOTAL_FORMS"' in body
    assert 'name="rubric-0-DELETE"' in body and 'name="req-0-DELETE"' in body
    assert 'name="t-min_total_output"' in body
    assert reverse("clusters:call_publish", args=[draft.pk]) in body


def test_draft_call_edit_saves_thresholds_and_checks_weights(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    ctx = client.get(reverse("clusters:call_edit", args=[draft.pk])).context
    data = {
        **_form_data(ctx["form"]),
        **_form_data(ctx["tform"]),
        **_form_data(ctx["rubric"]),
        **_form_data(ctx["reqs"]),
    }
    data["t-min_total_output"] = "500000"
    data["call-opens_at"] = timezone.localtime(draft.opens_at).strftime("%Y-%m-%dT%H:%M")
    data["call-closes_at"] = timezone.localtime(draft.closes_at).strftime("%Y-%m-%dT%H:%M")
    data["call-city_deadline"] = timezone.localtime(draft.city_deadline).strftime("%Y-%m-%dT%H:%M")

    response = client.post(reverse("clusters:call_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.get_thresholds().min_total_output == Decimal("500000")

    data["rubric-0-weight"] = "50"  # the total is no longer 100
    data["t-min_total_output"] = "600000"
    response = client.post(reverse("clusters:call_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "权重合计" in response.content.decode()
    draft.refresh_from_db()
    assert draft.get_thresholds().min_total_output == Decimal("500000")


def test_publish_then_read_only(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    response = client.post(reverse("clusters:call_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CallStatus.PUBLISHED
    body = client.get(reverse("clusters:call_edit", args=[draft.pk])).content.decode()
    assert "内容不能再修改" in body
    assert "rubric-TOTAL_FORMS" not in body
    assert reverse("clusters:call_publish", args=[draft.pk]) not in body


# ---------------------------------------------------------------- applicant: clusters


def test_cluster_list_offers_to_apply_once(owner_client, cluster, call):
    start_url = reverse("clusters:application_start", args=[cluster.pk])
    body = owner_client.get(reverse("clusters:cluster_list")).content.decode()
    assert cluster.name in body and start_url in body and f'value="{call.pk}"' in body
    assert reverse("clusters:cluster_create") in body

    response = owner_client.post(start_url, {"call": call.pk})
    application = Application.objects.get(cluster=cluster, call=call)
    assert response.status_code == 302 and response["Location"] == _edit_url(application, "basic")
    assert application.year_data.count() == 4

    body = owner_client.get(reverse("clusters:cluster_list")).content.decode()
    assert start_url not in body
    assert reverse("clusters:application_detail", args=[application.pk]) in body


def test_cluster_form_pages(owner_client, cluster):
    assert owner_client.get(reverse("clusters:cluster_create")).status_code == 200
    response = owner_client.get(reverse("clusters:cluster_edit", args=[cluster.pk]))
    assert response.status_code == 200
    assert cluster.name in response.content.decode()


def test_cluster_register_through_the_form(owner_client, applicant):
    response = owner_client.post(
        reverse("clusters:cluster_create"),
        {
            "name": "昆山新能源装备集群",
            "division": KUNSHAN,
            "lead_industry": "新能源装备",
            "segment": "光伏组件",
            "area_km2": "30",
            "management_body": "昆山开发区管委会",
        },
    )
    assert response.status_code == 302
    assert applicant.organisation.clusters.filter(name="昆山新能源装备集群").exists()


# ---------------------------------------------------------------- applications: list and edit sections


def test_application_list_with_state_filter(owner_client, application):
    response = owner_client.get(reverse("clusters:application_list"))
    assert response.status_code == 200
    assert application.cluster.name in response.content.decode()
    response = owner_client.get(reverse("clusters:application_list"), {"state": S.CERTIFIED})
    assert response.status_code == 200
    assert application.cluster.name not in response.content.decode()


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
    assert "县级主管部门推荐意见" in body and "20 MB" in body and "PDF、JPG、PNG、DOCX、XLSX" in body
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


# ---------------------------------------------------------------- autosave


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
        _edit_url(application, "basic"), {"version": stale, "contact_name": "第一个窗口", "contact_phone": "1"}, **XHR
    )
    response = owner_client.post(
        _edit_url(application, "basic"), {"version": stale, "contact_name": "旧窗口", "contact_phone": "2"}, **XHR
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


# ---------------------------------------------------------------- roster, lists, plan, attachments


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


def test_list_item_and_plan_target_add(owner_client, application):
    owner_client.post(
        reverse("clusters:list_item_add", args=[application.pk]),
        {"kind": ListKind.PLATFORM, "name": "江苏省精密机械工程技术研究中心", "level": "provincial", "year": "2022"},
    )
    body = owner_client.get(_edit_url(application, "lists")).content.decode()
    assert "江苏省精密机械工程技术研究中心" in body and "省级" in body
    owner_client.post(
        reverse("clusters:plan_target_add", args=[application.pk]),
        {
            "indicator": "集群总产值",
            "unit": "亿元",
            "baseline": "60",
            "target_1": "66",
            "target_2": "72",
            "target_3": "80",
        },
    )
    body = owner_client.get(_edit_url(application, "management")).content.decode()
    assert "集群总产值" in body and "2026年" in body


def test_plan_document_upload_and_remove(owner_client, application):
    response = owner_client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {"purpose": "plan", "section": "management", "file": _upload("三年发展规划.pdf")},
    )
    assert response.status_code == 302 and response["Location"] == _edit_url(application, "management")
    att = Attachment.objects.get(application=application, purpose="plan")
    body = owner_client.get(_edit_url(application, "management")).content.decode()
    assert "三年发展规划.pdf" in body and reverse("clusters:attachment_download", args=[application.pk, att.pk]) in body
    owner_client.post(reverse("clusters:attachment_remove", args=[application.pk, att.pk]), {"section": "management"})
    att.refresh_from_db()
    assert att.removed_at is not None


def test_attachment_upload_and_download(owner_client, application):
    req = application.call.requirements.get(name="县级主管部门推荐意见")
    response = owner_client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {"purpose": "requirement", "requirement": req.pk, "section": "attachments", "file": _upload("推荐意见.pdf")},
        follow=True,
    )
    assert "已上传“推荐意见.pdf”" in response.content.decode()
    att = Attachment.objects.get(application=application, requirement=req)
    download = owner_client.get(reverse("clusters:attachment_download", args=[application.pk, att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


def test_renamed_exe_is_refused_and_nothing_is_stored(owner_client, application):
    req = application.call.requirements.first()
    exe = SimpleUploadedFile(
        "申报书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    response = owner_client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {"purpose": "requirement", "requirement": req.pk, "section": "attachments", "file": exe},
        follow=True,
    )
    assert response.status_code == 200
    assert "文件内容不是允许的类型（PDF、JPG、PNG、DOCX、XLSX），请勿仅修改扩展名。" in response.content.decode()
    assert not Attachment.objects.filter(application=application).exists()
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "attachments"
    assert not folder.exists() or not any(folder.iterdir())


# ---------------------------------------------------------------- eligibility panel


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


# ---------------------------------------------------------------- submit, detail, versions


def test_submit_through_the_review_form(owner_client, application, applicant):
    full = selectors.application_with_sections(application.pk)
    services.application_update(
        application=full,
        actor=applicant,
        version=full.edit_version,
        data={
            f: True
            for f in ("decl_prohibited_industry", "decl_major_accident", "decl_cyber_incident", "decl_tax_dishonesty")
        },
    )
    for req in application.call.requirements.filter(required=True):
        services.attachment_upload(application=application, actor=applicant, uploaded_file=_upload(), requirement=req)
    form = owner_client.get(_edit_url(application, "review")).context["submit_form"]
    assert form.failed_rules  # the empty draft fails most hard rules

    response = owner_client.post(reverse("clusters:application_submit", args=[application.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "该项未达标，请说明原因。" in response.content.decode()

    data = {"confirm": "on", "comment": "请审核"}
    data.update({f"explain_{r.code}": "正在补充材料。" for r in form.failed_rules})
    response = owner_client.post(reverse("clusters:application_submit", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.COUNTY_REVIEW
    assert application.versions.count() == 1


def test_detail_for_applicant_and_same_county(client, application, applicant, county_same):
    submitted = _submit(application, applicant)
    client.force_login(applicant)
    response = client.get(reverse("clusters:application_detail", args=[submitted.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "办件进度" in body and "正在由昆山市中小企业主管部门审核" in body
    assert "县级审核" in body and "草稿" in body  # timeline with Chinese state labels
    assert "提交申报" in body and "首次提交" in body
    assert reverse("clusters:version_pdf", args=[submitted.pk, 1]) in body
    assert "生成中，可点击下载即时生成" in body  # the PDF task runs after commit
    assert reverse("clusters:application_withdraw", args=[submitted.pk]) in body
    assert "13912345678" in body

    client.force_login(county_same)
    response = client.get(reverse("clusters:application_detail", args=[submitted.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "办件进度" not in body and reverse("clusters:application_withdraw", args=[submitted.pk]) not in body
    assert application.cluster.name in body


def test_other_county_gets_404_everywhere(client, application, applicant, county_other):
    submitted = _submit(application, applicant)
    att = submitted.attachments.first()
    client.force_login(county_other)
    for url in (
        reverse("clusters:application_detail", args=[submitted.pk]),
        _edit_url(submitted, "basic"),
        reverse("clusters:attachment_download", args=[submitted.pk, att.pk]),
        reverse("clusters:version_pdf", args=[submitted.pk, 1]),
        reverse("clusters:version_diff", args=[submitted.pk, 1]),
    ):
        assert client.get(url).status_code == 404, url


def test_authorities_never_see_an_unsubmitted_draft(client, application, county_same):
    client.force_login(county_same)
    assert client.get(reverse("clusters:application_detail", args=[application.pk])).status_code == 404
    assert client.get(_edit_url(application, "basic")).status_code == 404


def test_submitted_application_is_read_only(owner_client, application, applicant):
    submitted = _submit(application, applicant)
    response = owner_client.get(_edit_url(submitted, "basic"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "clusters:application_detail", args=[submitted.pk]
    )


def test_version_pdf_renders(owner_client, application, applicant):
    submitted = _submit(application, applicant)
    response = owner_client.get(reverse("clusters:version_pdf", args=[submitted.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    assert ApplicationVersion.objects.get(application=submitted, number=1).pdf_name


def test_pdf_template_content(application, applicant):
    from django.template.loader import render_to_string

    from core.pdf import CJK_FONT_FAMILY

    submitted = _submit(application, applicant)
    version = submitted.versions.get(number=1)
    html = render_to_string(
        "clusters/pdf/application.html",
        {
            "version": version,
            "application": submitted,
            "snap": version.snapshot,
            "rules": version.eligibility,
            "CJK_FONT_FAMILY": CJK_FONT_FAMILY,
        },
    )
    assert "江苏省中小企业特色产业集群申报书" in html.replace("<br>", "")
    assert "Noto Sans CJK SC" in html and "counter(page)" in html
    assert "昆山精密机械产业集群" in html and "数据正在核实中。" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html


def test_version_diff(owner_client, application, applicant):
    submitted = _submit(application, applicant)
    first = submitted.versions.get(number=1)
    body = owner_client.get(reverse("clusters:version_diff", args=[submitted.pk, 1])).content.decode()
    assert "没有可对比的上一版本" in body

    same = ApplicationVersion.objects.create(
        application=submitted, number=2, created_by=applicant, snapshot=first.snapshot, eligibility=first.eligibility
    )
    body = owner_client.get(reverse("clusters:version_diff", args=[submitted.pk, same.number])).content.decode()
    assert "与上一版本相比无变化" in body

    snap = json.loads(json.dumps(first.snapshot))
    snap["application"]["contact_name"] = "王五"
    ApplicationVersion.objects.create(
        application=submitted, number=3, created_by=applicant, snapshot=snap, eligibility=first.eligibility
    )
    body = owner_client.get(reverse("clusters:version_diff", args=[submitted.pk, 3])).content.decode()
    assert "联系人" in body and "<ins>王五</ins>" in body and "<del>张联络</del>" in body


def test_withdraw_from_the_detail_page(owner_client, application):
    response = owner_client.post(
        reverse("clusters:application_withdraw", args=[application.pk]), {"comment": "本年度暂不申报"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.WITHDRAWN
    body = owner_client.get(reverse("clusters:application_detail", args=[application.pk])).content.decode()
    assert "您已撤回本次申报" in body and "本年度暂不申报" in body and "撤回申报" in body


def test_invalid_list_item_names_the_field_and_stores_nothing(owner_client, application):
    response = owner_client.post(
        reverse("clusters:list_item_add", args=[application.pk]),
        {"kind": "platform", "name": "", "level": "provincial", "year": "1900"},
        follow=True,
    )
    body = response.content.decode()
    assert "条目信息有误：" in body and "名称" in body and "年份" in body
    assert not application.list_items.exists()
