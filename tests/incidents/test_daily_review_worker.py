"""The daily review through a real Celery worker on Redis (not eager): the task is sent to the
broker, a worker thread picks it up with its own database connection, and the job record
shows the result."""

import time

import pytest

from governance import jobs
from governance.models import Job, JobStatus
from incidents import services
from incidents.models import Case, DailyReview, DailyUrge
from incidents.tasks import run_daily_review


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_review_runs_on_a_real_worker(real_worker, loop, report):
    case = report()
    services.register(case_id=case.pk, actor=loop.operator)
    services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
    Case.objects.filter(pk=case.pk).update(due_at=case.created_at)  # already past its deadline
    job = jobs.start_job(kind="daily_review", requested_by=loop.operator)

    run_daily_review.delay(job.pk)
    deadline = time.monotonic() + 25
    while Job.objects.get(pk=job.pk).status in (JobStatus.QUEUED, JobStatus.RUNNING):
        assert time.monotonic() < deadline, "the worker did not finish the daily review"
        time.sleep(0.2)

    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    assert DailyUrge.objects.filter(case=case).count() == 1
    assert DailyReview.objects.get(area=case.township).overdue == 1
