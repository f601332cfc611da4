"""周评 every Monday 08:00 (Asia/Shanghai) as a django-celery-beat row, editable by admins."""

from django.db import migrations

from incidents.reviews.schedule import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_rhythm_schedule")]

    operations = [schedule_operation([("周评（每周一 08:00）", "incidents.run_weekly_evaluation", "0", "8", "1", "*")])]
