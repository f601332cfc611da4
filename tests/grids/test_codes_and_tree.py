import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from grids import selectors, services
from grids.codes import validate_area_code
from grids.levels import AreaLevel
from grids.models import Area


@pytest.mark.parametrize(
    "level,code,parent",
    [
        (AreaLevel.COUNTY, "411425", None),
        (AreaLevel.TOWNSHIP, "411425100", "411425"),
        (AreaLevel.VILLAGE, "411425100001", "411425100"),
        (AreaLevel.GRID, "411425100001001", "411425100001"),
        (AreaLevel.MICRO_GRID, "41142510000100101", "411425100001001"),
    ],
)
def test_valid_codes(level, code, parent):
    validate_area_code(level, code, parent)


@pytest.mark.parametrize(
    "level,code,parent,message",
    [
        (AreaLevel.COUNTY, "41142", None, "6 位数字"),
        (AreaLevel.COUNTY, "41142A", None, "6 位数字"),
        (AreaLevel.COUNTY, "411400", None, "GB/T 2260"),
        (AreaLevel.COUNTY, "011425", None, "GB/T 2260"),
        (AreaLevel.TOWNSHIP, "41142510", "411425", "9 位数字"),
        (AreaLevel.TOWNSHIP, "411426100", "411425", "411425 开头"),
        (AreaLevel.TOWNSHIP, "411425000", "411425", "全为 0"),
        (AreaLevel.VILLAGE, "411425100", "411425100", "12 位数字"),
        (AreaLevel.GRID, "411425100002001", "411425100001", "开头"),
    ],
)
def test_invalid_codes(level, code, parent, message):
    with pytest.raises(ValidationError) as exc:
        validate_area_code(level, code, parent)
    assert message in exc.value.message_dict["code"][0]


def test_level_must_follow_parent(world):
    with pytest.raises(ValidationError) as exc:
        services.create_area(parent=world.a, level=AreaLevel.GRID, code="411425100999", name="越级网格")
    assert "level" in exc.value.message_dict
    assert not Area.objects.filter(code="411425100999").exists()


def test_duplicate_code_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_area(parent=world.a, level=AreaLevel.VILLAGE, code="411425100201", name="重复")
    assert "已存在" in exc.value.message_dict["code"][0]


def test_database_refuses_code_of_wrong_length(world):
    with pytest.raises(IntegrityError):
        Area.objects.filter(pk=world.a.pk).update(code="4114251")


def test_subtree_is_one_indexed_query_at_any_depth(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(a.code for a in selectors.subtree(world.b))
    assert codes[0] == "411425200"
    assert len(codes) == 1 + 2 + 4  # township, its villages, their grids
    assert all(c.startswith("411425200") for c in codes)
    village = world.villages["411425200"][0]
    with django_assert_num_queries(1):
        assert {a.level for a in selectors.subtree(village, include_self=False)} == {AreaLevel.GRID}


@pytest.mark.django_db
def test_subtree_uses_the_path_index():
    """The path prefix filter is served by an index (PostgreSQL's pattern-ops index)."""
    sql, params = Area.objects.filter(path__startswith="0001").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "Index" in plan and "path" in plan


def test_geometry_validated(world):
    village = world.villages["411425100"][0]
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError) as exc:
        services.create_area(
            parent=village, level=AreaLevel.GRID, code=village.code + "009", name="坏边界", boundary=bowtie
        )
    assert "无效" in exc.value.message_dict["boundary"][0]
    with pytest.raises(ValidationError) as exc:
        services.create_area(
            parent=village, level=AreaLevel.GRID, code=village.code + "009", name="坏点", center_lat=34.4
        )
    assert "center_lat" in exc.value.message_dict
