"""A worker killed in the middle of a task: the message was not acknowledged (acks_late,
reject_on_worker_lost), so the task runs again, and its effects happen once — killed inside
its transaction, nothing of the first run stays; killed after its commit, the second run finds
the work done. A real `celery worker` process (prefork) on a Redis the test starts, the task
killed by tests/worker_faults.py."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from governance.celery import app
from governance.models import Notification
from incidents import intake
from incidents.constants import CaseStatus
from incidents.models import Case
from tests.faults import RedisServer, use_broker


@pytest.fixture
def broker():
    server = RedisServer().start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=server.url(), task_always_eager=False)
    try:
        yield server
    finally:
        use_broker(**saved)
        server.stop()


def start_worker(broker, point, tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.settings",  # not eager; the keys test_settings put in os.environ
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": broker.url(),
        "FAULT_POINT": point,
        "FAULT_MARKER": str(tmp_path / "killed"),
        "FAULT_RUNS": str(tmp_path / "runs"),
    }
    log = (tmp_path / "worker.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "prefork", "--concurrency", "1",
               "-I", "tests.worker_faults", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def second_run_done(tmp_path) -> bool:
    """The task started twice (tests/worker_faults.py counts) and the worker logged its end last."""
    runs = (tmp_path / "runs").read_text().count("run") if (tmp_path / "runs").exists() else 0
    lines = [line for line in (tmp_path / "worker.log").read_text().splitlines() if "incidents.handle_urgent[" in line]
    return runs >= 2 and "succeeded" in lines[-1]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", ["mid", "after"])
def test_a_task_killed_midway_runs_again_and_its_effects_happen_once(loop, broker, point, tmp_path):
    worker = start_worker(broker, point, tmp_path)
    try:
        case = intake.submit_report(  # urgent: 马上办 is queued on commit (through the outbox)
            reporter=loop.worker, source="grid_app", category=loop.category("YJ01"), description="河堤出现管涌",
            lat=34.405, lng=115.905,
        )
        deadline = time.monotonic() + 90
        while not second_run_done(tmp_path):
            assert time.monotonic() < deadline and worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.3)
        time.sleep(1)  # a third run, if there were one, would have started by now
    finally:
        worker.terminate()
        worker.wait(30)

    log = (tmp_path / "worker.log").read_text()
    assert (tmp_path / "killed").exists() and "WorkerLostError" in log, log
    assert (tmp_path / "runs").read_text().count("run") == 2  # killed once, run again once
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISPATCHED
    actions = list(case.events.order_by("pk").values_list("action", flat=True))
    assert actions == ["report", "register", "dispatch"]
    assert Notification.objects.filter(recipient=loop.operator, kind="urgent").count() == 1
