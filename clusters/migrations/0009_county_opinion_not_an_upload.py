# Issue #11: the county's recommendation opinion (县级主管部门推荐意见) was a required applicant upload, due before
# the county had reviewed anything. The county's opinion is what the county review records in the portal (a frozen
# review opinion the city and the province see), so new calls no longer ask for it, and calls still open (their
# city deadline not passed: applications can still be submitted or resubmitted to them) no longer require it. A
# file already uploaded stays with its application. Calls whose deadline has passed keep their record unchanged.

from django.db import migrations
from django.utils import timezone

NAME = "县级主管部门推荐意见"


def forward(apps, schema_editor):
    AttachmentRequirement = apps.get_model("clusters", "AttachmentRequirement")
    AttachmentRequirement.objects.filter(name=NAME, required=True, call__city_deadline__gte=timezone.now()).update(
        required=False,
        description="可选：县级审核意见已在平台中由县级主管部门填写，无需另行上传。",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0008_official_industry_tags"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
