"""Celery entry points of the kernel: the outbox, orphan files, notification deliveries.
Schedule: settings.PERIODIC_TASKS."""

from . import outbox
from .celery import robust_task
from .deliveries import TryAgain, deliver, send_due
from .orphan_files import sweep


@robust_task(name="governance.drain_outbox", soft_time_limit=5 * 60)
def drain_outbox() -> int:
    """Every minute and when a worker starts: send the tasks that could not be queued on commit."""
    return outbox.drain()


@robust_task(name="governance.sweep_orphan_files", soft_time_limit=20 * 60)
def sweep_orphan_files() -> int:
    """Every day: delete upload files no row refers to (governance/orphan_files.py)."""
    return sweep()


@robust_task(name="governance.deliver_notification", soft_time_limit=60, retry_on=(TryAgain,))
def deliver_notification(delivery_id: int) -> None:
    deliver(delivery_id)


@robust_task(name="governance.send_due_deliveries", soft_time_limit=60)
def send_due_deliveries() -> int:
    return send_due()
