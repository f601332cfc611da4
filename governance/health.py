"""/healthz: what the monitoring asks of an installation (docs/operations.md).

Each check answers {"ok": …} and what it saw: the database (a query), Redis (a PING on
REDIS_URL: the cache), the broker (a connection), beat (the last run of the every-minute outbox
drain, stale after BEAT_STALE_AFTER), and the outbox (tasks waiting to be queued, the oldest's
age). The status is "ok" when every check is; "degraded" when the database answers but another
does not — the platform still serves (the cache degrades to a miss, tasks wait in the outbox), so
the answer stays 200 for the load balancer and the monitoring alerts on the body; "down" (503)
when the database does not answer.
"""

import datetime as dt

import redis
from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

BEAT_STALE_AFTER = dt.timedelta(minutes=5)
OUTBOX_STALE_AFTER = dt.timedelta(minutes=5)
BEAT_HEARTBEAT_TASK = "governance.drain_outbox"  # scheduled every minute (settings.PERIODIC_TASKS)


def _failed(error: Exception) -> dict:
    return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure here is the answer, not a crash of the probe
        return _failed(error)
    return {"ok": True}


def cache() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "backend": "file"}
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=settings.REDIS_TIMEOUT, socket_timeout=settings.REDIS_TIMEOUT
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        return _failed(error)
    finally:
        client.close()
    return {"ok": True}


def broker() -> dict:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.REDIS_TIMEOUT)
    except Exception as error:  # kombu wraps transport errors in several types
        return _failed(error)
    return {"ok": True}


def beat() -> dict:
    from django_celery_beat.models import PeriodicTask

    last = PeriodicTask.objects.filter(task=BEAT_HEARTBEAT_TASK, enabled=True).values_list("last_run_at", flat=True)
    last_run = max((t for t in last if t), default=None)
    if last_run is None:
        return {"ok": False, "error": "beat has not run the outbox drain yet"}
    age = timezone.now() - last_run
    return {"ok": age <= BEAT_STALE_AFTER, "last_run": last_run.isoformat(), "age_seconds": int(age.total_seconds())}


def outbox() -> dict:
    from .models import OutboxMessage

    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest) if oldest else None
    return {
        "ok": age is None or age <= OUTBOX_STALE_AFTER,
        "pending": pending.count(),
        "oldest_seconds": int(age.total_seconds()) if age else None,
    }


def report() -> tuple[str, dict]:
    checks = {"database": database()}
    if checks["database"]["ok"]:
        checks.update(beat=beat(), outbox=outbox())
    checks.update(redis=cache(), broker=broker())
    if not checks["database"]["ok"]:
        return "down", checks
    return ("ok" if all(c["ok"] for c in checks.values()) else "degraded"), checks
