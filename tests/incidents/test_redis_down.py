"""Redis down: intake, the dashboard and the pages still answer (the cache degrades to a miss),
and the tasks a change asked for wait in the outbox until the broker is back, then run once.

The Redis these tests stop is one they started themselves on a port of their own
(tests/faults.py), never the shared server; "dead" is a port nobody listens on."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.test import override_settings

from governance import outbox
from governance.celery import app
from governance.models import OutboxMessage
from governance.roles import Role
from governance.tasks import drain_outbox
from grids import services as grid_services
from incidents.constants import CaseStatus
from incidents.models import Case, Category
from tests.factories import UserFactory
from tests.faults import RedisServer, free_port, use_broker

from .conftest import photo


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "governance.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def broker():
    """A Redis of the test's own as broker (not eager): tasks really go through it."""
    server = RedisServer().start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=server.url(), task_always_eager=False)
    try:
        yield server
    finally:
        use_broker(**saved)
        server.stop()


def report_flood(client, key=None):
    """An urgent report (防汛险情): intake asks for 马上办 (incidents.handle_urgent) on commit."""
    return client.post(
        "/api/v1/cases/",
        {
            "source": "grid_app",
            "category": Category.objects.get(code="YJ01").id,
            "description": "河堤出现管涌",
            "lat": 34.405,
            "lng": 115.905,
            "crs": "WGS84",
            "photos": [photo()],
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
    )


@pytest.mark.django_db(transaction=True)
def test_intake_dashboard_and_pages_answer_while_redis_is_dead(loop, as_user, client):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker_url=dead, task_always_eager=False)
    leader = UserFactory(username="leader")
    grid_services.assign(user=leader, area=loop.world.county, role=Role.COMMAND_LEADER)
    try:
        with override_settings(CACHES=redis_cache(dead)):
            started = time.monotonic()
            response = report_flood(as_user(loop.worker))
            assert response.status_code == 201, response.content
            assert time.monotonic() - started < 10  # no hanging on a dead Redis
            case = Case.objects.get(pk=response.json()["id"])
            assert case.status == CaseStatus.REPORTED  # saved; 马上办 waits for the broker
            message = OutboxMessage.objects.get()
            assert (message.task, message.args, message.sent_at) == ("incidents.handle_urgent", [case.pk], None)
            assert message.attempts == 1 and message.last_error

            assert as_user(leader).get("/api/v1/oversight/dashboard/").status_code == 200
            client.force_login(leader)
            for page in ("/oversight/", "/oversight/map/", f"/cases/{case.pk}/", "/desk/"):
                assert client.get(page).status_code == 200, page
            assert cache.get("anything", "miss") == "miss"

            assert outbox.drain() == 0  # still down: nothing sent, nothing lost
            assert OutboxMessage.objects.get().attempts == 2
    finally:
        use_broker(**saved)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_tasks_asked_for_while_redis_was_down_run_once_it_is_back(loop, as_user, broker):
    with override_settings(CACHES=redis_cache(broker.url(1))):
        cache.set("warm", 1)
        broker.stop()  # the Redis this test started goes away: cache and broker at once
        response = report_flood(as_user(loop.worker))
        assert response.status_code == 201, response.content
        case = Case.objects.get(pk=response.json()["id"])
        assert case.status == CaseStatus.REPORTED and outbox.pending() == 1

        broker.start()  # back (empty: it kept nothing on disk)
        use_broker(broker_url=broker.url())
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            drain_outbox.delay()  # what beat does every minute
            deadline = time.monotonic() + 25
            while Case.objects.get(pk=case.pk).status != CaseStatus.DISPATCHED:
                assert time.monotonic() < deadline, "the held task did not run after Redis came back"
                time.sleep(0.2)
            drain_outbox.delay()  # a second drain sends nothing again
            time.sleep(1)

    assert outbox.pending() == 0
    actions = list(case.events.order_by("pk").values_list("action", flat=True))
    assert actions == ["report", "register", "dispatch"]  # 马上办 ran once
    assert OutboxMessage.objects.get().attempts == 2
