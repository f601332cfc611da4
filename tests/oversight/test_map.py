"""The grid map's endpoints: boundaries per level with open / overdue counts, case points, scoping,
the tile setting and query counts."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from grids import services as grid_services
from grids import spatial
from incidents.constants import OPEN_STATES, CaseStatus
from oversight.scope import resolve_scope
from tests.factories import square

A, B = "411425100", "411425200"


def layer(client, user, **params):
    client.force_login(user)
    response = client.get("/api/v1/oversight/map/areas/", params)
    assert response.status_code == 200, response.content
    return {f["properties"]["id"]: f for f in response.json()["features"]}


def layer_links(client, level="grid"):
    return client.get("/api/v1/oversight/map/areas/", {"level": level}).json()["links"]


def test_grid_layer_counts_open_and_overdue_cases_per_grid(client, known):
    features = layer(client, known.operator, level="grid")
    assert set(features) == {g.id for grids in known.world.grids.values() for g in grids}
    for grid in [g for grids in known.world.grids.values() for g in grids]:
        mine = [c for c in known.made if c.grid_id == grid.id and c.status in OPEN_STATES]
        props = features[grid.id]["properties"]
        assert props["open"] == len(mine)
        assert props["overdue"] == sum(1 for c in mine if c.due_at and c.due_at < known.now)
    assert layer_links(client)["open"].startswith("/desk/?grid={id}&status=")
    square = features[known.world.grids[A][0].id]["geometry"]
    assert square["type"] == "Polygon" and len(square["coordinates"][0]) == 5  # a square stays a square
    lat, lng = features[known.world.grids[A][0].id]["properties"]["label"]  # where the name is written
    (west, south), (east, north) = square["coordinates"][0][0], square["coordinates"][0][2]
    assert min(south, north) < lat < max(south, north) and min(west, east) < lng < max(west, east)


def test_township_layer_and_a_township_officer_sees_only_their_own(client, known):
    grid_services.update_area(area=known.world.a, boundary=square(115.80, 34.40, 0.04))
    townships = layer(client, known.operator, level="township")
    assert set(townships) == {known.world.a.id}  # 肖旗乡 has no boundary: nothing to draw
    props = townships[known.world.a.id]["properties"]
    assert (props["open"], props["overdue"]) == (3, 1)
    officer = known.world.officers[A]
    features = layer(client, officer, level="grid")
    assert set(features) == {g.id for g in known.world.grids[A]}
    client.force_login(officer)
    assert client.get("/api/v1/oversight/map/areas/", {"level": "grid", "area": known.world.b.id}).status_code == 404
    assert client.get("/api/v1/oversight/map/cases/", {"area": known.world.county.id}).status_code == 404


def test_a_bad_level_is_a_400_in_chinese(client, known):
    client.force_login(known.operator)
    response = client.get("/api/v1/oversight/map/areas/", {"level": "planet"})
    assert response.status_code == 400 and "level" in response.json()
    assert re.search(r"[\u4e00-\u9fff]", response.json()["level"][0])


def test_case_points_are_the_open_cases_with_links_to_their_pages(client, known):
    client.force_login(known.operator)
    data = client.get("/api/v1/oversight/map/cases/").json()
    numbers = {f["properties"]["number"] for f in data["features"]}
    assert numbers == {c.number for c in known.made if c.status in OPEN_STATES}
    first = data["features"][0]
    assert first["properties"]["url"] == f"/cases/{first['id']}/"
    assert first["geometry"]["type"] == "Point" and data["truncated"] is False
    overdue = client.get("/api/v1/oversight/map/cases/", {"overdue": "true"}).json()
    assert {f["properties"]["number"] for f in overdue["features"]} == {
        c.number for c in known.made if c.status in OPEN_STATES and c.due_at and c.due_at < known.now
    }


def _map_config(page: str) -> dict:
    return json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page, re.S)[1])


def test_the_map_page_has_no_tiles_unless_a_tile_server_is_set(client, known):
    client.force_login(known.operator)
    page = client.get("/oversight/map/").content.decode()
    config = _map_config(page)
    assert config["tileUrl"] == "" and [lv["level"] for lv in config["levels"]] == ["township", "village", "grid"]
    assert "vendor/leaflet/leaflet.js" in page and "https://" not in page
    with override_settings(MAP_TILE_URL="http://tiles.intranet/{z}/{x}/{y}.png", MAP_TILE_CRS="GCJ02"):
        config = _map_config(client.get("/oversight/map/").content.decode())
    assert config["tileUrl"].startswith("http://tiles.intranet/") and config["tileCrs"] == "GCJ02"
    client.force_login(known.world.officers[A])
    config = _map_config(client.get("/oversight/map/").content.decode())
    assert [lv["level"] for lv in config["levels"]] == ["village", "grid"]


@pytest.mark.parametrize("extra", [0, 30])
def test_map_query_counts_do_not_grow(client, known, django_assert_max_num_queries, extra):
    for i in range(extra):
        known.add(A if i % 2 else B, i % 4, status=CaseStatus.DISPATCHED, due_at=known.now)
    client.force_login(known.operator)
    with django_assert_max_num_queries(9):  # 2 savepoints, session, user, roles, grants, area, boundaries, counts
        assert client.get("/api/v1/oversight/map/areas/", {"level": "grid"}).status_code == 200
    with django_assert_max_num_queries(8):  # the same, with one query for the points
        assert client.get("/api/v1/oversight/map/cases/").status_code == 200


def test_the_layers_are_cached_as_their_json_and_served_from_it(client, known):
    """A layer is cached as its encoded JSON (oversight.mapping._cached_json: thousands of features
    read back as Python objects cost a p95 of ≈ 85 ms in the collector's passes), and a second
    request is answered from those bytes without reading a case or an area."""
    client.force_login(known.operator)
    scope = resolve_scope(known.operator, None)
    keys = {
        "cases": f"oversight:map-cases:{scope.cache_key}:0",
        "areas": f"oversight:map-areas:{scope.cache_key}:grid:v{spatial.boundary_version()}",
    }
    for path, params in (("cases", {}), ("areas", {"level": "grid"})):
        first = client.get(f"/api/v1/oversight/map/{path}/", params)
        with CaptureQueriesContext(connection) as ctx:
            again = client.get(f"/api/v1/oversight/map/{path}/", params)
        assert again.content == first.content == cache.get(keys[path])
        assert again["Content-Type"] == "application/json" and first.json()["features"]
        assert not [q for q in ctx.captured_queries if "incidents_case" in q["sql"] or "boundary" in q["sql"]]
