"""Celery entry points of the credit app (thin calls into the services, safe to run twice).
Schedule: settings.PERIODIC_TASKS (every 15 minutes)."""

from governance.celery import robust_task

from . import proposals


@robust_task(name="credit.propose_from_closed_cases", soft_time_limit=10 * 60)
def propose_from_closed_cases() -> int:
    """Every 15 minutes (settings.PERIODIC_TASKS): closed cases and other apps' records
    (settings.CREDIT_CONTRIBUTIONS) → proposed facts. Idempotent."""
    return proposals.propose_from_closed_cases() + proposals.propose_from_contributions()
