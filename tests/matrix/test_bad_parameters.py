"""Every GET route of the matrix (pages and API) with nonsense in the query parameters the
platform's filters read — letters where ids, levels, dates and page numbers go, a NUL byte in the
search box — answers as it would to a person who typed them: served or a 4xx, never a 5xx."""

from urllib.parse import urlencode

import pytest

from . import harness
from .check import RouteCheck, served
from .table import MATRIX

NAMES = sorted(n for n in harness.routes() if n in MATRIX and MATRIX[n].method == "GET" and n != "admin:*")
FILTERS = (
    "under", "area", "level", "township", "village", "grid", "county", "category", "status", "state", "kind",
    "source", "page_size", "year", "month", "week", "date", "day", "start", "end", "since", "until",
    "from", "to", "ordering",
)  # fmt: skip
NONSENSE = (
    urlencode({name: "x'1" for name in FILTERS} | {"q": "x' OR 1=1 --"}),  # letters where numbers go
    urlencode({"page": "x'1"}),  # alone: a page that is no number is not found (404), before any filter is read
    urlencode({"q": "\x00"}),  # PostgreSQL takes no NUL in a string
)
# County-wide users first: every route's parameters then point at something the user may see
# (a route nobody is granted by role — a job's or an attachment's own — is asked by the admin).
TRIED_IN_ORDER = ("admin", "command_leader", "command_operator", "township_officer", "grid_worker")


@pytest.mark.parametrize("name", NAMES)
def test_nonsense_parameters_never_answer_5xx(name, matrix, db):
    route = RouteCheck(name, matrix)
    who = next((w for w in (*TRIED_IN_ORDER, *matrix.world.users) if served(route.entry, w)), "admin")
    kwargs = dict(route.entry.args)
    if route.pk_param:
        kwargs[route.pk_param] = route.own.pk if route.own else harness.MISSING
    for extra in route.route.params:
        kwargs.setdefault(extra, harness.MISSING)
    query = route.entry.query(matrix.world) if callable(route.entry.query) else route.entry.query
    for nonsense in NONSENSE:
        path = f"{harness.url(route.route, kwargs)}?{query + '&' if query else ''}{nonsense}"
        status = matrix.by_user[who].get(path).status_code
        assert status < 500, f"{who} GET {path}: {status}"
