"""Households and residents of the demo county: by default 20–30 households and 70–120 people
per base grid (Yucheng's and Hanyin's base grid, article 000), or a fixed number per grid for
small test counties; each household has one to six members carrying valid ID numbers, the three
colours, register status and a few key-person tags. Inserted in bulk, one township at a time."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from governance import bulk
from grids.household_services import resident_identity_fields
from grids.levels import AreaLevel
from grids.models import Household, HouseholdColour, KeyPersonTag, RegisterStatus, Relation, Resident

from . import names
from .county import Node

BATCH = 2000
# Ages are counted on a fixed day, so a seed gives the same ID numbers whenever it runs.
AGE_ON = date(2025, 7, 1)
REGISTERED_DAYS_AGO = 400
SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5, 6), (8, 16, 26, 26, 15, 9)  # 3.5 people on average
# A base grid: 20–30 households and 70–120 people (article 000, Hanyin).
GRID_HOUSEHOLDS = (20, 30)
GRID_PEOPLE = (70, 120)
COLOURS, COLOUR_WEIGHTS = (HouseholdColour.GREEN, HouseholdColour.YELLOW, HouseholdColour.RED), (90, 8.3, 1.7)
REGISTERED_ELSEWHERE = (
    "河南省商丘市睢阳区",
    "河南省商丘市梁园区",
    "河南省夏邑县",
    "河南省民权县",
    "河南省宁陵县",
    "安徽省砀山县",
    "安徽省萧县",
    "山东省单县",
    "山东省曹县",
    "江苏省丰县",
)
WORRYING_TAGS = {"correction", "mental"}  # a household with one of these is a 连心户 (red)


@dataclass
class Member:
    name: str
    relation: str
    is_male: bool
    age: int
    tags: list[str]


def _family(rng: random.Random, size: int) -> list[Member]:
    """The members of one household, head first."""
    alone = size == 1
    head_male = rng.random() < (0.6 if alone else 0.82)
    head_age = rng.randint(30, 88) if alone else rng.randint(26, 78)
    head = Member(names.full_name(rng, head_male), Relation.HEAD, head_male, head_age, [])
    members = [head]
    father_name = head.name[0]
    if size >= 2:
        spouse_age = min(95, max(20, head_age + rng.randint(-5, 4)))
        members.append(Member(names.full_name(rng, not head_male), Relation.SPOUSE, not head_male, spouse_age, []))
        if not head_male:
            father_name = members[1].name[0]
    parents = 0
    while len(members) < size:
        roll = rng.random()
        if head_age < 52 and parents < 2 and roll < 0.35:
            is_male = parents == 0 and rng.random() < 0.5
            age = min(95, head_age + rng.randint(22, 32))
            family = head.name[0] if is_male and head_male else None
            members.append(Member(names.full_name(rng, is_male, family), Relation.PARENT, is_male, age, []))
            parents += 1
        elif head_age >= 58 and roll < 0.4:
            is_male = rng.random() < 0.52
            age = rng.randint(0, min(17, head_age - 48))
            members.append(Member(names.full_name(rng, is_male, father_name), Relation.GRANDCHILD, is_male, age, []))
        else:
            is_male = rng.random() < 0.52
            age = max(0, head_age - rng.randint(22, 34))
            members.append(Member(names.full_name(rng, is_male, father_name), Relation.CHILD, is_male, age, []))
    for m in members:
        m.tags = _tags(rng, m, alone)
    return members


def _tags(rng: random.Random, member: Member, alone: bool) -> list[str]:
    """Key-person tags: about 2% of residents carry one."""
    if alone and member.age >= 70 and rng.random() < 0.35:
        return ["elderly_alone"]
    if member.age < 16:
        return ["left_behind_child"] if rng.random() < 0.03 else []
    if rng.random() < 0.012:
        kind = rng.choices(("disabled", "mental", "correction"), weights=(5, 3, 2))[0]
        return ["disabled" if kind == "correction" and not 18 <= member.age <= 65 else kind]
    return []


class HouseholdMaker:
    """Builds the households of one grid after another; `ids` and `phones` keep numbers unique.

    `per_grid` None: each grid draws 20–30 households (× `scale`) whose sizes are nudged until
    the grid holds 70–120 people (× `scale`); a number: that many households of random size."""

    def __init__(self, seed: int, per_grid: int | None, scale: float = 1.0):
        self.seed = seed
        self.per_grid = per_grid
        self.scale = scale
        self.ids = names.IdNumbers()
        self.phones: set[str] = set()
        self.tag_ids = dict(KeyPersonTag.objects.values_list("code", "id"))
        self.warnings: list[str] = []
        # Registered long before the demo's records begin: care's contact rhythm counts from the
        # last contact or, never contacted, from the registration.
        self.registered_at = timezone.now() - timedelta(days=REGISTERED_DAYS_AGO)

    def grid_sizes(self, rng: random.Random) -> list[int]:
        """The sizes of one grid's households."""
        if self.per_grid is not None:
            return rng.choices(SIZES, weights=SIZE_WEIGHTS, k=self.per_grid)
        sizes = rng.choices(SIZES, weights=SIZE_WEIGHTS, k=round(rng.randint(*GRID_HOUSEHOLDS) * self.scale))
        low, high = (round(n * self.scale) for n in GRID_PEOPLE)
        while sizes and sum(sizes) < low:
            grow = [i for i, n in enumerate(sizes) if n < SIZES[-1]]
            if not grow:
                break
            sizes[rng.choice(grow)] += 1
        while sum(sizes) > high:
            shrink = [i for i, n in enumerate(sizes) if n > 1]
            sizes[rng.choice(shrink)] -= 1
        return sizes

    def township(self, town: Node) -> tuple[int, int]:
        """Create every household and resident of one township; returns (households, residents).
        Rows go to the database as they are (governance.bulk: COPY / executemany), with ids
        taken beforehand so residents can name their household."""
        rng = random.Random(f"{self.seed}:households:{town.code}")
        households: list[dict] = []
        residents: list[tuple[dict, list[str]]] = []
        county = town.parent
        for village in town.children:
            for grid_seq, grid in enumerate(village.children, start=1):
                assert grid.level == AreaLevel.GRID
                for seq, size in enumerate(self.grid_sizes(rng), start=1):
                    household, members = self._household(rng, county, town, village, grid, grid_seq, seq, size)
                    households.append(household)
                    residents += members
                    grid.households += 1
                    grid.population += len(members)
        household_ids = iter(bulk.allocate_ids(Household, len(households)))
        for household in households:
            household["id"] = next(household_ids)
            for resident, _tags in household.pop("members"):
                resident["household_id"] = household["id"]
        for (resident, _tags), resident_id in zip(residents, bulk.allocate_ids(Resident, len(residents)), strict=True):
            resident["id"] = resident_id
        for start in range(0, len(households), BATCH):
            bulk.insert(Household, households[start : start + BATCH])
        for start in range(0, len(residents), BATCH):
            bulk.insert(Resident, [r for r, _tags in residents[start : start + BATCH]])
        tagged = [
            {"resident_id": r["id"], "keypersontag_id": self.tag_ids[t]}
            for r, tags in residents
            for t in tags
            if t in self.tag_ids
        ]
        bulk.insert(Resident.tags.through, tagged)
        return len(households), len(residents)

    def _household(self, rng, county, town, village, grid, grid_seq, seq, size):
        members = _family(rng, size)
        tags = {t for m in members for t in m.tags}
        if tags & WORRYING_TAGS:
            colour = HouseholdColour.RED
        elif tags:
            colour = HouseholdColour.YELLOW
        else:
            colour = rng.choices(COLOURS, weights=COLOUR_WEIGHTS)[0]
        roll = rng.random()
        if roll < 0.85:
            status, registered_place = RegisterStatus.REGISTERED_HERE, ""
        elif roll < 0.95:
            status, registered_place = RegisterStatus.LIVING_HERE_ONLY, rng.choice(REGISTERED_ELSEWHERE)
        else:
            status, registered_place = RegisterStatus.REGISTERED_ONLY, ""
        unit = "栋" if village.is_community else "组"
        rows = []
        for m in members:
            born = names.birth_date(rng, m.age, AGE_ON)
            identity, warnings = resident_identity_fields(self.ids.make(rng, born, m.is_male))
            self.warnings += warnings
            has_phone = m.relation == Relation.HEAD or (m.age >= 18 and rng.random() < 0.6)
            phone = names.mobile(rng, self.phones) if has_phone else ""
            rows.append(({"name": m.name, "relation": m.relation, "phone": phone, **identity}, m.tags))
        household = {
            "number": f"{grid.code}{seq:04d}",
            "county_id": county.area.id,
            "township_id": town.area.id,
            "village_id": village.area.id,
            "grid_id": grid.area.id,
            "micro_grid_id": None,
            "head_name": members[0].name,
            "address": f"{village.short_name}{grid_seq}{unit}{seq}号",
            "phone": rows[0][0]["phone"],
            "colour": colour,
            "register_status": status,
            "registered_place": registered_place,
            "created_at": self.registered_at,
            "members": rows,
        }
        return household, rows
