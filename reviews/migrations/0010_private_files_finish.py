# Private files through Django storage (issue #10), step 3 of 3: the old name columns go; a stored or evidence
# file always has its file.

import core.storage
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_private_files_fill"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="storedfile",
            name="stored_name",
        ),
        migrations.RemoveField(
            model_name="objectionfile",
            name="stored_name",
        ),
        migrations.RemoveField(
            model_name="recommendation",
            name="pdf_name",
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("reviews"),
                verbose_name="文件",
            ),
        ),
        migrations.AlterField(
            model_name="objectionfile",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("objections"),
            ),
        ),
    ]
