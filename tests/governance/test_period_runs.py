"""A second beat cannot double-run a review (governance/period_runs.py): the periodic reviews
claim their period first; a duplicate — sent later, or at the same moment by a second beat —
does nothing, a failed or long-dead run is taken over, and a run a person asks for always runs."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection

from governance.models import JobStatus, PeriodRun
from governance.period_runs import STALE_AFTER
from incidents import tasks
from incidents.reviews import daily

DAY = dt.datetime(2026, 12, 3, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def reviews(monkeypatch):
    """The 日清 the task runs, replaced by one that counts its runs (and can be slow or fail)."""
    runs = {"n": 0, "fail": False, "slow": 0.0}

    def review(*, job_id=None):
        runs["n"] += 1
        time.sleep(runs["slow"])
        if runs["fail"]:
            raise ConnectionError("the database went away")
        return 7

    monkeypatch.setattr(daily, "run_daily_review", review)
    return runs


def test_a_second_send_of_the_same_day_does_nothing(db, reviews):
    with time_machine.travel(DAY, tick=False):
        assert tasks.run_daily_review.apply().get() == 7
        assert tasks.run_daily_review.apply().get() is None  # the second beat's
    assert reviews["n"] == 1
    (run,) = PeriodRun.objects.all()
    assert (run.task, run.period, run.status) == ("incidents.tasks.run_daily_review", "2026-12-04", JobStatus.DONE)
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        assert tasks.run_daily_review.apply().get() == 7  # the next day is a period of its own
    assert reviews["n"] == 2


def test_a_failed_run_is_taken_over_and_a_long_dead_one_too(db, reviews):
    reviews["fail"] = True
    with time_machine.travel(DAY, tick=False):
        with pytest.raises(ConnectionError):
            tasks.run_daily_review.apply(throw=True, retries=5).get()  # its last retry
        assert PeriodRun.objects.get().status == JobStatus.FAILED
        reviews["fail"] = False
        assert tasks.run_daily_review.apply().get() == 7
    run = PeriodRun.objects.get()
    assert run.status == JobStatus.DONE and run.attempts == 2
    PeriodRun.objects.update(status=JobStatus.RUNNING, started_at=DAY - STALE_AFTER - dt.timedelta(minutes=1))
    with time_machine.travel(DAY, tick=False):
        assert tasks.run_daily_review.apply().get() == 7  # its worker was killed past every limit
        PeriodRun.objects.update(status=JobStatus.RUNNING, started_at=DAY - dt.timedelta(minutes=5))
        assert tasks.run_daily_review.apply().get() is None  # still running somewhere: left alone
    assert reviews["n"] == 3


def test_a_run_a_person_asks_for_always_runs(db, reviews, world):
    from governance import jobs

    with time_machine.travel(DAY, tick=False):
        tasks.run_daily_review.apply()
        job = jobs.start_job(kind="daily_review", requested_by=world.admin)  # the console's 立即运行
        assert tasks.run_daily_review.apply(kwargs={"job_id": job.pk}).get() == 7
    assert reviews["n"] == 2


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_the_same_moment_run_the_review_once(reviews):
    reviews["slow"] = 1.0  # the first is still running when the second arrives
    answers = []

    def beat():
        try:
            answers.append(tasks.run_daily_review.apply().get())
        finally:
            connection.close()

    with time_machine.travel(DAY, tick=True):
        beats = [threading.Thread(target=beat) for _ in range(2)]
        for thread in beats:
            thread.start()
        for thread in beats:
            thread.join(30)
    assert sorted(answers, key=str) == [7, None] and reviews["n"] == 1
    assert PeriodRun.objects.get().status == JobStatus.DONE
