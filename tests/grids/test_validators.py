"""The public validators of the grids services, and the import refusing what the services refuse
with the same words (each rule lives in one place: `services.check_*`, `check_household_fields`,
`selectors.check_row_grid`)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.roles import Role
from grids import services
from grids.household_services import create_household
from grids.levels import AreaLevel
from grids.models import Area
from grids.transfer.columns import header_of
from grids.transfer.importers import import_file
from tests.factories import UserFactory, square

AREA_HEADER = ["区划代码", "名称", "层级", "上级代码", "人口数", "户数", "中心纬度", "中心经度"]
ASSIGNMENT_HEADER = ["用户名", "姓名", "手机号", "角色", "区划代码", "开始日期"]
HOUSEHOLD_HEADER = header_of("households")


def csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value.message_dict


def import_errors(kind, header, row) -> list[tuple[str, str]]:
    report = import_file(kind, csv_bytes(header, [row]), f"{kind}.csv", dry_run=True)
    return [(e.column, e.message) for e in report.errors]


# ---------------------------------------------------------------------------- geometry


@pytest.mark.parametrize(
    "boundary",
    [
        square(200, 34.4, 0.01),  # east of 180°
        square(-180.005, 34.4, 0.01),  # straddles −180°
        square(115.8, 89.995, 0.01),  # north of the pole
        {
            "type": "MultiPolygon",
            "coordinates": [square(115.8, 34.4, 0.01)["coordinates"], square(181, 0, 1)["coordinates"]],
        },
    ],
)
def test_boundary_coordinates_are_range_checked(boundary):
    errors = refusal(services.check_geometry, boundary=boundary, center_lat=None, center_lng=None)
    assert list(errors) == ["boundary"] and "超出范围" in errors["boundary"][0]


def test_boundary_at_the_limits_is_accepted():
    services.check_geometry(square(179.99, 89.99, 0.01), None, None)
    services.check_geometry(square(-180, -90, 0.01), 0, 0)


def test_out_of_range_boundary_refused_by_the_service_and_the_api(world, as_user):
    village = world.villages["411425100"][0]
    errors = refusal(
        services.create_area,
        parent=village,
        level=AreaLevel.GRID,
        code=village.code + "009",
        name="经度200的网格",
        boundary=square(200, 34.4, 0.01),
    )
    assert list(errors) == ["boundary"]
    grid = world.grids["411425100"][0]
    response = as_user(world.admin).patch(
        f"/api/v1/areas/{grid.id}/", {"boundary": square(200, 34.4, 0.01)}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["boundary"], response.content
    grid.refresh_from_db()
    assert grid.boundary == square(115.80, 34.40, 0.01)


def _ring(cell):
    """The square's ring with every position replaced by cell(lng, lat)."""
    return [[cell(lng, lat) for lng, lat in square(115.8, 34.4, 0.01)["coordinates"][0]]]


BAD_BOUNDARIES = {
    "numbers as text": ({"type": "Polygon", "coordinates": _ring(lambda x, y: [str(x), str(y)])}, "两个数字"),
    "booleans": ({"type": "Polygon", "coordinates": _ring(lambda x, y: [True, False])}, "两个数字"),
    "a height": ({"type": "Polygon", "coordinates": _ring(lambda x, y: [x, y, 12.5])}, "两个数字"),
    "one number": ({"type": "Polygon", "coordinates": _ring(lambda x, y: [x])}, "两个数字"),
    "other keys": ({**square(115.8, 34.4, 0.01), "properties": {"name": "<script>"}}, "不接受：properties"),
    "rings not lists": ({"type": "Polygon", "coordinates": ["115.8,34.4"]}, "格式不正确"),
    "too many points": (
        {"type": "Polygon", "coordinates": [[[115.8 + i * 1e-6, 34.4] for i in range(20_001)] + [[115.8, 34.4]]]},
        "点数过多",
    ),
}


