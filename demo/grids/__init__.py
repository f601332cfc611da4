"""The demo county (虞城县): real townships and villages, generated base grids, people,
households and residents, built deterministically from a seed and inserted in bulk.

`seed()` builds it, `reset()` removes it, `is_loaded()` tells whether it is there. The
management commands `seed_demo` and `demo_banner` are thin wrappers.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from governance.models import User
from grids import spatial
from grids.levels import AreaLevel
from grids.models import (
    Area,
    Assignment,
    Household,
    HouseholdVisit,
    LeaderReview,
    MonthlyRating,
    PatrolCheckIn,
    SpotCheck,
)

from .county import BASE_GRID_TARGET, COUNTY_CODE, PREFECTURES, create_areas, plan_county, plan_prefecture, save_counts
from .households import HouseholdMaker
from .people import PASSWORD, STAFF_USERNAMES, USERNAME_PREFIXES, create_people, plan_people

__all__ = [
    "BASE_GRID_TARGET",
    "COUNTY_CODE",
    "PASSWORD",
    "PREFECTURES",
    "Summary",
    "demo_root",
    "demo_users",
    "is_loaded",
    "reset",
    "seed",
]

DEFAULT_SEED = 2257


@dataclass
class Summary:
    counties: int
    townships: int
    villages: int
    grids: int
    vacant_grids: int
    users: int
    households: int
    residents: int
    id_warnings: int


def is_loaded() -> bool:
    """Whether the demo county is there (alone, or in its prefecture)."""
    return Area.objects.filter(code=COUNTY_CODE).exists()


def demo_root() -> Area | None:
    """The root of the demo's tree: its city when a prefecture was built, else the county."""
    county = Area.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return None
    parent = Area.objects.get_parent(county) if county.depth > 1 else None
    return parent if parent is not None and parent.code in PREFECTURES else county


def demo_users():
    """The accounts the demo creates (and `reset` removes)."""
    q = Q(username__in=STAFF_USERNAMES)
    for prefix in USERNAME_PREFIXES:
        q |= Q(username__regex=rf"^{prefix}[0-9]+(-prev)?$")
    return User.objects.filter(q)


def seed(
    *,
    seed: int = DEFAULT_SEED,
    households_per_grid: int | None = None,
    scale: float = 1.0,
    townships: int | None = None,
    grids_per_village: int | None = None,
    prefecture: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> Summary:
    """Build the demo county in one transaction. The caller checks `is_loaded()` first.
    `households_per_grid` None: 20–30 households and 70–120 people per grid (× `scale`).
    `prefecture` ("4114"): the whole city with all its counties instead, the city the root
    (`townships` then keeps the first N of each county)."""
    per_grid = None if households_per_grid is None else round(households_per_grid * scale)
    with transaction.atomic():
        if prefecture is None:
            county = plan_county(random.Random(f"{seed}:county"), townships, grids_per_village)
        else:
            county = plan_prefecture(prefecture, random.Random(f"{seed}:city"), townships, grids_per_village)
        create_areas(county)
        counties = county.of_level(AreaLevel.COUNTY)
        towns = county.of_level(AreaLevel.TOWNSHIP)
        villages, grids = county.of_level(AreaLevel.VILLAGE), county.of_level(AreaLevel.GRID)
        log(
            f"区域：{county.name}，{len(counties)} 个县级单位、{len(towns)} 个乡镇、{len(villages)} 个村（社区）、"
            f"{len(grids)} 个基础网格"
        )

        people = plan_people(county, random.Random(f"{seed}:people"), timezone.localdate())
        create_people(people)
        log(
            f"人员：{len(people.posts)} 个账号，{len(people.vacant)} 个网格暂缺网格员，"
            f"{len(people.with_history)} 个网格有前任记录"
        )

        maker = HouseholdMaker(seed, per_grid, scale)
        total_households = total_residents = 0
        for i, town in enumerate(towns, start=1):
            households, residents = maker.township(town)
            total_households += households
            total_residents += residents
            log(f"  [{i}/{len(towns)}] {town.parent.name}{town.name}：{households} 户，{residents} 人")
        save_counts(county)
    spatial.invalidate()  # the point → grid index rebuilds on its next lookup
    return Summary(
        counties=len(counties),
        townships=len(towns),
        villages=len(villages),
        grids=len(grids),
        vacant_grids=len(people.vacant),
        users=len(people.posts),
        households=total_households,
        residents=total_residents,
        id_warnings=len(maker.warnings),
    )


def reset() -> None:
    """Delete the demo county (or its prefecture) with everything on it, and the demo accounts."""
    with transaction.atomic():
        county = demo_root()
        users = demo_users()
        if county is not None:
            counties = Area.objects.filter(path__startswith=county.path, level=AreaLevel.COUNTY)
            for fieldwork_model in (MonthlyRating, LeaderReview, SpotCheck, HouseholdVisit, PatrolCheckIn):
                fieldwork_model.objects.filter(county__in=counties).delete()
            Household.objects.filter(county__in=counties).delete()
            Assignment.objects.filter(Q(area__path__startswith=county.path) | Q(user__in=users)).delete()
        else:
            Assignment.objects.filter(user__in=users).delete()
        users.delete()
        if county is not None:
            Area.objects.filter(path__startswith=county.path).delete()
    spatial.invalidate()
