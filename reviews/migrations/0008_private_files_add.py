# Private files through Django storage (issue #10), step 1 of 3: the FileFields next to the old name columns.
# The old columns lose their uniqueness here, so that migrating back can re-add them empty and refill them
# (0009's reverse) before 0008's reverse makes them unique again.

import core.storage
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_scoresheet_blank_json"),
    ]

    operations = [
        migrations.AddField(
            model_name="storedfile",
            name="file",
            field=models.FileField(
                blank=True,
                default="",
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("reviews"),
                verbose_name="文件",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="objectionfile",
            name="file",
            field=models.FileField(
                blank=True,
                default="",
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("objections"),
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recommendation",
            name="pdf",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=core.storage.private_storage,
                upload_to=core.storage.AreaUploadTo("recommendations"),
                verbose_name="推荐文件 PDF",
            ),
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="stored_name",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="objectionfile",
            name="stored_name",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
