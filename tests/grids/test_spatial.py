import pytest
from django.core.cache import cache

from grids import services, spatial
from grids.coords import bd09_to_gcj02, convert, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02
from grids.models import Area
from tests.factories import square


def test_point_resolves_to_its_grid(world):
    grids = world.grids["411425100"]
    # World grid i of township A is the square lng 115.80 + i*0.01 .. +0.01, lat 34.40 .. 34.41
    for i, grid in enumerate(grids):
        assert spatial.grid_at(34.405, 115.805 + i * 0.01) == grid.id
    assert spatial.grid_at(34.5, 115.805) is None


def test_phone_coordinates_are_converted_before_lookup(world):
    grid = world.grids["411425200"][1]  # lng 115.91–115.92
    lat, lng = wgs84_to_gcj02(34.405, 115.915)
    assert abs(lng - 115.915) > 0.003  # GCJ-02 is several hundred metres off here
    assert spatial.grid_at(lat, lng, crs="GCJ02") == grid.id
    blat, blng = gcj02_to_bd09(lat, lng)
    assert spatial.grid_at(blat, blng, crs="BD09") == grid.id


def test_index_rebuilds_after_a_boundary_change(world, django_capture_on_commit_callbacks):
    grid = world.grids["411425100"][0]
    assert spatial.grid_at(34.605, 115.805) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.update_area(area=grid, boundary=square(115.80, 34.60, 0.01))
    assert spatial.grid_at(34.605, 115.805) == grid.id
    assert spatial.grid_at(34.405, 115.805) is None


def test_index_rebuilds_after_the_cache_was_emptied(world):
    """A flushed or restarted Redis loses the version: the next one must not match an old index."""
    grid = world.grids["411425100"][0]
    cache.clear()
    spatial.invalidate()
    assert spatial.grid_at(34.405, 115.805) == grid.id  # the index is built at this version
    Area.objects.filter(pk=grid.pk).update(boundary=square(115.80, 34.60, 0.01))  # no on-commit hook
    cache.clear()
    spatial.invalidate()
    assert spatial.grid_at(34.405, 115.805) is None
    assert spatial.grid_at(34.605, 115.805) == grid.id


def test_lookup_uses_the_cached_index(world, django_assert_num_queries):
    spatial.grid_at(34.405, 115.805)
    with django_assert_num_queries(0):
        for _ in range(100):
            spatial.grid_at(34.405, 115.815)


@pytest.mark.parametrize("lat,lng", [(34.4, 115.86), (39.9, 116.4), (22.5, 114.1)])
def test_conversions_round_trip(lat, lng):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert back == pytest.approx((lat, lng), abs=1e-6)
    assert bd09_to_gcj02(*gcj02_to_bd09(lat, lng)) == pytest.approx((lat, lng), abs=1e-5)
    assert convert(lat, lng, "WGS84", "WGS84") == (lat, lng)


def test_known_offset():
    # Tiananmen: WGS-84 (39.90734, 116.39089) is about (39.90874, 116.39713) in GCJ-02.
    lat, lng = wgs84_to_gcj02(39.90734, 116.39089)
    assert lat == pytest.approx(39.90874, abs=2e-4) and lng == pytest.approx(116.39713, abs=2e-4)
