"""A real Celery worker on Redis for the tests that must not run eagerly: the task goes to the
broker, a worker thread picks it up with its own database connection. Each test file passes a
Redis database of its own, so two files running at once on two xdist workers never take each
other's tasks."""

import contextlib

from celery.contrib.testing.worker import start_worker

from governance.celery import app
from tests.faults import use_broker


@contextlib.contextmanager
def running_worker(broker: str):
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=broker, task_always_eager=False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no tasks left over from an earlier run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        use_broker(**saved)
