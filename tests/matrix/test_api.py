"""The permission matrix for the API endpoints (tests/matrix/table.py): every role in
its own area, another township's area and no area, and the anonymous visitor."""

import pytest

from .check import check_route
from .harness import area_bound, instances, routes
from .table import MATRIX

NAMES = sorted(name for name, route in routes().items() if name in MATRIX and route.pattern.startswith("api/"))


@pytest.mark.parametrize("name", NAMES)
def test_route_answers_as_the_matrix_says(name, matrix, db):
    problems = check_route(name, matrix)
    where = f"{name} ({routes()[name].pattern})"
    assert not problems, f"{where} differs from tests/matrix/table.py:\n" + "\n".join(problems)

# Rows the world has none of: their routes are checked with an id that does not exist only.
NOT_IN_THE_WORLD = {"governance.Job", "incidents.RoutingRule"}  # a user's own export jobs; console-made rules


def test_every_object_the_matrix_names_exists_in_both_townships(matrix, db):
    """Otherwise its routes' checks would quietly check less: the demo must seed each kind in A and B."""
    labels = sorted({entry.obj for entry in MATRIX.values() if entry.obj} - NOT_IN_THE_WORLD)
    absent = []
    for label in labels:
        own, other = instances(label, matrix.world)
        if own is None or (other is None and area_bound(label)):
            absent.append(label)
    assert not absent, f"the matrix world has no row of township A or B for {absent}: seed them in the app's demo"
