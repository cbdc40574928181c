# Private files through Django storage (issue #10), step 2 of 3: every existing file stays where it is. Files
# were written by hand to <PRIVATE_STORAGE_ROOT>/<area>/<stored name>; the private storage's root is the same
# folder, so the FileField's name is "<area>/<stored name>".

from pathlib import PurePosixPath

from django.db import migrations

# (model, old column, new column, area folder)
MOVES = [
    ("StoredFile", "stored_name", "file", "reviews"),
    ("ObjectionFile", "stored_name", "file", "objections"),
    ("Recommendation", "pdf_name", "pdf", "recommendations"),
]


def fill_file_fields(apps, schema_editor):
    for model_name, old, new, area in MOVES:
        model = apps.get_model("reviews", model_name)
        rows = model._base_manager.exclude(**{old: ""}).filter(**{new: ""}).values_list("pk", old)
        for pk, name in rows.iterator():
            model._base_manager.filter(pk=pk).update(**{new: f"{area}/{name}"})


def fill_old_names(apps, schema_editor):
    for model_name, old, new, _area in MOVES:
        model = apps.get_model("reviews", model_name)
        rows = model._base_manager.exclude(**{new: ""}).values_list("pk", new)
        for pk, name in rows.iterator():
            model._base_manager.filter(pk=pk).update(**{old: PurePosixPath(name).name})


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_private_files_add"),
    ]

    operations = [
        migrations.RunPython(fill_file_fields, fill_old_names),
    ]
