"""A prefecture in one installation: 商丘市 (4114) with two of its counties — the World's 虞城县
(411425, two townships of two villages of two grids) and a small 夏邑县 (411426: 城关镇 with one
village of two grids, at lng 116.20) — the catalogue for both, each county's command centre,
and the city's command centre."""

from dataclasses import dataclass

import pytest

from governance.roles import Role
from grids import services as grid_services
from grids.levels import AreaLevel
from grids.models import Area
from incidents import intake
from incidents.catalogue import ensure_catalogue
from incidents.models import Category
from tests.factories import UserFactory, World, build_world, square


@dataclass
class Prefecture:
    city: Area
    yucheng: World
    xiayi: Area
    xiayi_town: Area
    xiayi_village: Area
    xiayi_grids: list[Area]
    city_operator: object
    city_leader: object
    yucheng_operator: object
    xiayi_operator: object
    yucheng_worker: object
    xiayi_worker: object

    def report(self, worker, grid, category="HJ01", **kwargs):
        kwargs.setdefault("source", "grid_app")
        kwargs.setdefault("description", "村民建筑材料堆放占道")
        return intake.submit_report(
            category=Category.objects.get(code=category),
            reporter=worker,
            lat=grid.center_lat,
            lng=grid.center_lng,
            **kwargs,
        )


def build_prefecture() -> Prefecture:
    city = grid_services.create_area(parent=None, level=AreaLevel.CITY, code="4114", name="商丘市")
    world = build_world(city)
    xiayi = grid_services.create_area(parent=city, level=AreaLevel.COUNTY, code="411426", name="夏邑县")
    town = grid_services.create_area(parent=xiayi, level=AreaLevel.TOWNSHIP, code="411426100", name="城关镇")
    village = grid_services.create_area(parent=town, level=AreaLevel.VILLAGE, code="411426100001", name="滨湖路居委会")
    grids = [
        grid_services.create_area(
            parent=village,
            level=AreaLevel.GRID,
            code=f"411426100001{i + 1:03d}",
            name=f"滨湖路社区第{i + 1}网格",
            boundary=square(116.20 + i * 0.01, 34.40, 0.01),
            center_lat=34.405,
            center_lng=116.205 + i * 0.01,
        )
        for i in range(2)
    ]
    ensure_catalogue(world.county)
    ensure_catalogue(xiayi)

    def person(username, area, role):
        user = UserFactory(username=username, full_name=username)
        grid_services.assign(user=user, area=area, role=role)
        return user

    return Prefecture(
        city=city,
        yucheng=world,
        xiayi=xiayi,
        xiayi_town=town,
        xiayi_village=village,
        xiayi_grids=grids,
        city_operator=person("city-zhihui", city, Role.COMMAND_OPERATOR),
        city_leader=person("city-lead", city, Role.COMMAND_LEADER),
        yucheng_operator=person("zhihui", world.county, Role.COMMAND_OPERATOR),
        xiayi_operator=person("zhihui-411426", xiayi, Role.COMMAND_OPERATOR),
        yucheng_worker=person("gw-yc", world.grids["411425200"][0], Role.GRID_WORKER),
        xiayi_worker=person("gw-xy", grids[0], Role.GRID_WORKER),
    )


@pytest.fixture
def pref(db):
    return build_prefecture()
