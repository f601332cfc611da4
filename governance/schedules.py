"""The platform's periodic tasks as django-celery-beat rows (admins edit them under 周期性任务).

The defaults are listed in settings.PERIODIC_TASKS and ensured after every migrate (and every
test flush): a missing row is created, an existing one — possibly edited by an admin, e.g. the
daily review moved to 18:00 — is left as it is.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    every_seconds: int | None = None  # an interval shorter than cron's minute (115 timers)


def ensure_periodic_tasks(sender=None, using="default", **kwargs) -> int:
    """Create the rows of settings.PERIODIC_TASKS that are missing; returns how many were made."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    existing = set(PeriodicTask.objects.using(using).values_list("name", flat=True))
    made = 0
    for entry in settings.PERIODIC_TASKS:
        if entry.name in existing:
            continue
        if entry.every_seconds:
            interval, _ = IntervalSchedule.objects.using(using).get_or_create(
                every=entry.every_seconds, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.using(using).create(name=entry.name, task=entry.task, interval=interval)
            made += 1
            continue
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_week=entry.day_of_week,
            day_of_month=entry.day_of_month,
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.using(using).create(name=entry.name, task=entry.task, crontab=crontab)
        made += 1
    return made
