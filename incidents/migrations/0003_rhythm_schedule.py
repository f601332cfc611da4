"""Kept for history: the default schedule rows are now ensured after every migrate from
settings.PERIODIC_TASKS (governance/schedules.py), which also survives test flushes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
