"""The city level of the area tree: its code (the 4-digit prefix, as a county is the 6-digit one),
the order of levels (city → county → township), the database's own check, and the
single-county installation unchanged (a county is still a root)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grids import services
from grids.codes import validate_area_code
from grids.levels import AreaLevel, ancestor_path, grid_ancestor_paths
from grids.models import Area


def test_city_code_is_the_four_digit_prefix():
    validate_area_code(AreaLevel.CITY, "4114", None)
    for bad in ("411400", "41", "4100", "0914", "41a4"):
        with pytest.raises(ValidationError):
            validate_area_code(AreaLevel.CITY, bad, None)


def test_a_county_under_a_city_starts_with_its_code():
    validate_area_code(AreaLevel.COUNTY, "411425", "4114")
    with pytest.raises(ValidationError) as exc:
        validate_area_code(AreaLevel.COUNTY, "411325", "4114")
    assert "4114" in exc.value.message_dict["code"][0]


@pytest.mark.django_db
def test_the_tree_takes_a_city_above_its_counties(pref):
    assert pref.city.depth == 1 and pref.city.level == AreaLevel.CITY
    assert pref.yucheng.county.depth == 2 and Area.objects.get_parent(pref.yucheng.county) == pref.city
    assert pref.xiayi_grids[0].depth == 5
    counties = Area.objects.filter(path__startswith=pref.city.path, level=AreaLevel.COUNTY)
    assert sorted(counties.values_list("code", flat=True)) == ["411425", "411426"]
    grid = pref.xiayi_grids[0]
    up = grid_ancestor_paths(grid.path)
    assert up[AreaLevel.COUNTY] == pref.xiayi.path and up[AreaLevel.VILLAGE] == pref.xiayi_village.path
    assert ancestor_path(grid.path, AreaLevel.GRID, AreaLevel.CITY) == pref.city.path


@pytest.mark.django_db
def test_only_a_county_sits_under_a_city(pref):
    with pytest.raises(ValidationError) as exc:
        services.create_area(parent=pref.city, level=AreaLevel.TOWNSHIP, code="4114100", name="错")
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a city under a county
        services.create_area(parent=pref.xiayi, level=AreaLevel.CITY, code="4115", name="错")
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a county of another city
        services.create_area(parent=pref.city, level=AreaLevel.COUNTY, code="411521", name="错")
    assert "code" in exc.value.message_dict


@pytest.mark.django_db
def test_the_database_checks_a_city_code_too(pref):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Area.objects.filter(pk=pref.city.pk).update(code="411400")


@pytest.mark.django_db
def test_a_county_alone_is_still_a_root():
    county = services.create_area(parent=None, level=AreaLevel.COUNTY, code="411425", name="虞城县")
    assert county.depth == 1
    with pytest.raises(ValidationError) as exc:
        services.create_area(parent=None, level=AreaLevel.TOWNSHIP, code="411425100", name="城关镇")
    assert exc.value.message_dict["parent"] == ["只有市级或县级区域可以没有上级。"]


@pytest.mark.django_db
def test_the_area_export_names_the_city(pref):
    import csv
    import io

    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(pref.city_operator)
    response = client.get("/api/v1/exports/areas/?format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    by_code = {r[0]: r for r in rows[1:]}
    assert "市" in by_code["4114"] and "县" in by_code["411426"]
    assert len([r for r in rows[1:] if r[0].startswith("411426")]) == 1 + 1 + 1 + 2  # 夏邑县's tree
