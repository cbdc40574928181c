import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "jiangsu-divisions.csv"


def load(apps, schema_editor):
    Division = apps.get_model("accounts", "Division")
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Parents precede children in level order: province, then cities, then counties.
    order = {"province": 0, "city": 1, "county": 2}
    for row in sorted(rows, key=lambda r: (order[r["level"]], r["code"])):
        Division.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "kind": row["kind"],
                "may_host_cluster": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
