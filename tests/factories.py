"""Factories and small named worlds shared by the tests."""

import itertools
from dataclasses import dataclass

import factory

from governance.models import User
from governance.roles import Role
from grids import services
from grids.levels import AreaLevel
from grids.models import Area

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password("correct-horse-battery")


def square(lng: float, lat: float, size: float) -> dict:
    """A GeoJSON square with its south-west corner at (lng, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


@dataclass
class World:
    """A county (411425) with two townships; each has two villages of two base grids.

    Grid boundaries are 0.01° squares laid out west to east: township A's at lng 115.80–115.84,
    township B's at 115.90–115.94, all between lat 34.40 and 34.41.
    """

    county: Area
    towns: list[Area]
    villages: dict[str, list[Area]]
    grids: dict[str, list[Area]]
    admin: User
    officers: dict[str, User]

    @property
    def a(self):
        return self.towns[0]

    @property
    def b(self):
        return self.towns[1]


def build_world(city: Area | None = None) -> World:
    """The World; with `city`, its county sits under that city (a prefecture) instead of being the root."""
    county = services.create_area(parent=city, level=AreaLevel.COUNTY, code="411425", name="虞城县")
    towns, villages, grids = [], {}, {}
    for ti, (tcode, tname) in enumerate([("411425100", "城关镇"), ("411425200", "肖旗乡")]):
        town = services.create_area(parent=county, level=AreaLevel.TOWNSHIP, code=tcode, name=tname)
        towns.append(town)
        villages[tcode], grids[tcode] = [], []
        for vi in range(2):
            village = services.create_area(
                parent=town, level=AreaLevel.VILLAGE, code=f"{tcode}{201 + vi:03d}", name=f"{tname}{vi + 1}村"
            )
            villages[tcode].append(village)
            for gi in range(2):
                lng = 115.80 + ti * 0.10 + (vi * 2 + gi) * 0.01
                grids[tcode].append(
                    services.create_area(
                        parent=village,
                        level=AreaLevel.GRID,
                        code=f"{village.code}{gi + 1:03d}",
                        name=f"{village.name}第{gi + 1}网格",
                        boundary=square(lng, 34.40, 0.01),
                        center_lat=34.405,
                        center_lng=lng + 0.005,
                    )
                )
    admin = UserFactory(username="admin1", full_name="管理员")
    services.assign(user=admin, area=county, role=Role.ADMIN)
    officers = {}
    for town in towns:
        officer = UserFactory(username=f"officer-{town.code}", full_name=f"{town.name}干部")
        services.assign(user=officer, area=town, role=Role.TOWNSHIP_OFFICER)
        officers[town.code] = officer
    return World(county, towns, villages, grids, admin, officers)
