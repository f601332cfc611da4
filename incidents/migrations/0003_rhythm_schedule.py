"""日清 every day at 17:30 (Asia/Shanghai) as a django-celery-beat row (admins edit it under 周期性任务)."""

from django.db import migrations

from incidents.reviews.schedule import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [schedule_operation([("日清（每日 17:30）", "incidents.run_daily_review", "30", "17", "*", "*")])]
