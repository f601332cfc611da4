"""Households and residents of the demo county: a fixed number per base grid, each with one
to five members carrying valid ID numbers, the three colours, register status and a few
key-person tags. Inserted in bulk, one township at a time."""

import random
from dataclasses import dataclass
from datetime import date

from grids.household_services import resident_identity_fields
from grids.levels import AreaLevel
from grids.models import Household, HouseholdColour, KeyPersonTag, RegisterStatus, Relation, Resident

from . import names
from .county import Node

BATCH = 2000
# Ages are counted on a fixed day, so a seed gives the same ID numbers whenever it runs.
AGE_ON = date(2025, 7, 1)
SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5), (12, 25, 31, 20, 12)
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
    """Builds the households of one grid after another; `ids` and `phones` keep numbers unique."""

    def __init__(self, seed: int, per_grid: int):
        self.seed = seed
        self.per_grid = per_grid
        self.ids = names.IdNumbers()
        self.phones: set[str] = set()
        self.tag_ids = dict(KeyPersonTag.objects.values_list("code", "id"))
        self.warnings: list[str] = []

    def township(self, town: Node) -> tuple[int, int]:
        """Create every household and resident of one township; returns (households, residents)."""
        rng = random.Random(f"{self.seed}:households:{town.code}")
        households: list[Household] = []
        residents: list[tuple[Resident, list[str]]] = []
        county = town.parent
        for village in town.children:
            for grid_seq, grid in enumerate(village.children, start=1):
                assert grid.level == AreaLevel.GRID
                for seq in range(1, self.per_grid + 1):
                    household, members = self._household(rng, county, town, village, grid, grid_seq, seq)
                    households.append(household)
                    residents += members
                    grid.households += 1
                    grid.population += len(members)
        Household.objects.bulk_create(households, batch_size=BATCH)
        created = Resident.objects.bulk_create([r for r, _tags in residents], batch_size=BATCH)
        through = Resident.tags.through
        through.objects.bulk_create(
            [
                through(resident_id=r.pk, keypersontag_id=self.tag_ids[t])
                for r, (_row, tags) in zip(created, residents, strict=True)
                for t in tags
                if t in self.tag_ids
            ],
            batch_size=BATCH,
        )
        return len(households), len(residents)

    def _household(self, rng, county, town, village, grid, grid_seq, seq):
        members = _family(rng, rng.choices(SIZES, weights=SIZE_WEIGHTS)[0])
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
            rows.append((Resident(name=m.name, relation=m.relation, phone=phone, **identity), m.tags))
        household = Household(
            number=f"{grid.code}{seq:04d}",
            county=county.area,
            township=town.area,
            village=village.area,
            grid=grid.area,
            head_name=members[0].name,
            address=f"{village.short_name}{grid_seq}{unit}{seq}号",
            phone=rows[0][0].phone,
            colour=colour,
            register_status=status,
            registered_place=registered_place,
        )
        for resident, _tags in rows:
            resident.household = household
        return household, rows
