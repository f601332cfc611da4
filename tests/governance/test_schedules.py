"""Default periodic tasks are django-celery-beat rows: created after migrate (and after a test
flush), never overwritten once an admin has edited them, and every one names a real task."""

from django_celery_beat.models import PeriodicTask

from governance.celery import app
from governance.schedules import ensure_periodic_tasks


def test_every_default_schedule_is_a_row_for_a_registered_robust_task(db, settings):
    app.loader.import_default_modules()  # what a worker does at start: import every app's tasks
    rows = {row.name: row for row in PeriodicTask.objects.select_related("crontab", "interval")}
    for entry in settings.PERIODIC_TASKS:
        row = rows[entry.name]
        assert row.task == entry.task and row.enabled
        if entry.every_seconds:  # shorter than cron's minute: an interval (the 115 timers)
            assert (row.interval.every, row.interval.period, row.crontab) == (entry.every_seconds, "seconds", None)
        else:
            assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_week) == (
                entry.minute,
                entry.hour,
                entry.day_of_week,
            )
            assert str(row.crontab.timezone) == "Asia/Shanghai"
        task = app.tasks[entry.task]
        assert task.max_retries == 5 and task.soft_time_limit < task.time_limit


def test_an_admins_change_survives_the_next_migrate(db, settings):
    daily = PeriodicTask.objects.get(task="incidents.run_daily_review")
    daily.crontab.hour = "18"
    daily.crontab.save()
    PeriodicTask.objects.filter(task="credit.propose_from_closed_cases").delete()
    assert ensure_periodic_tasks() == 1  # the missing row comes back …
    daily.refresh_from_db()
    assert daily.crontab.hour == "18"  # … the edited one stays as the admin left it
