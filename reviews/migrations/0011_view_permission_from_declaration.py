# Issue #11: an expert's object permission on an application is granted when the expert declares no conflict of
# interest, no longer when the province assigns them. Permissions granted at assignment to experts who have not
# declared (or whose assignment has ended) are removed; every declared, active assignment keeps (or gets) it.

from django.db import migrations


def forward(apps, schema_editor):
    Assignment = apps.get_model("reviews", "Assignment")
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    try:
        ct = ContentType.objects.get(app_label="clusters", model="application")
        perm = Permission.objects.get(content_type=ct, codename="view_application")
    except (ContentType.DoesNotExist, Permission.DoesNotExist):
        return  # a fresh database: nothing was ever granted
    declared = set(
        Assignment.objects.filter(status="active", no_conflict_declared_at__isnull=False).values_list(
            "expert__user_id", "application_id"
        )
    )
    for row in UserObjectPermission.objects.filter(content_type=ct, permission=perm):
        if (row.user_id, int(row.object_pk)) not in declared:
            row.delete()
    have = set(
        UserObjectPermission.objects.filter(content_type=ct, permission=perm).values_list("user_id", "object_pk")
    )
    for user_id, application_id in declared:
        if (user_id, str(application_id)) not in have:
            UserObjectPermission.objects.create(
                user_id=user_id, content_type=ct, object_pk=str(application_id), permission=perm
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_private_files_finish"),
        ("guardian", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
