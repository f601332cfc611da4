"""Every route the URL resolver knows has an entry in the permission matrix, and no entry is stale."""

from .harness import routes
from .table import MATRIX


def test_every_route_has_an_entry_in_the_matrix():
    missing = {name: route.pattern for name, route in routes().items() if name not in MATRIX}
    assert not missing, (
        "These routes have no entry in the permission matrix. Add one line per route to MATRIX in "
        "tests/matrix/table.py, e.g.\n"
        + "\n".join(f'    "{name}": Entry(SIGNED_IN),  # {pattern}' for name, pattern in sorted(missing.items()))
        + "\nwith `ok` = who is served on their own area (PUBLIC, SIGNED_IN, CASE_ROLES …, roles(\"admin\", …)), "
        '`obj="app.Model"` when the URL names a row by <pk>, `method="POST"` for an action, `denied=404` when '
        "the others get 404. See docs/permissions.md, \"The permission matrix\"."
    )


def test_no_entry_names_a_route_that_is_gone():
    stale = sorted(set(MATRIX) - set(routes()))
    assert not stale, f"Remove these entries from MATRIX in tests/matrix/table.py (no such route): {stale}"
