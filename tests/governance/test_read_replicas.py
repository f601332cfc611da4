"""Heavy reads on a real streaming standby (governance/replicas.py, docs/scaling.md).

A throw-away primary and its standby run on the loopback (tests/standby.py); the router's
`replica` alias points at the standby. Health answers are cached for a minute here, and each
test forgets them where it changes the standby, so no outcome depends on the machine's speed.
"""

import time

import pytest
from django.db import connections, router
from django.db.backends.postgresql.base import DatabaseWrapper

from governance import replicas
from governance.models import User
from tests import standby

pytestmark = [
    pytest.mark.skipif(not standby.AVAILABLE, reason="PostgreSQL server binaries are not installed"),
    pytest.mark.urls("tests.governance.replica_urls"),
    pytest.mark.django_db,
]

# Seconds: wide enough that a busy machine replaying some unrelated WAL (a checkpoint, autovacuum)
# a moment late is not "behind", narrow enough that the paused-replay test passes it in seconds.
LAG_BOUND = 3.0


@pytest.fixture(scope="module")
def pair():
    pair = standby.Pair()
    yield pair
    pair.close()


@pytest.fixture
def replica(pair, settings):
    settings.DATABASE_ROUTERS = ["governance.replicas.ReplicaRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "governance.replicas.ReplicaMiddleware"]
    settings.REPLICA_READ_VIEWS = {"replica-probe"}
    settings.REPLICA_CHECK_EVERY = 60
    settings.REPLICA_MAX_LAG = LAG_BOUND
    # A connection made here, not in DATABASES: the test database setup must not try to create it.
    connections[replicas.REPLICA] = DatabaseWrapper(
        {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": pair.standby.port, "NAME": "postgres",
         "USER": "postgres", "PASSWORD": "", "ATOMIC_REQUESTS": False, "CONN_MAX_AGE": 0,
         "OPTIONS": {"connect_timeout": 2}},
        replicas.REPLICA,
    )
    pair.primary.query("CREATE TABLE IF NOT EXISTS marks (at timestamptz); INSERT INTO marks VALUES (now())")
    pair.caught_up()
    replicas.health.forget()
    yield pair
    connections[replicas.REPLICA].close()
    del connections[replicas.REPLICA]
    replicas.health.forget()


def routed() -> str:
    with replicas.heavy_reads():
        return router.db_for_read(User)


def test_heavy_reads_go_to_the_standby_other_reads_and_writes_to_the_primary(replica, client):
    assert client.get("/replica-probe/").json() == {"alias": "replica", "in_recovery": True}
    assert router.db_for_read(User) == "default"  # a read outside a heavy-read view
    assert router.db_for_write(User) == "default"
    assert not router.allow_migrate(replicas.REPLICA, "governance")


def test_a_writer_reads_from_the_primary_until_the_marker_expires(replica, client):
    client.post("/replica-write/")
    assert client.get("/replica-probe/").json() == {"alias": "default", "in_recovery": False}
    assert client.cookies["gg_wrote"]["max-age"] == 30
    client.cookies.pop("gg_wrote")  # what the browser does after REPLICA_READ_YOUR_WRITES seconds
    assert client.get("/replica-probe/").json()["alias"] == "replica"


def test_a_stopped_standby_sends_reads_to_the_primary_and_is_asked_again_only_after_the_interval(replica):
    assert routed() == "replica"
    replica.standby.stop()
    try:
        assert routed() == "replica"  # the cached answer stands until the next check
        replicas.health.forget()
        connections[replicas.REPLICA].close()
        assert routed() == "default"
        replica.standby.start()
        assert routed() == "default"  # not asked again within REPLICA_CHECK_EVERY
    finally:
        if not replica.standby.folder.joinpath("postmaster.pid").exists():
            replica.standby.start()
    replicas.health.forget()
    assert routed() == "replica"


def test_a_standby_lagging_beyond_the_bound_sends_reads_to_the_primary(replica):
    replica.standby.query("SELECT pg_wal_replay_pause()")
    try:
        replica.primary.query("INSERT INTO marks VALUES (now())")
        deadline = time.monotonic() + 20
        while replica.standby.query(replicas.LAG_SQL)[1] <= LAG_BOUND:  # the wait ends when the lag passes the bound
            assert time.monotonic() < deadline, "replay was paused but the lag never passed the bound"
            time.sleep(0.1)
        replicas.health.forget()
        assert routed() == "default"
    finally:
        replica.standby.query("SELECT pg_wal_replay_resume()")
    replica.caught_up()
    replicas.health.forget()
    assert routed() == "replica"
