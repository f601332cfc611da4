"""Celery entry points of the incidents app: each takes ids, calls one service, and is safe to
run twice (acks_late delivers at least once). Schedules: django-celery-beat rows created by
migration incidents/0002 (admin → 周期性任务), see docs/rhythm.md."""

from governance import jobs
from governance.celery import robust_task

from . import rapid
from .reviews import daily


@robust_task(name="incidents.handle_urgent", soft_time_limit=60)
def handle_urgent(case_id: int) -> None:
    rapid.handle_urgent(case_id=case_id)


@robust_task(name="incidents.run_daily_review", soft_time_limit=20 * 60)
def run_daily_review(job_id: int | None = None) -> int:
    with jobs.running(job_id):
        return daily.run_daily_review(job_id=job_id)
