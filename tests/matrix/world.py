"""The permission matrix's world: the demo county cut down to two townships, with every kind of
object the routes show (cases, claims, credit rounds, care plans, mediations, ratings …) in both,
and one signed-in user per role placed in township A (the lowest level the role may sit on),
a signed-in user with no area at all, and the anonymous visitor.

Built once per test module inside a transaction that is rolled back afterwards.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.db.models import Q

from care import neighbours
from care.constants import NeedKind, UnitKind
from demo import grids as county_demo
from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Area, Assignment, Household
from grids.permissions import ROLE_LEVELS
from grids.services import assign
from tests.factories import UserFactory

NO_AREA = "no_area"
ANONYMOUS = "anonymous"
LEVEL_ORDER = ["micro_grid", "grid", "village", "township", "county"]


@dataclass
class MatrixWorld:
    county: Area
    a: Area  # the users' own township
    b: Area  # another township: nothing of it may be returned, counted or hinted at
    users: dict = field(default_factory=dict)  # role (or NO_AREA) → user
    homes: dict = field(default_factory=dict)  # role → the area the user is assigned to

    @property
    def point_in_a(self) -> str:
        """A query string naming the centre of the grid worker's grid."""
        grid = self.homes["grid_worker"]
        return f"lat={grid.center_lat}&lng={grid.center_lng}"


def build(*, scale: float = 0.05, households_per_grid: int = 3) -> MatrixWorld:
    """The world; `scale` and `households_per_grid` size its records (tests/matrix/test_query_budgets.py
    builds it at two sizes)."""
    county_demo.seed(townships=2, grids_per_village=1, households_per_grid=households_per_grid)
    county = Area.objects.get(code=county_demo.COUNTY_CODE)
    for path in settings.DEMO_EXTENSIONS:
        import_module(path).seed_demo(county=county, seed=county_demo.DEFAULT_SEED, scale=scale)
    a, b = Area.objects.filter(depth=county.depth + 1, path__startswith=county.path).order_by("code")[:2]
    world = MatrixWorld(county=county, a=a, b=b)
    for role in Role.values:
        world.users[role], world.homes[role] = _user_for(world, role)
    world.users[NO_AREA] = UserFactory(username="matrix-no-area", full_name="无区域用户")
    _neighbours(world)
    return world


def _neighbours(world: MatrixWorld) -> None:
    """A help pair and a watch unit in the grid worker's grid and in a grid of township B (the care
    demo seeds neither)."""
    admin = world.users["admin"]
    for grid in (world.homes["grid_worker"], Area.objects.filter(path__startswith=world.b.path, level="grid").first()):
        first, second = Household.objects.filter(grid=grid).order_by("pk").values_list("pk", flat=True)[:2]
        neighbours.pair(actor=admin, helper_id=first, helped_id=second, need=NeedKind.values[0])
        neighbours.create_unit(
            actor=admin, kind=UnitKind.HOUSEHOLD_WATCH, name=f"{grid.name}挨户防单元", household_ids=[first, second]
        )


def _user_for(world: MatrixWorld, role: str):
    """The demo's own holder of `role` on the lowest level inside township A (or the county for
    the county-only roles), so the user has the records a real one would (an insurer's company,
    a grid worker's grid)."""
    held = (
        Assignment.objects.filter(role=role, end_date__isnull=True, user__is_active=True)
        .filter(Q(area__path__startswith=world.a.path) | Q(area=world.county))
        .select_related("user", "area")
    )
    ordered = sorted(held, key=lambda a: (LEVEL_ORDER.index(a.area.level), a.user.username))
    if (not ordered or ordered[0].area == world.county) and AreaLevel.TOWNSHIP in ROLE_LEVELS.get(role, ()):
        user = UserFactory(username=f"matrix-{role}", full_name=f"矩阵{role}")
        assign(user=user, area=world.a, role=role)  # a township's holder: township B is another area
        return user, world.a
    if not ordered:
        raise AssertionError(f"the demo holds no {role} in {world.a.name} (levels {ROLE_LEVELS.get(role)})")
    return ordered[0].user, ordered[0].area
