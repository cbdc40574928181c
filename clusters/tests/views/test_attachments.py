"""Uploading, removing and downloading a draft's files through the pages."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Attachment
from clusters.tests.helpers import stored_files
from clusters.tests.views.helpers import PDF_BYTES, _edit_url, _upload
from core.storage import private_storage

pytestmark = pytest.mark.django_db


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
    req = application.call.requirements.get(name="企业资质证明")
    response = owner_client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {"purpose": "requirement", "requirement": req.pk, "section": "attachments", "file": _upload("资质证明.pdf")},
        follow=True,
    )
    assert "已上传“资质证明.pdf”" in response.content.decode()
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
    assert stored_files() == []


def test_download_is_an_attachment_unless_inline_and_never_cached(owner_client, application):
    att = _upload_required(owner_client, application)
    url = reverse("clusters:attachment_download", args=[application.pk, att.pk])

    download = owner_client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"].startswith("attachment;")
        and "filename*=utf-8''" in download["Content-Disposition"]
    )
    assert download["Cache-Control"] == "private, no-store"
    inline = owner_client.get(url, {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline;")


def test_download_of_a_file_missing_from_storage_is_404(owner_client, application):
    att = _upload_required(owner_client, application)
    att.file.storage.delete(att.file.name)

    assert owner_client.get(reverse("clusters:attachment_download", args=[application.pk, att.pk])).status_code == 404


def test_a_file_stored_before_the_filefield_is_served(owner_client, application):
    """Migration 0005 keeps old files where they are: <private root>/attachments/<stored_name> becomes the name
    "attachments/<stored_name>" (a 32-hex name, as the portal chose before)."""
    att = _upload_required(owner_client, application)
    legacy = "attachments/0123456789abcdef0123456789abcdef.pdf"
    private_storage().save(legacy, ContentFile(b"%PDF-1.4 legacy"))
    Attachment.objects.filter(pk=att.pk).update(file=legacy)

    download = owner_client.get(reverse("clusters:attachment_download", args=[application.pk, att.pk]))

    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 legacy"


def _upload_required(client, application) -> Attachment:
    req = application.call.requirements.get(name="企业资质证明")
    client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {"purpose": "requirement", "requirement": req.pk, "section": "attachments", "file": _upload("资质证明.pdf")},
    )
    return Attachment.objects.get(application=application, requirement=req)
