"""The permission matrix for the API endpoints (tests/matrix/table.py): every role in
its own area, another township's area and no area, and the anonymous visitor."""

import pytest

from .check import check_route
from .harness import routes
from .table import MATRIX

NAMES = sorted(name for name, route in routes().items() if name in MATRIX and route.pattern.startswith("api/"))


@pytest.mark.parametrize("name", NAMES)
def test_route_answers_as_the_matrix_says(name, matrix, db):
    problems = check_route(name, matrix)
    where = f"{name} ({routes()[name].pattern})"
    assert not problems, f"{where} differs from tests/matrix/table.py:\n" + "\n".join(problems)
