"""Uploading and removing a draft's files: checked by content, stored privately, never left behind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from clusters import selectors, services
from clusters.models import Attachment
from clusters.tests.factories import CallFactory, pdf_upload
from clusters.tests.helpers import stored_files
from core.exceptions import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db


def test_attachment_upload_stores_under_a_random_name(draft, owner, call):
    requirement = call.requirements.first()
    upload = pdf_upload("申报书.pdf")
    content = upload.read()
    upload.seek(0)

    attachment = services.attachment_upload(
        application=draft, actor=owner, uploaded_file=upload, requirement=requirement
    )

    assert attachment.original_name == "申报书.pdf"
    assert attachment.file_type == "pdf"
    assert attachment.size == len(content)
    name = attachment.file.name
    assert name.startswith("attachments/") and name.endswith(".pdf") and "申报书" not in name
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert stored_files() == [name.removeprefix("attachments/")]
    import hashlib

    assert attachment.sha256 == hashlib.sha256(content).hexdigest()


def test_attachment_upload_refuses_an_exe_renamed_pdf(draft, owner, call):
    exe = SimpleUploadedFile(
        "申报书.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )

    with pytest.raises(ServiceError, match="请勿仅修改扩展名"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=exe, requirement=call.requirements.first()
        )

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refuses_an_oversize_file(draft, owner, call, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), content_type="application/pdf")

    with pytest.raises(ServiceError, match="超过 1 MB 的上限"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=big, requirement=call.requirements.first()
        )

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refuses_a_requirement_of_another_call(draft, owner):
    other = CallFactory()
    with pytest.raises(ServiceError, match="不属于本申报批次"):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=pdf_upload(), requirement=other.requirements.first()
        )
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_refused_to_others_stores_nothing(draft, call):
    with pytest.raises(NotAllowed):
        services.attachment_upload(
            application=draft, actor=UserFactory(), uploaded_file=pdf_upload(), requirement=call.requirements.first()
        )
    assert stored_files() == []


def test_attachment_remove_hides_but_keeps_the_file(draft, owner, call):
    attachment = services.attachment_upload(
        application=draft, actor=owner, uploaded_file=pdf_upload(), requirement=call.requirements.first()
    )

    services.attachment_remove(application=draft, actor=owner, attachment_id=attachment.pk)

    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)
    assert list(selectors.active_attachments(draft)) == []
    with pytest.raises(ServiceError, match="已移除"):
        services.attachment_remove(application=draft, actor=owner, attachment_id=attachment.pk)


def test_attachment_upload_that_fails_after_storing_leaves_no_file(draft, owner, call, monkeypatch):
    def fail(locked):
        raise RuntimeError("database went away")

    monkeypatch.setattr("clusters.services.attachments.bump", fail)

    with pytest.raises(RuntimeError):
        services.attachment_upload(
            application=draft, actor=owner, uploaded_file=pdf_upload(), requirement=call.requirements.first()
        )

    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_attachment_upload_names_the_file_by_its_checked_type(draft, owner, call):
    # A PDF uploaded as "scan.PNG" is stored (and later served) as what its content is.
    upload = pdf_upload("扫描件.PNG")

    attachment = services.attachment_upload(
        application=draft, actor=owner, uploaded_file=upload, requirement=call.requirements.first()
    )

    assert attachment.file_type == "pdf"
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "扫描件.PNG"
