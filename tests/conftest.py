import os

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from governance import workdays
from governance.celery import app
from grids import spatial
from tests.factories import build_world
from tests.faults import use_broker


@pytest.fixture(autouse=True)
def fresh_spatial_index():
    """Test transactions roll back without on-commit hooks: start each test with a fresh index."""
    spatial.invalidate()


@pytest.fixture(autouse=True)
def fresh_holiday_calendar():
    """Likewise for the holiday calendar admins enter (governance.workdays)."""
    workdays.invalidate()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        client.force_login(user)  # a session: the user is loaded afresh on every request
        return client

    return make


# A real Celery worker on Redis (not eager), for tests marked `worker`.
# Its own Redis database per xdist process (11, 12 …), emptied first: two worker tests running at
# once must not take each other's tasks.
_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
BROKER = os.environ.get("WORKER_TEST_BROKER", f"redis://127.0.0.1:6379/{11 + _XDIST_INDEX}")


@pytest.fixture
def real_worker():
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=BROKER, task_always_eager=False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no tasks left over from an earlier run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        use_broker(**saved)
