"""A county ready for credit evaluation: the World of tests/factories.py, the default rule
catalogue, the people of every level (village head and village committee member in 城关镇's first
village, the township's evaluation group, the county's, the cooperative) and households with
residents whose ID numbers are known."""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from credit import rules, services
from credit.models import EvaluationRound
from governance.roles import Role
from grids import household_services
from grids import services as grid_services
from grids.identity import check_character
from grids.models import Household, Relation
from tests.factories import UserFactory, World, build_world
from tests.incidents.conftest import loop, report  # noqa: F401  (the incidents test county, for test_proposals)

USCC_VALID = "91110000600037341L"
USCC_OTHER = "91411425MA44XTD989"


def id_number(seq: int, birth="19800101") -> str:
    first17 = f"411425{birth}{seq:03d}"
    return first17 + check_character(first17)


@dataclass
class CreditWorld:
    world: World
    head: object  # village head of 城关镇1村
    village_member: object  # evaluation group member in 城关镇1村
    group: object  # 城关镇 evaluation group
    group_b: object  # 肖旗乡 evaluation group
    county_group: object  # county evaluation group (publishes)
    coop: object  # rural credit cooperative, county-wide
    households: list = field(default_factory=list)  # in 城关镇1村
    other_households: list = field(default_factory=list)  # in 肖旗乡1村
    ids: dict = field(default_factory=dict)  # household id → head's ID number

    @property
    def village(self):
        return self.world.villages["411425100"][0]

    @property
    def village_b(self):
        return self.world.villages["411425200"][0]


def _household(grid, seq, name, ids):
    number = id_number(seq)
    household, _warnings = household_services.create_household(
        grid=grid,
        number=f"H{grid.code}{seq:03d}",
        head_name=name,
        address=f"{grid.name}{seq}号",
        residents=[household_services.ResidentInput(name=name, id_number=number, relation=Relation.HEAD)],
    )
    ids[household.pk] = number
    return household


@pytest.fixture
def cw(db):
    world = build_world()
    rules.ensure_default_catalogue()

    def person(username, area, role):
        user = UserFactory(username=username, full_name=username)
        grid_services.assign(user=user, area=area, role=role)
        return user

    town_a, town_b = world.towns
    village = world.villages[town_a.code][0]
    c = CreditWorld(
        world=world,
        head=person("vh", village, Role.VILLAGE_HEAD),
        village_member=person("vm", village, Role.CREDIT_COMMITTEE),
        group=person("group-a", town_a, Role.CREDIT_COMMITTEE),
        group_b=person("group-b", town_b, Role.CREDIT_COMMITTEE),
        county_group=person("county", world.county, Role.CREDIT_COMMITTEE),
        coop=person("coop", world.county, Role.CREDIT_COOPERATIVE),
    )
    grid = world.grids[town_a.code][0]
    for i, name in enumerate(["张刚", "李梅", "王强"]):
        c.households.append(_household(grid, i + 1, name, c.ids))
    grid_b = world.grids[town_b.code][0]
    c.other_households.append(_household(grid_b, 11, "赵六", c.ids))
    return c


@pytest.fixture
def run_round(cw):
    """Take a round from creation to any state through the services (the API tests walk the
    same path by hand). Returns the round, reloaded."""

    def run(until="effective", households=None, period="2026", clock=None):
        rnd = services.create_round(actor=cw.head, village=cw.village, period=period)
        ids = [h.pk for h in (households if households is not None else cw.households)]
        services.nominate(actor=cw.head, round_id=rnd.pk, household_ids=ids)
        steps = [
            ("proposed", lambda: services.propose(actor=cw.head, round_id=rnd.pk)),
            ("reviewed", lambda: services.review(actor=cw.group, round_id=rnd.pk)),
            ("notice", lambda: services.publish(actor=cw.county_group, round_id=rnd.pk)),
        ]
        for state, step in steps:
            step()
            if until == state:
                return EvaluationRound.objects.get(pk=rnd.pk)
        assert clock is not None, "pass the time_machine fixture to reach 'effective'"
        clock.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
        services.take_effect(actor=cw.county_group, round_id=rnd.pk)
        return EvaluationRound.objects.get(pk=rnd.pk)

    return run


def applied_fact(cw, household, code, occurred_on, actor=None, told_on=None):
    """Propose a fact as the village head and apply it as the township group (a second person)."""
    from credit.subjects import subject_for_household

    fact = services.propose_fact(
        actor=actor or cw.head, subject=subject_for_household(household), item_code=code, occurred_on=occurred_on
    )
    return services.decide_fact(actor=cw.group, fact_id=fact.pk, apply=True, told_on=told_on)


def households_in(village):
    return Household.objects.filter(village=village)
