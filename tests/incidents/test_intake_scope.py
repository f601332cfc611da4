"""Issue 23 (2): a report names households (parties) and a grid only inside the reporter's scope.

A party household fills the party's name from the household head and is echoed back, so one
outside the reporter's scope would read a head's name and link the case to another area's
household: it answers 404 exactly like a missing one, and nothing is written. The chosen grid
likewise; `parties` is capped."""

import uuid

import pytest

from governance.roles import Role
from grids import services as grid_services
from grids.household_services import ResidentInput, create_household
from incidents.constants import MAX_PARTIES
from incidents.models import Case, CaseParty
from tests.factories import UserFactory

URL = "/api/v1/cases/"


def post(client, loop, **overrides):
    body = {
        "source": "grid_app",
        "category": loop.category("HJ01").id,
        "description": "邻里纠纷，占道堆放",
        "lat": 34.405,
        "lng": 115.905,
        **overrides,
    }
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def household(grid, number, head):
    made, _warnings = create_household(
        grid=grid, number=number, head_name=head, address="一组", residents=[ResidentInput(name=head, relation="head")]
    )
    return made


@pytest.fixture
def homes(loop):
    """One household in the worker's own grid (肖旗乡), one in 城关镇 (another township)."""
    return {
        "own": household(loop.world.grids["411425200"][0], "H-OWN-1", "赵大"),
        "foreign": household(loop.world.grids["411425100"][0], "H-FOREIGN-1", "钱秘密"),
    }


def test_party_household_in_scope_fills_the_name(loop, as_user, homes):
    response = post(as_user(loop.worker), loop, parties=[{"household": homes["own"].id, "role": "responsible"}])
    assert response.status_code == 201, response.content
    assert response.json()["parties"] == [{"name": "赵大", "role": "responsible", "household": homes["own"].id}]


def test_party_household_outside_scope_is_404_like_a_missing_one(loop, as_user, homes):
    worker = as_user(loop.worker)
    before = (Case.objects.count(), CaseParty.objects.count())
    foreign = post(worker, loop, parties=[{"household": homes["foreign"].id}])
    missing = post(worker, loop, parties=[{"household": 999_999_999}])
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert "钱秘密" not in foreign.content.decode()
    assert (Case.objects.count(), CaseParty.objects.count()) == before


def test_accounts_without_household_scope_read_no_head_names(loop, as_user, homes):
    """The insurer holds no area view at all: any household answers 404."""
    insurer = UserFactory(username="baoxian-probe")
    grid_services.assign(user=insurer, area=loop.world.county, role=Role.INSURER)
    response = post(as_user(insurer), loop, source="hotline", parties=[{"household": homes["own"].id}])
    assert response.status_code == 404
    assert "赵大" not in response.content.decode()


def test_chosen_grid_outside_scope_is_404(loop, as_user):
    other_grid = loop.world.grids["411425100"][0]
    before = Case.objects.count()
    response = post(as_user(loop.worker), loop, lat=None, lng=None, grid=other_grid.id)
    missing = post(as_user(loop.worker), loop, lat=None, lng=None, grid=999_999_999)
    assert response.status_code == missing.status_code == 404
    assert Case.objects.count() == before
    centre = post(as_user(loop.operator), loop, source="hotline", lat=None, lng=None, grid=other_grid.id)
    assert centre.status_code == 201, centre.content


def test_parties_are_capped(loop, as_user, homes):
    many = [{"name": f"当事人{i}"} for i in range(MAX_PARTIES + 1)]
    response = post(as_user(loop.worker), loop, parties=many)
    assert response.status_code == 400 and "parties" in response.json()
    assert post(as_user(loop.worker), loop, parties=many[:MAX_PARTIES]).status_code == 201
