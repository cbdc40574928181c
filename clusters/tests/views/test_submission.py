"""Submitting through the review form, the submitted versions (PDF, diff) and withdrawing."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from clusters import selectors, services
from clusters.constants import ApplicationState
from clusters.models import ApplicationVersion
from clusters.tests.views.helpers import _edit_url, _submit, _upload
from core.storage import private_storage

pytestmark = pytest.mark.django_db
S = ApplicationState


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


def test_version_pdf_renders(owner_client, application, applicant, django_capture_on_commit_callbacks):
    submitted = _submit(application, applicant)
    url = reverse("clusters:version_pdf", args=[submitted.pk, 1])
    # Not rendered yet: the request queues the rendering (never renders inline) and says so.
    with django_capture_on_commit_callbacks(execute=True):
        pending = owner_client.get(url)
    assert pending.status_code == 202 and "正在生成" in pending.content.decode()
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    assert ApplicationVersion.objects.get(application=submitted, number=1).pdf
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    inline = owner_client.get(url, {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline;")


def test_version_pdf_whose_file_is_gone_is_rendered_again(
    owner_client, application, applicant, django_capture_on_commit_callbacks
):
    submitted = _submit(application, applicant)
    url = reverse("clusters:version_pdf", args=[submitted.pk, 1])
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.get(url)
    version = ApplicationVersion.objects.get(application=submitted, number=1)
    version.pdf.storage.delete(version.pdf.name)

    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.get(url).status_code == 202
    response = owner_client.get(url)

    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    version.refresh_from_db()
    assert version.pdf.storage.exists(version.pdf.name)


def test_a_pdf_stored_before_the_filefield_is_served_as_it_is(owner_client, application, applicant):
    """Migration 0005 turns pdf_name into the name "pdf/<pdf_name>": the file already there is served, not
    rendered again."""
    submitted = _submit(application, applicant)
    legacy = "pdf/0123456789abcdef0123456789abcdef.pdf"
    private_storage().save(legacy, ContentFile(b"%PDF-1.4 rendered before the migration"))
    ApplicationVersion.objects.filter(application=submitted, number=1).update(pdf=legacy)

    response = owner_client.get(reverse("clusters:version_pdf", args=[submitted.pk, 1]))

    assert b"".join(response.streaming_content) == b"%PDF-1.4 rendered before the migration"


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
