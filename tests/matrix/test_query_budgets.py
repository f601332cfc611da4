"""Query budgets of every GET route (docs/performance.md, "Query budgets"): each page and API
list or detail the permission matrix knows, asked by a user it serves, runs the same number of
SQL statements in a small world and in one with four times the records — no statement per row —
and at most `BUDGET` of them.

The two worlds are the matrix's (tests/matrix/world.py) at two sizes, each built once and rolled
back; every route is asked twice in each (the first request warms the per-process and Redis
caches a real server has warm) and the second count is kept. Every route holds: 周评's page, the
last one over (24), came to 15 when its board, rules and sections stopped reading twice."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from grids import spatial

from . import harness
from . import world as matrix_world
from .check import Clients, RouteCheck, served
from .table import MATRIX

BUDGET = 15
# What grows between the two worlds (the disputes demo seeds a fixed number of petitions and
# mediations at any scale: their lists' growth is not what this file shows).
GROWN = ("incidents.Case", "incidents.CaseEvent", "grids.Household", "insurance.Claim", "care.CareVisit")
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
NAMES = sorted(n for n in harness.routes() if n in MATRIX and MATRIX[n].method == "GET" and n != "admin:*")
SMALL, LARGE = {"scale": 0.05, "households_per_grid": 3}, {"scale": 0.2, "households_per_grid": 12}
# County-wide users first: they see every record of the world, so growth shows in their answers.
TRIED_IN_ORDER = ("admin", "command_leader", "command_operator", "township_officer", "grid_worker")

# url name → why its count depends on which object it shows (the two worlds show different ones):
# only the budget is asserted.
VARIES_BY_OBJECT = {
    "incidents:case": "a case another system passed on (Open311, 12345) shows where it came from: one query more",
}


def _statements(client, path) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    return status, sum(not q["sql"].startswith(CONTROL) for q in ctx.captured_queries)


def _measure(size) -> dict[str, tuple[int, int, str]]:
    """url name → (status, statements, who asked) in a world of `size`."""
    clients = Clients(matrix_world.build(**size))
    found = {}
    for name in NAMES:
        route = RouteCheck(name, clients)
        who = next((w for w in (*TRIED_IN_ORDER, *clients.world.users) if served(route.entry, w)), None)
        if who is None:
            continue  # a route nobody is granted by role (a job's or an attachment's own): nothing to count
        kwargs = dict(route.entry.args)
        if route.pk_param:
            if route.own is None:
                continue
            kwargs[route.pk_param] = route.own.pk
        for extra in route.route.params:
            kwargs.setdefault(extra, harness.MISSING)
        query = route.entry.query(clients.world) if callable(route.entry.query) else route.entry.query
        path = harness.url(route.route, kwargs) + (f"?{query}" if query else "")
        client = clients.by_user[who]
        _statements(client, path)
        status, count = _statements(client, path)
        found[name] = (status, count, who)
    found["records"] = tuple(apps.get_model(label).objects.count() for label in GROWN)
    return found


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    measured = []
    for size in (SMALL, LARGE):
        with django_db_blocker.unblock(), transaction.atomic():
            measured.append(_measure(size))
            transaction.set_rollback(True)
        spatial.invalidate()
    return measured


def test_the_large_world_holds_several_times_the_records(counts, db):
    (small, large) = (c["records"] for c in counts)
    grown = dict(zip(GROWN, zip(small, large, strict=True), strict=True))
    assert all(big >= 2 * few > 0 for few, big in grown.values()), grown


@pytest.mark.parametrize("name", NAMES)
def test_a_route_runs_as_many_statements_whatever_the_records(name, counts, db):
    small, large = (c.get(name) for c in counts)
    if small is None:
        pytest.skip("no served user or no own object to ask for")
    (status, few, who), (_status, many, _who) = small, large
    assert status < 400, f"{who} GET {name}: {status}"
    if name in VARIES_BY_OBJECT:
        assert max(few, many) <= BUDGET, f"{name} as {who}: {few} / {many} statements, budget {BUDGET}"
    else:
        assert few == many, f"{name} as {who}: {few} statements in the small world, {many} in the large one"
        assert many <= BUDGET, f"{name} as {who}: {many} statements, budget {BUDGET}"

