"""The log of who opened a key person's record moves into the platform's one access log
(governance.AccessRecord): every row is copied with its time, then the care table goes."""

import pgtrigger.migrations
from django.db import migrations


def copy_views(apps, schema_editor):
    RecordView = apps.get_model("care", "RecordView")
    AccessRecord = apps.get_model("governance", "AccessRecord")
    CarePlan = apps.get_model("care", "CarePlan")
    labels = dict(CarePlan._meta.get_field("category").flatchoices)
    rows = RecordView.objects.select_related("plan").order_by("id")
    batch = []
    for view in rows.iterator(chunk_size=2000):
        batch.append(
            AccessRecord(
                user_id=view.viewer_id,
                at=view.at,
                kind="key_person",
                via=view.via,
                subject="care.careplan",
                object_id=str(view.plan_id),
                what=f"{labels.get(view.plan.category, view.plan.category)} #{view.plan_id}",
                rows=1,
            )
        )
        if len(batch) >= 2000:
            AccessRecord.objects.bulk_create(batch)
            batch = []
    AccessRecord.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0006_append_only_no_truncate"),
        ("governance", "0009_access_records_config_changes"),
    ]

    operations = [
        migrations.RunPython(copy_views, migrations.RunPython.noop, elidable=False),
        pgtrigger.migrations.RemoveTrigger(model_name="recordview", name="append_only"),
        migrations.DeleteModel(name="RecordView"),
    ]
