"""A file whose name is longer than any column is stored under its random name and shown shortened: no 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Attachment
from clusters.tests.factories import tiny_pdf

pytestmark = pytest.mark.django_db


def test_an_upload_with_a_300_character_name_is_kept_with_its_name_shortened(owner_client, application):
    req = application.call.requirements.get(name="企业资质证明")
    name = "资" * 300 + ".pdf"
    response = owner_client.post(
        reverse("clusters:attachment_upload", args=[application.pk]),
        {
            "purpose": "requirement",
            "requirement": req.pk,
            "section": "attachments",
            "file": SimpleUploadedFile(name, tiny_pdf("长文件名"), content_type="application/pdf"),
        },
    )
    assert response.status_code in (200, 302, 400)
    attachment = Attachment.objects.filter(application=application, requirement=req).first()
    if response.status_code == 400:
        assert attachment is None
    else:
        assert attachment is not None and len(attachment.original_name) <= 255
