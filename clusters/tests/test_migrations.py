"""Migration 0005 (attachments and version PDFs become FileFields): every file stays where it is and reachable."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from clusters.constants import ApplicationState
from clusters.models import ApplicationVersion, Attachment
from clusters.tests.factories import applicant_user, application_in_state
from core.storage import private_storage

BEFORE = [("clusters", "0004_certification_lifecycle")]
AFTER = [("clusters", "0005_private_files_as_filefields")]
OLD_ATTACHMENT = "0123456789abcdef0123456789abcdef.pdf"
OLD_PDF = "fedcba9876543210fedcba9876543210.pdf"


def _migrate(targets):
    """Migrate to `targets`; the project state there (its `apps` are the historical models)."""
    return MigrationExecutor(connection).migrate(targets)


def _latest():
    """Every app's newest migration: going back to BEFORE unapplied the migrations after the one under test too."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


# serialized_rollback: the divisions seeded by migrations are back even after another transactional test flushed them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stored_names_become_file_names_in_the_same_place_and_are_served(client):
    application = application_in_state(ApplicationState.DRAFT)  # filled in, with its attachments
    attachment = application.attachments.first()
    version = ApplicationVersion.objects.create(
        application=application, number=1, created_by=application.created_by, snapshot={}, eligibility=[]
    )
    try:
        old_apps = _migrate(BEFORE).apps
        OldAttachment = old_apps.get_model("clusters", "Attachment")
        OldVersion = old_apps.get_model("clusters", "ApplicationVersion")
        # Going back keeps each file's name (without its area folder) in the old columns.
        assert OldAttachment.objects.get(pk=attachment.pk).stored_name == attachment.file.name.split("/", 1)[1]

        # Files as the old code stored them: <private root>/attachments/<stored_name>, <private root>/pdf/<pdf_name>.
        private_storage().save(f"attachments/{OLD_ATTACHMENT}", ContentFile(b"%PDF-1.4 old attachment"))
        private_storage().save(f"pdf/{OLD_PDF}", ContentFile(b"%PDF-1.4 old version"))
        OldAttachment.objects.filter(pk=attachment.pk).update(stored_name=OLD_ATTACHMENT)
        OldVersion.objects.filter(pk=version.pk).update(pdf_name=OLD_PDF)
        OldVersion.objects.create(
            application_id=application.pk,
            number=2,
            created_by_id=version.created_by_id,
            snapshot={},
            eligibility=[],
            pdf_name="",
        )
    finally:
        # Forward again: the migration under test, then every later one (the models below are today's).
        _migrate(AFTER)
        _migrate(_latest())

    migrated = Attachment.objects.get(pk=attachment.pk)
    assert migrated.file.name == f"attachments/{OLD_ATTACHMENT}"
    assert ApplicationVersion.objects.get(pk=version.pk).pdf.name == f"pdf/{OLD_PDF}"
    assert not ApplicationVersion.objects.get(application=application, number=2).pdf

    client.force_login(applicant_user(application.applicant))
    download = client.get(reverse("clusters:attachment_download", args=[application.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 old attachment"
    pdf = client.get(reverse("clusters:version_pdf", args=[application.pk, 1]))
    assert b"".join(pdf.streaming_content) == b"%PDF-1.4 old version"
