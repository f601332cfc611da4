"""Celery entry points of the disputes app (thin calls into the services, safe to run twice).
Schedules: settings.PERIODIC_TASKS."""

import datetime as dt

from django.utils import timezone

from governance.celery import robust_task

from . import petitions, subsidies


@robust_task(name="disputes.mark_backlog", soft_time_limit=10 * 60)
def mark_backlog() -> int:
    """Daily: long-unsolved petitions enter the backlog (积案). Idempotent."""
    return petitions.mark_backlog()


@robust_task(name="disputes.build_statements", soft_time_limit=20 * 60)
def build_statements(month: str | None = None) -> int:
    """Monthly: the subsidy statements of `month` (YYYY-MM-01), by default the month before.
    Approved statements are never touched, so a second run changes nothing."""
    day = dt.date.fromisoformat(month) if month else timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return subsidies.build_statements(month=day.replace(day=1))
