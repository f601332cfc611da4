"""A county with a known set of cases for the dashboard and the map.

Cases are written as rows (the dashboard and the map only read them): each helper call says
where the case is, what state it is in and when things happened, so every expected figure in
the tests is counted from these calls, not from the code under test."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.utils import timezone

from governance.roles import Role
from grids import services as grid_services
from grids.selectors import area_columns
from incidents.catalogue import ensure_catalogue
from incidents.constants import CaseStatus, Urgency
from incidents.models import Case, Category
from tests.factories import UserFactory, World, build_world

_numbers = itertools.count(1)


def make_case(grid, *, category, status=CaseStatus.DISPATCHED, created_at=None, **fields) -> Case:
    """One case in `grid` (a base grid of the World), its area columns filled from the tree."""
    columns = area_columns(grid)
    return Case.objects.create(
        number=f"T{next(_numbers):08d}",
        source="grid_app",
        category=category,
        description="测试事件",
        county=columns["county"],
        township=columns["township"],
        village=columns["village"],
        grid=grid,
        lat=grid.center_lat,
        lng=grid.center_lng,
        status=status,
        created_at=created_at or timezone.now(),
        **fields,
    )


@dataclass
class Cases:
    world: World
    operator: object
    now: dt.datetime
    categories: dict
    made: list = field(default_factory=list)

    def add(self, town_code, grid_index=0, *, category="HJ01", **fields):
        case = make_case(self.world.grids[town_code][grid_index], category=self.categories[category], **fields)
        self.made.append(case)
        return case


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county(db):
    return build_cases()


def build_cases() -> Cases:
    """The World, its catalogue, a county command-centre operator, and this set of cases:

    城关镇 (411425100): 2 reported today (one urgent), 1 overdue (grid 0), 1 closed today on time,
    1 closed 3 days ago late, 1 reported 40 days ago and closed 35 days ago (outside the window).
    肖旗乡 (411425200): 1 reported today, 1 overdue and urgent (grid 1), 1 closed today on time.
    """
    world = build_world()
    ensure_catalogue(world.county)
    operator = UserFactory(username="zhihui", full_name="值班员")
    grid_services.assign(user=operator, area=world.county, role=Role.COMMAND_OPERATOR)
    now = timezone.now()
    categories = {c.code: c for c in Category.objects.all()}
    cases = Cases(world, operator, now, categories)
    a, b = "411425100", "411425200"
    hour = dt.timedelta(hours=1)
    day = dt.timedelta(days=1)
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))

    def today(offset=dt.timedelta(0)):  # a moment of today, never in the future
        return min(midnight + offset, now)

    cases.add(a, 0, status=CaseStatus.REPORTED, created_at=today(dt.timedelta(minutes=1)))
    cases.add(a, 1, category="MD02", status=CaseStatus.REPORTED, urgency=Urgency.URGENT, created_at=today())
    cases.add(a, 0, status=CaseStatus.ACCEPTED, created_at=now - 5 * day, due_at=now - hour)
    cases.add(
        a,
        2,
        status=CaseStatus.CLOSED,
        created_at=now - 2 * day,
        closed_at=today(dt.timedelta(seconds=1)),
        closed_on_time=True,
    )
    cases.add(a, 3, status=CaseStatus.CLOSED, created_at=now - 9 * day, closed_at=now - 3 * day, closed_on_time=False)
    cases.add(a, 3, status=CaseStatus.CLOSED, created_at=now - 40 * day, closed_at=now - 35 * day, closed_on_time=True)
    cases.add(b, 0, category="MD02", status=CaseStatus.REPORTED, created_at=today(hour / 2))
    cases.add(
        b, 1, status=CaseStatus.IN_PROGRESS, urgency=Urgency.URGENT, created_at=now - 3 * day, due_at=now - 2 * hour
    )
    cases.add(b, 2, status=CaseStatus.CLOSED, created_at=now - day, closed_at=today(hour / 4), closed_on_time=True)
    return cases
