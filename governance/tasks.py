"""Celery entry points of the kernel. Schedule: settings.PERIODIC_TASKS."""

from . import outbox
from .celery import robust_task
from .orphan_files import sweep


@robust_task(name="governance.drain_outbox", soft_time_limit=5 * 60)
def drain_outbox() -> int:
    """Every minute and when a worker starts: send the tasks that could not be queued on commit."""
    return outbox.drain()


@robust_task(name="governance.sweep_orphan_files", soft_time_limit=20 * 60)
def sweep_orphan_files() -> int:
    """Every day: delete upload files no row refers to (governance/orphan_files.py)."""
    return sweep()
