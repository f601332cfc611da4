"""Scope across the whole grids API: the township officer of 城关镇 (A) sees only A's subtree and
gets 404 — never 403 — on anything of 肖旗乡 (B), on detail, on every action and on writes."""

import pytest

from governance.roles import Role
from grids import services
from grids.models import Area, Assignment, Household, Resident
from tests.factories import UserFactory
from tests.grids.conftest import make_id_number

API = "/api/v1/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def scene(world, make_household, make_resident):
    """A household and a grid worker in each township."""
    a_grid, b_grid = world.grids["411425100"][0], world.grids["411425200"][0]
    a_worker, b_worker = UserFactory(full_name="甲网格员"), UserFactory(full_name="乙网格员")
    return {
        "a_household": make_household(a_grid, residents=[make_resident("甲", seq=1)]),
        "b_household": make_household(b_grid, residents=[make_resident("乙", seq=2)]),
        "a_assignment": services.assign(user=a_worker, area=a_grid, role=Role.GRID_WORKER),
        "b_assignment": services.assign(user=b_worker, area=b_grid, role=Role.GRID_WORKER),
        "a_worker": a_worker,
        "b_worker": b_worker,
    }


def a_subtree(world):
    return {world.a.id} | {v.id for v in world.villages["411425100"]} | {g.id for g in world.grids["411425100"]}


# ---------------------------------------------------------------------------- lists


def test_lists_hold_only_the_officers_subtree(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    assert ids(client.get(f"{API}areas/")) == a_subtree(world)
    assert ids(client.get(f"{API}areas/vacant/")) == {g.id for g in world.grids["411425100"][1:]}
    assert ids(client.get(f"{API}households/")) == {scene["a_household"].id}
    a_officer_assignment = Assignment.objects.get(user=officer_a)
    assert ids(client.get(f"{API}assignments/")) == {scene["a_assignment"].id, a_officer_assignment.id}
    assert ids(client.get(f"{API}people/")) == {officer_a.id, scene["a_worker"].id}


def test_filters_cannot_reach_outside_the_scope(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    b_grid = world.grids["411425200"][0]
    assert ids(client.get(f"{API}areas/", {"under": world.b.id})) == set()
    assert ids(client.get(f"{API}areas/", {"parent": world.county.id})) == set()
    assert ids(client.get(f"{API}areas/", {"code": world.b.code})) == set()
    assert ids(client.get(f"{API}households/", {"grid": b_grid.id})) == set()
    assert ids(client.get(f"{API}households/", {"under": world.county.id})) == set()
    assert ids(client.post(f"{API}households/search/", {"id_number": make_id_number(2)}, format="json")) == set()
    assert ids(client.get(f"{API}assignments/", {"area": b_grid.id})) == set()
    assert ids(client.get(f"{API}people/", {"under": world.b.id})) == set()


# ---------------------------------------------------------------------------- 404 on B


def b_urls(world, scene):
    b_grid, b_village = world.grids["411425200"][0], world.villages["411425200"][0]
    hh, asg = scene["b_household"].id, scene["b_assignment"].id
    return [
        ("get", f"{API}areas/{world.b.id}/", None),
        ("get", f"{API}areas/{b_village.id}/children/", None),
        ("get", f"{API}areas/{b_grid.id}/responsible/", None),
        ("get", f"{API}areas/resolve/?lat=34.405&lng=115.905", None),
        ("patch", f"{API}areas/{b_grid.id}/", {"name": "改名"}),
        ("get", f"{API}households/{hh}/", None),
        ("patch", f"{API}households/{hh}/", {"colour": "red"}),
        ("put", f"{API}households/{hh}/residents/", {"residents": []}),
        ("get", f"{API}assignments/{asg}/", None),
        ("post", f"{API}assignments/{asg}/end/", {}),
        ("post", f"{API}assignments/{asg}/transfer/", {"to_area": world.grids["411425100"][3].id}),
        ("get", f"{API}people/{scene['b_worker'].id}/", None),
    ]


def test_everything_of_the_other_township_is_404(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    for method, url, body in b_urls(world, scene):
        response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
    # …and nothing changed.
    assert Household.objects.get(pk=scene["b_household"].pk).colour == "green"
    assert Resident.objects.filter(household=scene["b_household"]).count() == 1
    assert Assignment.objects.get(pk=scene["b_assignment"].pk).end_date is None
    assert Area.objects.get(pk=world.grids["411425200"][0].pk).name == "肖旗乡1村第1网格"


def test_the_same_calls_reach_the_other_officer(world, as_user, officer_b, scene):
    """The 404s above are about scope, not about broken URLs: B's own officer gets past the lookup."""
    client = as_user(officer_b)
    for method, url, body in b_urls(world, scene):
        response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
        assert response.status_code in (200, 403), (method, url, response.status_code)


def test_out_of_scope_answers_like_missing(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    hidden = client.get(f"{API}households/{scene['b_household'].id}/")
    missing = client.get(f"{API}households/999999999/")
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert client.get(f"{API}households/99999999999999999999/").status_code == 404  # beyond bigint
    assert client.get(f"{API}areas/abc/").status_code == 404
    in_b = client.get(f"{API}areas/resolve/", {"lat": 34.405, "lng": 115.905})
    in_no_grid = client.get(f"{API}areas/resolve/", {"lat": 34.6, "lng": 115.905})
    assert in_b.status_code == in_no_grid.status_code == 404 and in_b.json() == in_no_grid.json()


def test_writes_naming_an_area_of_the_other_township_are_refused(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    body = {"number": "X-1", "head_name": "某人", "address": "某地"}
    hidden = client.post(f"{API}households/", {**body, "grid": world.grids["411425200"][1].id}, format="json")
    missing = client.post(f"{API}households/", {**body, "grid": 999999999}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert "999999999" in missing.json()["grid"][0]  # the same message, for an id that does not exist
    assert hidden.json()["grid"][0] == missing.json()["grid"][0].replace(
        "999999999", str(world.grids["411425200"][1].id)
    )
    assert not Household.objects.filter(number="X-1").exists()


def test_visible_but_not_changeable_is_403(world, as_user, officer_a, scene):
    client = as_user(officer_a)
    a_assignment = scene["a_assignment"]
    assert client.patch(f"{API}areas/{world.a.id}/", {"name": "改名"}, format="json").status_code == 403
    assert client.post(f"{API}assignments/{a_assignment.id}/end/", {}, format="json").status_code == 403
    assert (
        client.patch(f"{API}households/{scene['a_household'].id}/", {"colour": "red"}, format="json").status_code == 200
    )


def test_anonymous_gets_nothing(api, world):
    for url in ("areas/", "people/", "assignments/", "households/", f"areas/{world.a.id}/"):
        assert api.get(f"{API}{url}").status_code in (401, 403)
