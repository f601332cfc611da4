"""The grid workers' monthly rating on the 1st of each month at 06:00 (Asia/Shanghai)."""

from django.db import migrations

from incidents.reviews.schedule import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_weekly_schedule")]

    operations = [
        schedule_operation([("网格员月度评定（每月 1 日 06:00）", "incidents.rate_grid_workers", "0", "6", "*", "1")])
    ]
