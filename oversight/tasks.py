"""Celery entry points of oversight: thin and idempotent (a rerun upserts the same rows).
Schedule: a django-celery-beat row created by migration oversight/0004 (admin → 周期性任务)."""

import datetime as dt

from governance.celery import robust_task
from governance.period_runs import once_per_period
from grids.levels import AreaLevel
from grids.models import Area

from .stability import compute_week, last_complete_week


@robust_task(name="oversight.compute_stability_index", soft_time_limit=10 * 60)
@once_per_period(lambda week_start=None: None if week_start else str(last_complete_week()))
def compute_stability_index(week_start: str | None = None) -> int:
    """The weekly 社会稳定指数 of every county's townships, for the week starting `week_start`
    (ISO date) or, by default, the last complete week. Scheduled every Monday at 01:30."""
    week = dt.date.fromisoformat(week_start) if week_start else last_complete_week()
    return sum(compute_week(county=county, week_start=week) for county in Area.objects.filter(level=AreaLevel.COUNTY))
