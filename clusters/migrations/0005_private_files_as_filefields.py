# Attachments and version PDFs become FileFields on STORAGES["private"]. The files do not move: they already live at
# <PRIVATE_STORAGE_ROOT>/attachments/<stored_name> and <PRIVATE_STORAGE_ROOT>/pdf/<pdf_name>, which is where the
# storage finds "attachments/<stored_name>" and "pdf/<pdf_name>".

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat

import core.storage

ATTACHMENTS = "attachments/"
PDF = "pdf/"


def names_to_files(apps, schema_editor):
    Attachment = apps.get_model("clusters", "Attachment")
    ApplicationVersion = apps.get_model("clusters", "ApplicationVersion")
    Attachment.objects.update(file=Concat(Value(ATTACHMENTS), F("stored_name"), output_field=models.CharField()))
    ApplicationVersion.objects.exclude(pdf_name="").update(
        pdf=Concat(Value(PDF), F("pdf_name"), output_field=models.CharField())
    )


def _basename(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name.rsplit("/", 1)[-1]


def files_to_names(apps, schema_editor):
    Attachment = apps.get_model("clusters", "Attachment")
    ApplicationVersion = apps.get_model("clusters", "ApplicationVersion")
    for attachment in Attachment.objects.only("pk", "file").iterator(chunk_size=2000):
        Attachment.objects.filter(pk=attachment.pk).update(stored_name=_basename(attachment.file.name, ATTACHMENTS))
    for version in ApplicationVersion.objects.exclude(pdf="").only("pk", "pdf").iterator(chunk_size=2000):
        ApplicationVersion.objects.filter(pk=version.pk).update(pdf_name=_basename(version.pdf.name, PDF))


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0004_certification_lifecycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                blank=True,
                default="",
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("attachments"),
            ),
        ),
        migrations.AddField(
            model_name="applicationversion",
            name="pdf",
            field=models.FileField(
                blank=True,
                default="",
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("pdf"),
            ),
        ),
        # Without the unique constraint first, so that going back can re-add the column to rows that already exist
        # (filled by files_to_names) and only then make it unique again.
        migrations.AlterField(
            model_name="attachment",
            name="stored_name",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(names_to_files, files_to_names),
        migrations.RemoveField(model_name="attachment", name="stored_name"),
        migrations.RemoveField(model_name="applicationversion", name="pdf_name"),
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("attachments"),
            ),
        ),
        migrations.AlterField(
            model_name="applicationversion",
            name="pdf",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("pdf"),
            ),
        ),
    ]
