"""Celery entry points of the kernel. Schedule: settings.PERIODIC_TASKS."""

from . import outbox
from .celery import robust_task


@robust_task(name="governance.drain_outbox", soft_time_limit=5 * 60)
def drain_outbox() -> int:
    """Every minute and when a worker starts: send the tasks that could not be queued on commit."""
    return outbox.drain()
