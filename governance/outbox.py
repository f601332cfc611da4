"""A transactional outbox for Celery tasks: a task a change asks for is a row written in the
change's own transaction, so it can neither run for a change that rolled back nor be lost
when the broker (Redis) is down at the moment of the commit.

`enqueue(task, *args, **kwargs)` writes the row (call it inside the transaction) and, on
commit, tries to send it at once. A send that fails (broker down) is logged and the row stays
pending; `drain()` — the `governance.drain_outbox` task, run every minute by beat, and once by
every worker as it starts — sends what is pending, oldest first, stopping at the first failure.
A row is locked while it is sent (SKIP LOCKED), so the commit hook and the drain never send
one row twice at the same time; a process that dies between sending and marking a row sent
makes it go out twice, which the tasks allow (at-least-once delivery, docs/operations.md).
Sent rows are kept `KEEP_SENT` for an operator's questions, then the drain deletes them.
"""

import datetime as dt
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import OutboxMessage

log = logging.getLogger(__name__)

BROKER_UNAVAILABLE = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
BATCH = 100
KEEP_SENT = dt.timedelta(days=7)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Ask for `task(*args, **kwargs)` once the current transaction commits (JSON arguments)."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send(message.pk))
    return message


def send(message_id: int) -> bool:
    """Send one pending row unless another process is sending it; True when it went out."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            pk=message_id, sent_at__isnull=True
        ).first()
        return message is not None and _publish(message)


def drain() -> int:
    """Send the pending rows, oldest first; stop at the first failure. Returns how many went out."""
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("pk")[:BATCH]
            )
            for message in batch:
                if not _publish(message):
                    return sent
                sent += 1
        if len(batch) < BATCH:
            return sent


def pending() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def _publish(message: OutboxMessage) -> bool:
    message.attempts += 1
    try:
        # retry=False: fail at once when the broker is down; the row waits for the next drain.
        current_app.tasks[message.task].apply_async(args=message.args, kwargs=message.kwargs, retry=False)
    except BROKER_UNAVAILABLE as error:
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        message.save(update_fields=["attempts", "last_error"])
        log.warning("outbox: %s #%s not sent, kept for the next drain (%s)", message.task, message.pk, error)
        return False
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "sent_at"])
    return True
