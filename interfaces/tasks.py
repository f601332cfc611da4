"""Celery entry points of the open interfaces: each takes ids, calls one service, and is safe to
run twice (acks_late delivers at least once)."""

from governance.celery import robust_task

from . import services


@robust_task(name="interfaces.register_submission", soft_time_limit=60)
def register_submission(submission_id: int) -> None:
    """Register an accepted Open311 report as a case (interfaces.services.register)."""
    services.register(submission_id)