@pytest.mark.parametrize("name", BAD_BOUNDARIES)
def test_boundary_coordinates_are_checked_on_write(world, as_user, name):
    """Through the API (PATCH and POST) a malformed boundary is a 400 on `boundary` with a Chinese
    message, and nothing is written."""
    boundary, words = BAD_BOUNDARIES[name]
    grid = world.grids["411425100"][0]
    client = as_user(world.admin)
    response = client.patch(f"/api/v1/areas/{grid.id}/", {"boundary": boundary}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["boundary"], response.content
    assert words in response.json()["boundary"][0]
    grid.refresh_from_db()
    assert grid.boundary == square(115.80, 34.40, 0.01)
    village = world.villages["411425100"][0]
    created = client.post(
        "/api/v1/areas/",
        {"parent": village.id, "level": "grid", "code": village.code + "009", "name": "新网格", "boundary": boundary},
        format="json",
    )
    assert created.status_code == 400 and list(created.json()) == ["boundary"], created.content
    assert not Area.objects.filter(code=village.code + "009").exists()


def test_a_nan_coordinate_is_a_field_error_not_a_crash():
    """JSON over the API cannot carry NaN; a caller of the service can — refused, not a 500."""
    boundary = {"type": "Polygon", "coordinates": _ring(lambda x, y: [float("nan"), y])}
    errors = refusal(services.check_geometry, boundary=boundary, center_lat=None, center_lng=None)
    assert list(errors) == ["boundary"] and "两个数字" in errors["boundary"][0]


@pytest.mark.parametrize(
    "lat,lng,keys",
    [
        (34.4, 200, ["center_lng"]),
        (34.4, float("nan"), ["center_lng"]),
        (95, 115.8, ["center_lat"]),
        (95, -181, ["center_lat", "center_lng"]),
        (34.4, None, ["center_lat"]),  # one without the other
    ],
)
def test_centre_is_reported_on_the_coordinate_that_is_wrong(lat, lng, keys):
    errors = refusal(services.check_geometry, boundary=None, center_lat=lat, center_lng=lng)
    assert sorted(errors) == keys


def test_api_reports_an_out_of_range_longitude_on_center_lng(world, as_user):
    body = {"parent": world.villages["411425100"][0].id, "level": "grid", "code": "411425100201003", "name": "新网格"}
    response = as_user(world.admin).post(
        "/api/v1/areas/", {**body, "center_lat": 34.4, "center_lng": 200}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["center_lng"], response.content


# ---------------------------------------------------------------------------- the same refusal twice


def _area_cases(world):
    village = world.villages["411425100"][0]
    return {
        "grid under a township": (
            dict(parent=world.a, level=AreaLevel.GRID, code="411425100209001", name="越级网格"),
            ["411425100209001", "越级网格", "网格", world.a.code, "", "", "", ""],
        ),
        "code taken": (
            dict(parent=world.a, level=AreaLevel.VILLAGE, code=village.code, name="重复"),
            [village.code, "重复", "村", world.a.code, "", "", "", ""],
        ),
        "code not under the parent": (
            dict(parent=world.a, level=AreaLevel.VILLAGE, code="411425200209", name="错码村"),
            ["411425200209", "错码村", "村", world.a.code, "", "", "", ""],
        ),
        "longitude out of range": (
            dict(
                parent=world.a,
                level=AreaLevel.VILLAGE,
                code="411425100209",
                name="远村",
                center_lat=34.4,
                center_lng=200,
            ),
            ["411425100209", "远村", "村", world.a.code, "", "", "34.4", "200"],
        ),
    }


@pytest.mark.parametrize(
    "case", ["grid under a township", "code taken", "code not under the parent", "longitude out of range"]
)
def test_import_and_service_refuse_the_same_area_with_the_same_message(world, case):
    kwargs, row = _area_cases(world)[case]
    service = refusal(services.create_area, **kwargs)
    imported = import_errors("areas", AREA_HEADER, row)
    assert [m for _column, m in imported] == [m for messages in service.values() for m in messages]


@pytest.fixture
def grid(world):
    return world.grids["411425100"][0]


def _assignment_case(world, grid, case):
    """(service kwargs, import row) for one bad assignment."""
    today = timezone.localdate()
    if case == "role on the wrong level":
        user = UserFactory(username="w1")
        return dict(user=user, area=world.a, role=Role.GRID_WORKER), ["w1", "", "", "网格员", world.a.code, ""]
    if case == "start in the future":
        user = UserFactory(username="w1")
        tomorrow = today + timedelta(days=1)
        return (
            dict(user=user, area=grid, role=Role.GRID_WORKER, start_date=tomorrow),
            ["w1", "", "", "网格员", grid.code, tomorrow.isoformat()],
        )
    if case == "grid has a worker":
        services.assign(user=UserFactory(username="sitting", full_name="老张"), area=grid, role=Role.GRID_WORKER)
        user = UserFactory(username="w1")
        return dict(user=user, area=grid, role=Role.GRID_WORKER), ["w1", "", "", "网格员", grid.code, ""]
    if case == "overlaps history":
        old = services.assign(
            user=UserFactory(username="old"), area=grid, role=Role.GRID_WORKER, start_date=today - timedelta(days=40)
        )
        services.end_assignment(assignment=old, end_date=today - timedelta(days=10))
        user, start = UserFactory(username="w1"), today - timedelta(days=20)
        return (
            dict(user=user, area=grid, role=Role.GRID_WORKER, start_date=start),
            ["w1", "", "", "网格员", grid.code, start.isoformat()],
        )
    if case == "holds it already":
        user = world.officers["411425100"]
        return (
            dict(user=user, area=world.a, role=Role.TOWNSHIP_OFFICER),
            [user.username, "", "", "乡镇综治干部", world.a.code, ""],
        )
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    ["role on the wrong level", "start in the future", "grid has a worker", "overlaps history", "holds it already"],
)
def test_import_and_service_refuse_the_same_assignment_with_the_same_message(world, grid, case):
    kwargs, row = _assignment_case(world, grid, case)
    service = refusal(services.assign, **kwargs)
    imported = import_errors("assignments", ASSIGNMENT_HEADER, row)
    assert len(service) == 1 and len(imported) == 1, (service, imported)
    assert imported[0][1] == next(iter(service.values()))[0]


def test_check_assignment_reports_every_problem_and_skips_facts_for_a_wrong_place(grid):
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = refusal(
        services.check_assignment,
        role=Role.GRID_WORKER,
        area_level=AreaLevel.TOWNSHIP,
        start_date=tomorrow,
        holds_already=True,
        sitting_worker="老张",
    )
    assert sorted(errors) == ["area", "start_date"]
    assert refusal(services.check_assignment, role="mayor", area_level=AreaLevel.GRID) == {"role": ["未知角色。"]}
    services.check_assignment(role=Role.GRID_WORKER, area_level=AreaLevel.GRID, start_date=timezone.localdate())


def test_import_and_service_refuse_a_household_outside_a_grid_with_one_message(world):
    village = world.villages["411425100"][0]
    service = refusal(create_household, grid=village, number="H001", head_name="张三", address="幸福路1号")
    row = ["H001", village.code, "张三", "幸福路1号", "", "", "", "", "", "", "", "", ""]
    assert import_errors("households", HOUSEHOLD_HEADER, row) == [("网格代码", service["grid"][0])]


def test_import_and_service_refuse_bad_household_fields_with_the_same_messages(world, grid):
    create_household(grid=grid, number="H001", head_name="张三", address="幸福路1号")
    service = refusal(create_household, grid=grid, number="H001", head_name="", address="幸福路2号", colour="purple")
    row = ["H001", grid.code, "", "幸福路2号", "", "紫", "", "", "", "", "", "", ""]
    imported = import_errors("households", HOUSEHOLD_HEADER, row)
    assert sorted(m for _c, m in imported) == sorted(m for messages in service.values() for m in messages)
    assert [c for c, _m in imported] == ["户编号", "户主姓名", "三色"]
