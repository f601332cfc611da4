"""Celery entry points of the incidents app: each takes ids, calls one service, and is safe to
run twice (acks_late delivers at least once). Schedules: settings.PERIODIC_TASKS, kept as
django-celery-beat rows (admin → 周期性任务), see docs/rhythm.md."""

import datetime as dt

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import jobs
from governance.celery import robust_task
from governance.models import User
from governance.period_runs import once_per_period

from . import case_lists, exports, rapid, response
from .reviews import daily, points, weekly


@robust_task(name="incidents.handle_urgent", soft_time_limit=60)
def handle_urgent(case_id: int) -> None:
    rapid.handle_urgent(case_id=case_id)


@robust_task(name="incidents.watch_urgent_timers", soft_time_limit=30)
def watch_urgent_timers() -> tuple[int, int]:
    """115: alert before a timer lapses, mark the lapsed (every few seconds, settings.PERIODIC_TASKS)."""
    return response.watch()


def _last_month() -> dt.date:
    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


@robust_task(name="incidents.run_daily_review", soft_time_limit=20 * 60)
@once_per_period(lambda job_id=None: None if job_id else str(timezone.localdate()))
def run_daily_review(job_id: int | None = None) -> int:
    with jobs.running(job_id):
        return daily.run_daily_review(job_id=job_id)


@robust_task(name="incidents.export_cases", soft_time_limit=30 * 60)
def export_cases(job_id: int, user_id: int, name: str, query: str) -> None:
    """Write a case list (as `user_id` sees it with `query`'s filters) to XLSX on the job."""
    user = User.objects.get(pk=user_id)
    with jobs.running(job_id):
        qs = case_lists.case_list(user, name, QueryDict(query))
        total = qs.count()
        jobs.set_total(job_id, total, message=_("正在导出……"))
        jobs.attach_result(job_id, exports.filename(name), exports.to_xlsx(qs, job_id))
        jobs.finish(job_id, _("导出完成，共 %(n)s 件。") % {"n": f"{total:,}"})


@robust_task(name="incidents.run_weekly_evaluation", soft_time_limit=30 * 60)
@once_per_period(lambda job_id=None: None if job_id else str(weekly.last_week(timezone.now())))
def run_weekly_evaluation(job_id: int | None = None) -> int:
    with jobs.running(job_id):
        return weekly.run_weekly_evaluation(job_id=job_id).pk


@robust_task(name="incidents.rate_grid_workers", soft_time_limit=20 * 60)
@once_per_period(lambda month=None, job_id=None: None if month or job_id else _last_month().strftime("%Y-%m"))
def rate_grid_workers(month: str | None = None, job_id: int | None = None) -> int:
    """Monthly rating of grid workers for `month` (YYYY-MM-01), by default the month before."""
    day = dt.date.fromisoformat(month) if month else _last_month()
    with jobs.running(job_id):
        return points.rate_grid_workers(month=day.replace(day=1))
