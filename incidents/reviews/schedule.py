"""Helpers for the data migrations that add the rhythm's django-celery-beat rows.

Each row is (name, task, minute, hour, day_of_week, day_of_month), in Asia/Shanghai time; the
rows are created only when missing, so an admin's later change to a time survives re-running.
"""

from django.db import migrations

TZ = "Asia/Shanghai"


def schedule_operation(rows) -> migrations.RunPython:
    def create(apps, schema_editor):
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for name, task, minute, hour, dow, dom in rows:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week=dow, day_of_month=dom, month_of_year="*", timezone=TZ
            )
            PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[r[0] for r in rows]).delete()

    return migrations.RunPython(create, remove)
