"""One run per period of a scheduled job, however many beats sent it.

The installation runs one Celery beat; a second one (a host restored from an image, a
fail-over that left the old one alive) would send every periodic task twice. The reviews are
idempotent row by row, but running 日清, 周评 or a monthly rating twice still doubles the work and
races two writers over the same rows, so `once_per_period` claims the task's period in the
`PeriodRun` table (unique per task and period) before the work starts:

- nobody claimed it: this run claims it (committed at once), does the work, marks it done;
- done, or running and younger than `STALE_AFTER`: this run is the second one — it logs and
  returns None without doing anything (a concurrent claim waits on the unique index for the first
  claim's commit, then sees it);
- failed (the first run raised), or running for longer than `STALE_AFTER` (its worker was killed
  past every time limit): this run takes the period over.

A run asked for by a person (the console's 立即运行 passes a job id, or an explicit period) is
not guarded: a deliberate re-run runs.
"""

import datetime as dt
import functools
import logging
import socket

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobStatus, PeriodRun

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(hours=1)  # above every task's hard time limit (settings: at most 30 min)


def _claim(task: str, period: str) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            PeriodRun.objects.create(
                task=task, period=period, status=JobStatus.RUNNING, started_at=now, worker=socket.gethostname()
            )
        return True
    except IntegrityError:
        pass
    with transaction.atomic():
        run = PeriodRun.objects.select_for_update().get(task=task, period=period)
        if run.status == JobStatus.DONE or (run.status == JobStatus.RUNNING and run.started_at > now - STALE_AFTER):
            log.warning("%s for %s already %s (since %s): not run again", task, period, run.status, run.started_at)
            return False
        log.warning("%s for %s: taking over a %s run from %s", task, period, run.status, run.worker)
        run.status, run.started_at, run.finished_at = JobStatus.RUNNING, now, None
        run.attempts += 1
        run.worker = socket.gethostname()
        run.save(update_fields=["status", "started_at", "finished_at", "attempts", "worker"])
        return True


def _finish(task: str, period: str, status: str) -> None:
    PeriodRun.objects.filter(task=task, period=period).update(status=status, finished_at=timezone.now())


def once_per_period(period_of):
    """Decorate a periodic task's function: `period_of(*args, **kwargs)` names the period the
    call is for (a string), or None for a run that is not to be guarded."""

    def wrap(func):
        task = f"{func.__module__}.{func.__name__}"

        @functools.wraps(func)
        def run(*args, **kwargs):
            period = period_of(*args, **kwargs)
            if period is None:
                return func(*args, **kwargs)
            if not _claim(task, period):
                return None
            try:
                result = func(*args, **kwargs)
            except BaseException:
                _finish(task, period, JobStatus.FAILED)
                raise
            _finish(task, period, JobStatus.DONE)
            return result

        return run

    return wrap
