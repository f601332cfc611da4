"""A county with the catalogue, reviewers and a helper that files cases with known facts."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from governance.roles import Role
from grids import services as grid_services
from grids.selectors import area_columns
from incidents.catalogue import ensure_catalogue
from incidents.models import Case, Category
from tests.factories import UserFactory, build_world

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


@pytest.fixture
def file_case():
    """File a case in `grid` with the given facts straight into the table (known data)."""

    def make(grid, code, *, created=None, status="closed", outcome="", closed=None, on_time=None, **extra):
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

    return make
