"""Webhooks through a real Celery worker on Redis (not eager): the intake request answers at once
while the receiver takes its time, and a failing receiver is retried with real back-off waits."""

import time

import pytest

from incidents.models import Case
from interfaces import webhooks
from interfaces.constants import DeliveryStatus
from interfaces.models import WebhookDelivery
from tests.incidents.conftest import loop  # noqa: F401 - the fixture
from tests.incidents.test_api import post_report
from tests.incidents.test_urgent_response_worker import wait_for

from .receiver import receiving
from .test_webhooks import subscribe


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_intake_does_not_wait_for_a_slow_receiver(real_worker, loop, as_user):  # noqa: F811
    with receiving(pause=4) as receiver:  # 4 s to answer (the time-out is 5 s)
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        started = time.monotonic()
        answer = post_report(as_user(loop.worker), loop)
        ended = time.monotonic()
        assert answer.status_code == 201, answer.content
        assert ended - started < 3.5, f"the report took {ended - started:.1f} s: it waited for the receiver"
        case = Case.objects.get(pk=answer.json()["id"])
        wait_for(
            lambda: WebhookDelivery.objects.filter(case=case, status=DeliveryStatus.DELIVERED).exists(),
            "the worker did not deliver the webhook",
        )
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.attempt_log.get().duration_ms >= 3900  # the receiver's pause was the worker's
    assert len(receiver.got) == 1
    assert ended < receiver.answered[0]  # the report had its answer before the receiver gave its own


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_retried_by_the_worker(real_worker, loop, as_user, monkeypatch):  # noqa: F811
    monkeypatch.setattr(webhooks, "WEBHOOK_FIRST_WAIT_SECONDS", 1)  # 1 s, 2 s instead of 30 s, 60 s
    with receiving(statuses=[500, 503]) as receiver:
        subscription, _ = subscribe(loop, receiver.url, kinds=["report"])
        assert post_report(as_user(loop.worker), loop).status_code == 201
        wait_for(
            lambda: WebhookDelivery.objects.filter(subscription=subscription, status=DeliveryStatus.DELIVERED).exists(),
            "the worker did not retry the webhook until it was delivered",
        )
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    log = list(delivery.attempt_log.all())
    assert [(a.number, a.status_code, a.ok) for a in log] == [(1, 500, False), (2, 503, False), (3, 200, True)]
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in zip(log, log[1:], strict=False)]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps  # the back-off's waits, doubling
