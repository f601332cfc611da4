"""The grid worker's field-work page: their own grid's households with today's visits marked,
today's tallies against the target; others' households never listed."""

import pytest
from django.utils import timezone

from governance.roles import Role
from grids import services
from grids.models import Household, HouseholdVisit
from tests.factories import UserFactory


@pytest.fixture
def worker(world):
    user = UserFactory(username="gw-page")
    services.assign(user=user, area=world.grids[world.a.code][0], role=Role.GRID_WORKER)
    return user


def household(world, grid, number, name):
    """A household in one of 城关镇's first village's two grids."""
    return Household.objects.create(
        number=number, head_name=name, address=f"{name}家", county=world.county, township=world.a,
        village=world.villages[world.a.code][0], grid=grid,
    )


def test_page_lists_my_grids_households_and_todays_visits(client, world, worker, django_assert_max_num_queries):
    mine = household(world, world.grids[world.a.code][0], "H-1", "张三")
    visited = household(world, world.grids[world.a.code][0], "H-2", "李四")
    elsewhere = household(world, world.grids[world.a.code][1], "H-3", "王五")
    HouseholdVisit.objects.create(
        worker=worker, household=visited, county=world.county, township=visited.township, village=visited.village,
        grid=visited.grid, at=timezone.now(),
    )
    for i in range(8):  # more households, the same queries
        household(world, world.grids[world.a.code][0], f"H-9{i}", f"住户{i}")
    client.force_login(worker)
    with django_assert_max_num_queries(14):
        page = client.get("/fieldwork/").content.decode()
    assert mine.head_name in page and visited.head_name in page and elsewhere.head_name not in page
    assert "今日 1 / 10 户" in page and page.count("已走访") == 1
    assert 'data-endpoint="/api/v1/fieldwork/check-ins/"' in page


def test_someone_without_a_grid_is_told_so(client, world):
    client.force_login(world.officers[world.a.code])
    assert "您目前没有负责的网格" in client.get("/fieldwork/").content.decode()
