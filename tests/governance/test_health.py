"""/healthz (governance/health.py) and the logs' request id (governance/logs.py): the database,
Redis, the broker, beat's last run and the outbox, as JSON; a dead Redis makes the answer
"degraded" but still 200; a database that is down, "down" and 503
(tests/governance/test_database_restart.py); every log line of a request carries its id."""

import datetime as dt
import json
import logging

import pytest
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from governance.celery import app
from governance.logs import JsonFormatter, RequestIdFilter
from governance.models import OutboxMessage
from tests.faults import free_port, use_broker


def beat_ran(ago: dt.timedelta):
    PeriodicTask.objects.filter(task="governance.drain_outbox").update(last_run_at=timezone.now() - ago)


def test_everything_up_is_ok(db, client):
    beat_ran(dt.timedelta(seconds=30))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok", body
    assert set(body["checks"]) == {"database", "redis", "broker", "beat", "outbox"}
    assert body["checks"]["beat"]["age_seconds"] < 60 and body["checks"]["outbox"]["pending"] == 0


def test_a_stale_beat_and_an_old_outbox_row_are_degraded(db, client):
    beat_ran(dt.timedelta(minutes=20))
    row = OutboxMessage.objects.create(task="incidents.handle_urgent", args=[1])
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert not body["checks"]["beat"]["ok"] and not body["checks"]["outbox"]["ok"]
    assert body["checks"]["outbox"]["pending"] == 1 and body["checks"]["outbox"]["oldest_seconds"] >= 600


def test_a_dead_redis_is_degraded_not_down(db, client):
    beat_ran(dt.timedelta(seconds=30))
    dead = f"redis://127.0.0.1:{free_port()}/0"
    saved = app.conf.broker_url
    use_broker(broker_url=dead)
    try:
        with override_settings(REDIS_URL=dead):
            response = client.get("/healthz")
    finally:
        use_broker(broker_url=saved)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded", body
    assert body["checks"]["database"]["ok"] and not body["checks"]["redis"]["ok"] and not body["checks"]["broker"]["ok"]


@pytest.mark.parametrize("given", ["req-0123456789abcdef", None])
def test_log_lines_of_a_request_carry_its_id_as_json(db, client, given):
    lines = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    handler.emit = lambda record: lines.append(handler.format(record))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        headers = {"HTTP_X_REQUEST_ID": given} if given else {}
        response = client.get("/api/v1/no-such-thing/", **headers)
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    entry = json.loads(lines[-1])  # django.request's "Not Found" warning
    assert entry["level"] == "WARNING" and "no-such-thing" in entry["message"]
    assert entry["request_id"] == response["X-Request-ID"] == (given or entry["request_id"]) != ""
