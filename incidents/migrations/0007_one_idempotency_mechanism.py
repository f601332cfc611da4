"""Case intake's Idempotency-Key rows move into the kernel's one table (governance.IdempotentRequest,
scope "incidents.case", the case's id as object_id); then incidents' own table goes."""

from django.db import migrations

SCOPE = "incidents.case"  # incidents.intake.INTAKE_SCOPE


def forwards(apps, schema_editor):
    IdempotencyKey = apps.get_model("incidents", "IdempotencyKey")
    IdempotentRequest = apps.get_model("governance", "IdempotentRequest")
    IdempotentRequest._meta.get_field("created_at").auto_now_add = False  # keep each key's own time
    rows = IdempotencyKey.objects.values_list("user_id", "key", "request_hash", "case_id", "created_at")
    moved = [
        IdempotentRequest(user_id=user_id, scope=SCOPE, key=key, request_hash=digest, object_id=case_id,
                          created_at=created_at)
        for user_id, key, digest, case_id, created_at in rows.iterator(chunk_size=2000)
    ]
    IdempotentRequest.objects.bulk_create(moved, batch_size=2000, ignore_conflicts=True)


def backwards(apps, schema_editor):
    IdempotencyKey = apps.get_model("incidents", "IdempotencyKey")
    IdempotencyKey._meta.get_field("created_at").auto_now_add = False
    IdempotentRequest = apps.get_model("governance", "IdempotentRequest")
    rows = IdempotentRequest.objects.filter(scope=SCOPE).values_list(
        "user_id", "key", "request_hash", "object_id", "created_at"
    )
    IdempotencyKey.objects.bulk_create(
        [IdempotencyKey(user_id=u, key=k, request_hash=h, case_id=c, created_at=t) for u, k, h, c, t in rows],
        batch_size=2000,
        ignore_conflicts=True,
    )
    IdempotentRequest.objects.filter(scope=SCOPE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0004_idempotent_requests"),
        ("incidents", "0006_daily_centre_limit"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name="IdempotencyKey",
        ),
    ]
