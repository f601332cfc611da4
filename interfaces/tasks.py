"""Celery entry points of the open interfaces: each takes ids, calls one service, and is safe to
run twice (acks_late delivers at least once)."""

from governance.celery import robust_task

from . import services, webhooks
from .constants import DeliveryStatus


@robust_task(name="interfaces.register_submission", soft_time_limit=60)
def register_submission(submission_id: int) -> None:
    """Register an accepted Open311 report as a case (interfaces.services.register)."""
    services.register(submission_id)


@robust_task(name="interfaces.send_webhooks", soft_time_limit=60)
def send_webhooks(delivery_ids: list[int]) -> None:
    """The deliveries of one transaction's case events (queued by the outbox): one task each, so
    a slow receiver holds up only its own deliveries."""
    for pk in delivery_ids:
        deliver_webhook.delay(pk)


@robust_task(name="interfaces.deliver_webhook", soft_time_limit=60, bind=True)
def deliver_webhook(self, delivery_id: int, replayed_by: int | None = None) -> None:
    """One attempt of a webhook delivery (interfaces.webhooks.attempt); while it is pending, the
    next one after the back-off (30 s, 1, 2, 4, 8 min; the sixth attempt is the last). A replay
    is one attempt."""
    delivery = webhooks.attempt(delivery_id, replayed_by=replayed_by)
    if delivery is None and replayed_by is not None:  # another worker holds it this moment
        raise self.retry(countdown=webhooks.WEBHOOK_FIRST_WAIT_SECONDS)
    if replayed_by is None and delivery is not None and delivery.status == DeliveryStatus.PENDING:
        raise self.retry(countdown=webhooks.wait_after(delivery.attempts))


@robust_task(name="interfaces.sweep_webhooks", soft_time_limit=120)
def sweep_webhooks() -> int:
    """Queue again the pending deliveries whose retry was lost (beat, every 5 minutes)."""
    return webhooks.sweep()
