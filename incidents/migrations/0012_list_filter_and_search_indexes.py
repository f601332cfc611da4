# The search box's substring matches (address, description: Django's icontains is
# UPPER(column) LIKE UPPER('%…%')) get trigram GIN indexes on PostgreSQL; SQLite has none.

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = {"case_address_trgm": "address", "case_description_trgm": "description"}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON incidents_case USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0008_view_key_persons"),
        ("incidents", "0011_urgent_response"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["urgency", "id"], name="case_urgency_id"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("is_postponed", True)), fields=["id"], name="case_postponed"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("self_resolved", True)), fields=["id"], name="case_self_resolved"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["reporter_name"], name="case_reporter_name"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["reporter_phone"], name="case_reporter_phone"),
        ),
        migrations.AddIndex(
            model_name="caseparty",
            index=models.Index(fields=["name"], name="caseparty_name"),
        ),
    ]
