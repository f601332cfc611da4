"""The daily review through a real Celery worker on Redis (not eager): the task is sent to the
broker, a worker thread picks it up with its own database connection, and the job record
shows the result."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from governance import jobs
from governance.celery import app
from governance.models import Job, JobStatus
from incidents import services
from incidents.models import Case, DailyReview, DailyUrge
from incidents.tasks import run_daily_review
from tests.faults import use_broker

BROKER = "redis://127.0.0.1:6379/11"  # a database of its own, emptied before the test


@pytest.fixture
def real_worker():
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=BROKER, task_always_eager=False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no tasks left over from an earlier run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        use_broker(**saved)


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
