"""Celery entry points of the credit app (thin calls into the services)."""

from celery import shared_task

from . import proposals


@shared_task
def propose_from_closed_cases() -> int:
    """Every 15 minutes (settings.CELERY_BEAT_SCHEDULE): closed cases → proposed facts. Idempotent."""
    return proposals.propose_from_closed_cases()
