"""The task outbox (governance/outbox.py) on its own: the drain sends what is pending oldest
first and marks it, skips a row another process is sending (SKIP LOCKED), and forgets sent rows
after KEEP_SENT. Redis really down: tests/incidents/test_redis_down.py."""

import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from governance import outbox
from governance.models import OutboxMessage
from incidents.tasks import handle_urgent

NO_CASE = 0  # handle_urgent of a case that does not exist does nothing (the tasks run eagerly here)


def test_the_drain_sends_pending_rows_oldest_first_and_forgets_old_sent_ones(db):
    old = OutboxMessage.objects.create(task=handle_urgent.name, args=[NO_CASE], sent_at=timezone.now())
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - outbox.KEEP_SENT * 2)
    recent = OutboxMessage.objects.create(task=handle_urgent.name, args=[NO_CASE], sent_at=timezone.now())
    first, second = (OutboxMessage.objects.create(task=handle_urgent.name, args=[NO_CASE]) for _ in range(2))

    assert outbox.drain() == 2
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    assert set(rows) == {recent.pk, first.pk, second.pk}  # the week-old sent row is gone
    assert rows[first.pk].sent_at <= rows[second.pk].sent_at and rows[first.pk].attempts == 1
    assert outbox.drain() == 0  # nothing goes out twice


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_elsewhere_is_skipped_not_sent_twice():
    busy, free = (OutboxMessage.objects.create(task=handle_urgent.name, args=[NO_CASE]) for _ in range(2))
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=busy.pk)  # as `send` holds it while publishing
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(10)
    try:
        assert outbox.drain() == 1
        assert outbox.send(busy.pk) is False  # the commit hook, racing, also leaves it alone
    finally:
        release.set()
        holder.join()
    assert OutboxMessage.objects.get(pk=free.pk).sent_at and OutboxMessage.objects.get(pk=busy.pk).sent_at is None
    assert outbox.drain() == 1  # once the other process let go
