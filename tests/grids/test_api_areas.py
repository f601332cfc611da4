"""/api/v1/areas/: list, filters, subtree, children, vacancies, point lookup, history, writes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.roles import Role
from grids import services
from grids.coords import convert, wgs84_to_gcj02
from grids.levels import AreaLevel
from grids.models import Area
from tests.factories import UserFactory, square

URL = "/api/v1/areas/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


# ---------------------------------------------------------------------------- list and detail


def test_list_shows_fields_without_boundary(world, as_user):
    response = as_user(world.admin).get(URL, {"level": "grid", "code": world.grids["411425100"][1].code})
    [row] = response.json()["results"]
    grid, village = world.grids["411425100"][1], world.villages["411425100"][0]
    assert row == {
        "id": grid.id,
        "code": "411425100201002",
        "name": grid.name,
        "level": "grid",
        "level_label": "基础网格",
        "parent": village.id,
        "depth": 4,
        "center": {"lat": 34.405, "lng": pytest.approx(115.815)},
        "population": 0,
        "household_count": 0,
    }
    assert "count" not in response.json()  # cursor pagination: no COUNT(*)


def test_county_has_no_parent_and_no_centre(world, as_user):
    [row] = as_user(world.admin).get(URL, {"level": "county"}).json()["results"]
    assert row["parent"] is None and row["center"] is None and row["depth"] == 1


def test_boundary_on_detail_and_on_request(world, as_user):
    client = as_user(world.admin)
    grid = world.grids["411425200"][0]
    detail = client.get(f"{URL}{grid.id}/").json()
    assert detail["boundary"] == grid.boundary and detail["boundary"]["type"] == "Polygon"
    assert detail["parent"] == world.villages["411425200"][0].id
    rows = client.get(URL, {"with_boundary": "1", "code": grid.code}).json()["results"]
    assert rows[0]["boundary"]["type"] == "Polygon"
    assert "boundary" not in client.get(URL, {"code": grid.code}).json()["results"][0]


def test_cursor_pages_through_everything(world, as_user):
    client = as_user(world.admin)
    seen, page = [], client.get(URL, {"page_size": 4}).json()
    while True:
        seen += [row["id"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == Area.objects.count() == 15


# ---------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"level": "grid"}, 8),
        ({"level": "township"}, 2),
        ({"name": "肖旗"}, 7),  # the township, its 2 villages and their 4 grids
        ({"name": "第2网格"}, 4),
        ({"has_boundary": "true"}, 8),
        ({"has_boundary": "false"}, 7),
        ({"level": "grid", "name": "城关镇1村"}, 2),
    ],
)
def test_filters(world, as_user, params, expected):
    assert len(ids(as_user(world.admin).get(URL, params))) == expected


def test_code_and_parent_filters(world, as_user):
    client = as_user(world.admin)
    village = world.villages["411425200"][1]
    assert ids(client.get(URL, {"code": village.code})) == {village.id}
    assert ids(client.get(URL, {"parent": village.id})) == {g.id for g in world.grids["411425200"][2:]}
    assert ids(client.get(URL, {"parent": world.county.id})) == {world.a.id, world.b.id}


def test_under_is_the_whole_subtree(world, as_user):
    client = as_user(world.admin)
    expected = {world.b.id} | {v.id for v in world.villages["411425200"]} | {g.id for g in world.grids["411425200"]}
    assert ids(client.get(URL, {"under": world.b.id})) == expected
    village = world.villages["411425100"][0]
    assert ids(client.get(URL, {"under": village.id, "level": "grid"})) == {g.id for g in world.grids["411425100"][:2]}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"level": "province"}, "level"),
        ({"under": "abc"}, "under"),
        ({"parent": "1.5"}, "parent"),
        ({"under": "-3"}, "under"),
    ],
)
def test_bad_filter_values_are_400(world, as_user, params, field):
    response = as_user(world.admin).get(URL, params)
    assert response.status_code == 400
    assert is_chinese(response.json()[field][0])


def test_unknown_under_gives_nothing_not_an_error(world, as_user):
    assert ids(as_user(world.admin).get(URL, {"under": 99999999999})) == set()


# ---------------------------------------------------------------------------- children, vacancies


def test_children(world, as_user):
    client = as_user(world.admin)
    assert ids(client.get(f"{URL}{world.a.id}/children/")) == {v.id for v in world.villages["411425100"]}
    village = world.villages["411425100"][1]
    # A list filter on the children must not filter away the parent itself (a village).
    children = client.get(f"{URL}{village.id}/children/", {"level": "grid"})
    assert ids(children) == {g.id for g in world.grids["411425100"][2:]}
    assert ids(client.get(f"{URL}{world.grids['411425100'][0].id}/children/")) == set()


def test_vacant_grids(world, as_user, make_worker):
    client = as_user(world.admin)
    all_grids = {g.id for grids in world.grids.values() for g in grids}
    assert ids(client.get(f"{URL}vacant/")) == all_grids
    staffed = world.grids["411425100"][0]
    make_worker(staffed)
    ended = world.grids["411425100"][1]
    worker = make_worker(ended)
    services.end_assignment(assignment=worker.assignments.get())
    make_worker(world.villages["411425100"][0], role=Role.GRID_LEADER)  # not a grid worker: still vacant
    assert ids(client.get(f"{URL}vacant/")) == all_grids - {staffed.id}
    assert ids(client.get(f"{URL}vacant/", {"under": world.a.id})) == {g.id for g in world.grids["411425100"][1:]}
    assert client.get(f"{URL}vacant/", {"under": "x"}).status_code == 400


# ---------------------------------------------------------------------------- point → grid


def test_resolve_a_point_in_wgs84_gcj02_and_bd09(world, as_user):
    client = as_user(world.admin)
    grid, east_neighbour = world.grids["411425200"][1], world.grids["411425200"][2]  # lng 115.91–115.92, 115.92–
    lat, lng = 34.405, 115.9175
    response = client.get(f"{URL}resolve/", {"lat": lat, "lng": lng})
    assert response.status_code == 200 and response.json()["id"] == grid.id
    glat, glng = wgs84_to_gcj02(lat, lng)
    assert client.get(f"{URL}resolve/", {"lat": glat, "lng": glng, "crs": "GCJ02"}).json()["id"] == grid.id
    # The same numbers read as WGS-84 land half a kilometre east: the conversion matters.
    assert client.get(f"{URL}resolve/", {"lat": glat, "lng": glng}).json()["id"] == east_neighbour.id
    blat, blng = convert(lat, lng, "WGS84", "BD09")
    assert client.get(f"{URL}resolve/", {"lat": blat, "lng": blng, "crs": "BD09"}).json()["id"] == grid.id


def test_resolve_outside_every_grid_is_404(world, as_user):
    response = as_user(world.admin).get(f"{URL}resolve/", {"lat": 34.5, "lng": 115.805})
    assert response.status_code == 404
    assert is_chinese(response.json()["detail"])


@pytest.mark.parametrize(
    "params,field",
    [
        ({"lat": "abc", "lng": "115.8"}, "lat"),
        ({"lat": "95", "lng": "115.8"}, "lat"),
        ({"lat": "34.4", "lng": "-181"}, "lng"),
        ({"lat": "nan", "lng": "115.8"}, "lat"),
        ({"lat": "34.4"}, "lng"),
        ({"lat": "34.4", "lng": "115.8", "crs": "CGCS2000"}, "crs"),
    ],
)
def test_resolve_bad_input_is_400(world, as_user, params, field):
    response = as_user(world.admin).get(f"{URL}resolve/", params)
    assert response.status_code == 400
    assert is_chinese(response.json()[field][0])


# ---------------------------------------------------------------------------- who was responsible


def test_responsible_on_a_date_follows_history(world, as_user):
    grid = world.grids["411425100"][0]
    today = timezone.localdate()
    first, second = UserFactory(full_name="老网格员"), UserFactory(full_name="新网格员")
    old = services.assign(user=first, area=grid, role=Role.GRID_WORKER, start_date=today - timedelta(days=30))
    services.end_assignment(assignment=old, end_date=today - timedelta(days=10))
    services.assign(user=second, area=grid, role=Role.GRID_WORKER, start_date=today - timedelta(days=10))
    client = as_user(world.admin)

    def who(day, **params):
        response = client.get(f"{URL}{grid.id}/responsible/", {"date": day.isoformat(), **params})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["area"] == grid.id and body["date"] == day.isoformat()
        return body["assignment"] and body["assignment"]["user_name"]

    assert who(today - timedelta(days=31)) is None
    assert who(today - timedelta(days=30)) == "老网格员"
    assert who(today - timedelta(days=11)) == "老网格员"
    assert who(today - timedelta(days=10)) == "新网格员"  # the end day belongs to the successor
    assert who(today) == "新网格员"
    assert who(today, role="grid_leader") is None
    default = client.get(f"{URL}{grid.id}/responsible/").json()
    assert default["date"] == today.isoformat() and default["assignment"]["user_name"] == "新网格员"


@pytest.mark.parametrize("params,field", [({"date": "2024-02-30"}, "date"), ({"role": "mayor"}, "role")])
def test_responsible_bad_input_is_400(world, as_user, params, field):
    response = as_user(world.admin).get(f"{URL}{world.grids['411425100'][0].id}/responsible/", params)
    assert response.status_code == 400
    assert is_chinese(response.json()[field][0])


# ---------------------------------------------------------------------------- writes


def test_admin_creates_an_area(world, as_user):
    village = world.villages["411425100"][0]
    body = {
        "parent": village.id,
        "level": "grid",
        "code": "411425100201003",
        "name": "城关镇1村第3网格",
        "boundary": square(115.80, 34.41, 0.01),
        "center_lat": 34.415,
        "center_lng": 115.805,
        "population": 96,
        "household_count": 27,
    }
    response = as_user(world.admin).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    created = Area.objects.get(code="411425100201003")
    assert response.json()["id"] == created.id and response.json()["parent"] == village.id
    assert response.json()["boundary"] == body["boundary"] and created.household_count == 27
    assert created.get_parent() == village and created.depth == 4


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"code": "411425100201"}, "code"),  # a village's code for a grid
        ({"code": "411425200201003"}, "code"),  # not under the parent
        ({"code": "411425100201001"}, "code"),  # exists already
        ({"level": "township"}, "level"),
        ({"level": "state"}, "level"),
        ({"parent": 99999999}, "parent"),
        ({"parent": "x"}, "parent"),
        ({"name": "  "}, "name"),
        ({"boundary": {"type": "Point", "coordinates": [1, 2]}}, "boundary"),
        ({"boundary": {"type": "Polygon", "coordinates": "junk"}}, "boundary"),
        ({"center_lat": 34.4}, "center_lat"),  # without a longitude
        ({"center_lat": 95, "center_lng": 115.8}, "center_lat"),
        ({"center_lat": "north", "center_lng": 115.8}, "center_lat"),
        ({"population": -1}, "population"),
    ],
)
def test_create_area_bad_input_is_400(world, as_user, changes, field):
    body = {"parent": world.villages["411425100"][0].id, "level": "grid", "code": "411425100201003", "name": "新网格"}
    response = as_user(world.admin).post(URL, {**body, **changes}, format="json")
    assert response.status_code == 400, response.content
    assert is_chinese(response.json()[field][0])
    assert not Area.objects.filter(name="新网格").exists()


def test_malformed_json_is_400_in_chinese(world, as_user):
    response = as_user(world.admin).generic("POST", URL, '{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert is_chinese(response.json()["detail"])


def test_only_platform_admins_create_or_change_areas(world, as_user, officer_a):
    client = as_user(officer_a)
    body = {"parent": world.a.id, "level": "village", "code": "411425100209", "name": "新村"}
    assert client.post(URL, body, format="json").status_code == 403
    response = client.patch(f"{URL}{world.a.id}/", {"name": "改名"}, format="json")
    assert response.status_code == 403  # sees it, may not change it
    assert is_chinese(response.json()["detail"])
    assert Area.objects.get(pk=world.a.pk).name == "城关镇"


def test_admin_updates_an_area(world, as_user):
    grid = world.grids["411425100"][0]
    client = as_user(world.admin)
    response = client.patch(f"{URL}{grid.id}/", {"name": "东关网格", "population": 88}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "东关网格" and response.json()["parent"] == world.villages["411425100"][0].id
    grid.refresh_from_db()
    assert (grid.name, grid.population, grid.code) == ("东关网格", 88, "411425100201001")


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"code": "411425100201009"}, "code"),
        ({"level": "village"}, "level"),
        ({"parent": 1}, "parent"),
        ({"boundary": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}, "boundary"),
        ({"center_lng": 200}, "center_lng"),
        ({"population": "many"}, "population"),
        ({"shape": "round"}, "shape"),
    ],
)
def test_update_area_bad_input_is_400(world, as_user, changes, field):
    grid = world.grids["411425100"][0]
    response = as_user(world.admin).patch(f"{URL}{grid.id}/", changes, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert all(is_chinese(m) for messages in response.json().values() for m in messages)
    grid.refresh_from_db()
    assert grid.code == "411425100201001" and grid.boundary == square(115.80, 34.40, 0.01)


def test_new_county_root_by_superuser(db, as_user):
    root = UserFactory(is_superuser=True)
    response = as_user(root).post(URL, {"level": "county", "code": "411426", "name": "夏邑县"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["parent"] is None and response.json()["level_label"] == AreaLevel.COUNTY.label


# ---------------------------------------------------------------------------- query counts


def _grow_tree(world, n):
    """Add `n` villages with two grids each under township A."""
    for i in range(n):
        village = services.create_area(
            parent=world.a, level=AreaLevel.VILLAGE, code=f"411425100{300 + i:03d}", name=f"新村{i}"
        )
        for g in range(2):
            services.create_area(
                parent=village,
                level=AreaLevel.GRID,
                code=f"{village.code}{g + 1:03d}",
                name=f"新村{i}第{g + 1}网格",
                boundary=square(116 + i * 0.02 + g * 0.01, 34.5, 0.01),
                center_lat=34.505,
                center_lng=116.005,
            )


@pytest.mark.parametrize(
    "path,params",
    [
        ("", {}),
        ("", {"with_boundary": "1", "under": "A"}),
        ("A/children/", {}),
        ("vacant/", {"under": "A"}),
    ],
)
def test_list_queries_do_not_grow_with_data(world, as_user, count_queries, path, params):
    client = as_user(world.admin)
    path = path.replace("A", str(world.a.id))
    params = {k: (world.a.id if v == "A" else v) for k, v in params.items()}

    def fetch():
        response = client.get(URL + path, params)
        assert response.status_code == 200
        return len(response.json()["results"])

    small, small_queries = count_queries(fetch)
    _grow_tree(world, 5)
    large, large_queries = count_queries(fetch)
    assert large > small
    assert large_queries == small_queries
