"""Fixtures for the grids API tests: the World's people by name, households with residents,
valid ID numbers, and a query counter for the “same number of queries at two sizes” tests."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.roles import Role
from grids import services
from grids.household_services import ResidentInput, create_household
from grids.identity import check_character
from tests.factories import UserFactory

_numbers = itertools.count(1)


def make_id_number(seq: int = 1, birth: str = "19800101", region: str = "110105") -> str:
    """A valid 18-character ID number (check character computed); 110105 is a current county code."""
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def id_number():
    return make_id_number


@pytest.fixture
def officer_a(world):
    """The township officer of 城关镇 (411425100): view + change on that township, no identity."""
    return world.officers["411425100"]


@pytest.fixture
def officer_b(world):
    """The township officer of 肖旗乡 (411425200)."""
    return world.officers["411425200"]


@pytest.fixture
def operator(world):
    """A command-centre operator: may view the whole county, may change nothing."""
    user = UserFactory(username="operator", full_name="值班员")
    services.assign(user=user, area=world.county, role=Role.COMMAND_OPERATOR)
    return user


@pytest.fixture
def make_household():
    def make(grid, *, residents=(), **fields):
        n = next(_numbers)
        fields.setdefault("number", f"H{grid.code}{n:04d}")
        fields.setdefault("head_name", f"户主{n}")
        fields.setdefault("address", f"{grid.name}{n}号")
        household, _warnings = create_household(grid=grid, residents=list(residents), **fields)
        return household

    return make


@pytest.fixture
def make_resident():
    def make(name="张三", *, seq=1, phone="13812345678", tags=(), relation="head", id_number=None):
        return ResidentInput(
            name=name,
            id_number=make_id_number(seq) if id_number is None else id_number,
            relation=relation,
            phone=phone,
            tags=list(tags),
        )

    return make


@pytest.fixture
def make_worker():
    """A new grid worker on `grid` (any role with `role=`), assigned through the service."""

    def make(area, role=Role.GRID_WORKER, **kwargs):
        user = UserFactory(phone="+8613900001111")
        services.assign(user=user, area=area, role=role, **kwargs)
        return user

    return make


@pytest.fixture
def count_queries():
    """Run `fn` and return (its result, the number of SQL queries it ran)."""

    def count(fn):
        with CaptureQueriesContext(connection) as ctx:
            result = fn()
        return result, len(ctx.captured_queries)

    return count
