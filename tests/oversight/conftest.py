"""A county with the catalogue, reviewers and a helper that files cases with known facts; and, for the
dashboard and the map, a county with a known set of cases (`known`): every expected figure in
those tests is counted from the cases made here, not from the code under test."""

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from governance.roles import Role
from grids import services as grid_services
from grids.selectors import area_columns
from incidents.catalogue import ensure_catalogue
from incidents.constants import CaseStatus, Urgency
from incidents.models import Case, Category
from oversight.scope import forget_cached_figures
from tests.factories import UserFactory, World, build_world

_numbers = itertools.count(1)
YEAR = timezone.localdate().year - 1


def at(year=YEAR, month=6, day=15, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def county(db):
    world = build_world()
    ensure_catalogue(world.county)
    leader = UserFactory(username="leader", full_name="指挥中心领导")
    grid_services.assign(user=leader, area=world.county, role=Role.COMMAND_LEADER)
    world.leader = leader
    world.heads = {}
    for villages in world.villages.values():
        head = UserFactory(username=f"vh-{villages[0].code}", full_name=f"{villages[0].name}站长")
        grid_services.assign(user=head, area=villages[0], role=Role.VILLAGE_HEAD)
        world.heads[villages[0].code] = head
    return world


def new_case(grid, code, *, created=None, status="closed", outcome="", closed=None, on_time=None, **extra) -> Case:
    """A case in `grid` (category by code) with the given facts, straight into the table."""
    created = created or at()
    return Case.objects.create(
        number=f"T{next(_numbers):08d}",
        source=extra.pop("source", "grid_app"),
        category=Category.objects.get(code=code),
        description="测试事件",
        created_at=created,
        status=status,
        outcome=outcome,
        closed_at=closed or (created + dt.timedelta(days=1) if status == "closed" else None),
        closed_on_time=on_time,
        **{k: v for k, v in area_columns(grid).items() if k != "micro_grid"},
        **extra,
    )


@pytest.fixture
def file_case():
    """File a case in `grid` with the given facts straight into the table (known data)."""
    return new_case


# ---------------------------------------------------------------------------- the dashboard and the map


@dataclass
class KnownCases:
    """The World, a county command-centre operator and the cases made, for the dashboard and map."""

    world: World
    operator: object
    now: dt.datetime
    made: list = field(default_factory=list)

    def add(self, town_code, grid_index=0, *, category="HJ01", status=CaseStatus.DISPATCHED, created_at=None, **facts):
        grid = self.world.grids[town_code][grid_index]
        case = new_case(
            grid,
            category,
            created=created_at or self.now,
            status=status,
            closed=facts.pop("closed_at", None),
            on_time=facts.pop("closed_on_time", None),
            lat=grid.center_lat,
            lng=grid.center_lng,
            **facts,
        )
        self.made.append(case)
        return case


@pytest.fixture(autouse=True)
def fresh_figures():
    """Each test starts with no cached dashboard or map figures (the rest of the cache, shared with
    the other test worker, is left alone)."""
    forget_cached_figures()


@pytest.fixture
def known(db):
    return build_known_cases()


def build_known_cases() -> KnownCases:
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
    cases = KnownCases(world, operator, now)
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
