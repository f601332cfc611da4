"""Loaded only into the Celery worker that tests/incidents/test_worker_killed.py starts (`celery
worker -I tests.worker_faults`): the pool process running `incidents.handle_urgent` is killed
(SIGKILL, as the OOM killer would) the first time the task reaches FAULT_POINT —
"mid": inside the task's transaction, after 立案 and before 派遣;
"after": once the task has committed, before the worker acknowledged the message.
Every start of the task appends a line to FAULT_RUNS."""

import os
import signal
from pathlib import Path

from celery.signals import task_postrun, task_prerun

from incidents import services

TASK = "incidents.handle_urgent"
MARKER = Path(os.environ["FAULT_MARKER"])
RUNS = Path(os.environ["FAULT_RUNS"])


def _die_once():
    try:
        os.close(os.open(MARKER, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


@task_prerun.connect
def count_run(task=None, **kwargs):
    if task.name == TASK:
        with RUNS.open("a") as runs:
            runs.write("run\n")


if os.environ["FAULT_POINT"] == "mid":
    _dispatch = services.dispatch

    def dispatch(**kwargs):
        _die_once()
        return _dispatch(**kwargs)

    services.dispatch = dispatch
else:

    @task_postrun.connect
    def die_after(task=None, **kwargs):
        if task.name == TASK:
            _die_once()
