"""Celery queues (settings.TASK_QUEUES, docs/scaling.md): every task of the platform is routed on
purpose, and an urgent task travels on the urgent queue to the workers that take only that queue —
on Redis and on RabbitMQ, both real brokers on this machine — while a long export sent at the
same moment waits for the workers of its own queue."""

import threading

import kombu
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.conf import settings

from governance.celery import app
from tests.conftest import BROKER
from tests.faults import use_broker

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def _platform_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_every_task_has_its_queue_on_purpose(db):  # (importing the tasks makes Django check its connection)
    routed = {task for tasks in settings.TASK_QUEUES.values() for task in tasks}
    assert set(_platform_tasks()) == routed, "a task without a queue in settings.TASK_QUEUES (or a name gone)"
    for queue, tasks in settings.TASK_QUEUES.items():
        for task in tasks:
            assert app.amqp.router.route({}, task)["queue"].name == queue
    assert "incidents.handle_urgent" in settings.TASK_QUEUES["urgent"]
    assert "incidents.export_cases" in settings.TASK_QUEUES["bulk"]
    assert "incidents.run_daily_review" in settings.TASK_QUEUES["periodic"]


def test_a_worker_without_q_takes_every_queue():
    assert {q.name for q in app.amqp.queues.values()} == {*settings.TASK_QUEUES, "celery"}


@pytest.fixture(params=[BROKER, RABBITMQ], ids=["redis", "rabbitmq"])
def broker(request):
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    options = {"confirm_publish": True} if request.param.startswith("amqp") else {}
    use_broker(broker_url=request.param, task_always_eager=False, broker_transport_options=options)
    with kombu.Connection(request.param) as connection:
        for queue in app.amqp.queues.values():
            queue(connection.default_channel).declare()
            queue(connection.default_channel).purge()  # nothing left over from an earlier run
    try:
        yield request.param
    finally:
        with kombu.Connection(request.param) as connection:
            for queue in app.amqp.queues.values():
                queue(connection.default_channel).purge()  # the export this test left waiting
        use_broker(**saved)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_urgent_task_is_not_held_up_by_an_export(broker):
    seen, arrived = [], threading.Event()

    def record(sender=None, task=None, **_kwargs):
        seen.append((task.name, task.request.delivery_info.get("routing_key")))
        arrived.set()

    task_prerun.connect(record)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["urgent"]):
            app.send_task("incidents.export_cases", args=[0, 0, "all", ""])  # the bulk queue: not this worker's
            app.send_task("governance.drain_outbox")  # the urgent queue
            assert arrived.wait(30), "the urgent worker did not take the urgent task"
    finally:
        task_prerun.disconnect(record)
        app.amqp.queues._consume_from = None  # the worker's -Q narrowed the app's own list: widen it back
    assert seen == [("governance.drain_outbox", "urgent")]
