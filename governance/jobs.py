"""Progress of long background work (daily review, weekly evaluation, XLSX exports).

A caller creates the row with `start_job()` and passes its id to a Celery task; the task wraps
its work in `running(job_id)`, calls `advance()` as it goes and leaves a file with
`attach_result()`. The browser polls `GET /api/v1/jobs/{id}/` for a progress bar; only the
requester (or an admin) sees a job. Every write is a single-row UPDATE in its own autocommit,
so progress is visible while the task's own transactions are still open, and a retried task
simply moves the same row back to "running".
"""

import contextlib
import logging

from django.core.files.base import ContentFile
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from .models import Job, JobStatus

log = logging.getLogger(__name__)


def start_job(*, kind: str, requested_by=None, total: int = 0, message: str = "") -> Job:
    """A queued job; hand its id to the task that does the work."""
    return Job.objects.create(kind=kind, requested_by=requested_by, total=total, message=message)


def _update(job_id: int, **fields) -> None:
    Job.objects.filter(pk=job_id).update(**fields)


def set_total(job_id: int, total: int, message: str | None = None) -> None:
    fields = {"total": total, "done": Least(F("done"), total)}
    if message is not None:
        fields["message"] = message
    _update(job_id, **fields)


def advance(job_id: int, step: int = 1, message: str | None = None) -> None:
    """Count `step` more units done (never beyond the total) and log the progress."""
    fields = {"done": Least(F("done") + step, F("total"))}
    if message is not None:
        fields["message"] = message[:500]
    _update(job_id, **fields)
    log.info("job %s: +%s %s", job_id, step, message or "")


def attach_result(job_id: int, filename: str, content: bytes) -> None:
    job = Job.objects.get(pk=job_id)
    job.result_file.save(filename, ContentFile(content), save=False)
    _update(job_id, result_file=job.result_file.name)


def finish(job_id: int, message: str = "") -> None:
    _update(job_id, status=JobStatus.DONE, done=F("total"), message=message[:500], finished_at=timezone.now())


def fail(job_id: int, message: str) -> None:
    _update(job_id, status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now())


@contextlib.contextmanager
def running(job_id: int | None):
    """Mark the job running for the block; done when it ends, failed (and re-raised) on error.
    With `job_id=None` (a scheduled run nobody watches) it does nothing."""
    if job_id is None:
        yield
        return
    _update(job_id, status=JobStatus.RUNNING, started_at=timezone.now(), finished_at=None)
    try:
        yield
    except Exception as exc:
        fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    finish_if_running(job_id)


def finish_if_running(job_id: int) -> None:
    """Close the job unless the block already finished or failed it with its own message."""
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, done=F("total"), finished_at=timezone.now()
    )


def visible_jobs(user):
    """The jobs `user` may look at: their own, or all of them for an admin."""
    qs = Job.objects.all()
    return qs if user.is_platform_admin else qs.filter(requested_by=user)
