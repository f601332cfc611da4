"""Heavy reads on a streaming PostgreSQL replica (docs/scaling.md, "Read replicas").

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database alias and this router.
Only the views named in `REPLICA_READ_VIEWS` (URL names: dashboard panels, figures, exports,
weekly evaluations) read from it, and only for a safe method; every write, and every other
read, goes to the primary — without the setting nothing changes.

Read-your-writes: a request that may have written (any method but GET/HEAD/OPTIONS) sets the
cookie `REPLICA_COOKIE` for `REPLICA_READ_YOUR_WRITES` seconds; while the cookie is present the
person's heavy reads stay on the primary too, so a figure never misses their own last change.

Health: before routing to the replica, the process asks it (at most every `REPLICA_CHECK_EVERY`
seconds, the answer cached per process) whether it is in recovery and how far replay is behind —
0 when everything received is replayed, otherwise now() − the last replayed commit's time. A lag
beyond `REPLICA_MAX_LAG` seconds, or a replica that does not answer within its connect timeout,
sends reads to the primary until the next check.
"""

import contextvars
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END"
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_heavy_read = contextvars.ContextVar("heavy_read", default=False)


class _Health:
    """Shared by the threads of one process: may reads use the replica, and until when is that known."""

    def __init__(self):
        self._lock = threading.Lock()
        self.usable = False
        self.known_until = 0.0

    def usable_now(self) -> bool:
        with self._lock:
            if time.monotonic() >= self.known_until:
                self.usable = _probe()
                self.known_until = time.monotonic() + settings.REPLICA_CHECK_EVERY
            return self.usable

    def forget(self) -> None:
        with self._lock:
            self.known_until = 0.0


def _probe() -> bool:
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        log.warning("read replica unavailable (%s); reading from the primary", error)
        return False
    if in_recovery and lag > settings.REPLICA_MAX_LAG:
        log.warning("read replica %.1f s behind (bound %s s); reading from the primary", lag, settings.REPLICA_MAX_LAG)
        return False
    return True


health = _Health()


@contextmanager
def heavy_reads():
    """Inside, reads may go to the replica (when it is configured, current and up)."""
    token = _heavy_read.set(True)
    try:
        yield
    finally:
        _heavy_read.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _heavy_read.get() and health.usable_now():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Sends the heavy reads of `REPLICA_READ_VIEWS` to the replica; marks a writer's next reads for the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _heavy_read.set(False)
        try:
            response = self.get_response(request)  # the view and its template's rendering
        finally:
            _heavy_read.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                settings.REPLICA_COOKIE, "1", max_age=settings.REPLICA_READ_YOUR_WRITES, httponly=True,
                secure=request.is_secure(), samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in SAFE_METHODS
            and request.resolver_match.view_name in settings.REPLICA_READ_VIEWS
            and settings.REPLICA_COOKIE not in request.COOKIES
        ):
            _heavy_read.set(True)
