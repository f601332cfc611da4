"""API tokens moved to django-rest-knox (hashed, expiring): drop DRF's authtoken table, which held
tokens in clear text. Nothing to restore on the way back (the tokens are gone either way)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_idempotent_requests")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop)]
