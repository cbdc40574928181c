"""Indexes for the review queues (issue #17): a state's applications by time waited, and all states by time
waited, so that a page reads 25 rows in index order instead of sorting every application."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0009_county_opinion_not_an_upload"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["state", "state_changed_at", "id"], name="application_queue_state_idx"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["state_changed_at", "id"], name="application_queue_waited_idx"),
        ),
    ]
