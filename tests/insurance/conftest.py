"""A county with safe-home insurance: the World of tests/factories.py, the incidents catalogue,
the county insurer with one claims officer, this year's schedule and a policy for each of the
two townships (per claim 3,000, per household and year 5,000, excess 200; livestock and e-bikes
covered, farm tools not), one household per township, and the people of 城关镇 who file, verify
and approve claims."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.roles import Role
from grids import services as grid_services
from grids.models import Household
from incidents import intake
from incidents.catalogue import THEFT_CATEGORY, ensure_catalogue
from incidents.models import Category
from insurance import services
from insurance.models import Insurer, Peril
from tests.factories import UserFactory, World, build_world

PREMIUMS = (Decimal("8000"), Decimal("10000"), Decimal("12000"))


@dataclass
class Cover:
    world: World
    insurer: Insurer
    claims_officer: object
    worker: object
    village_head: object
    operator: object
    perils: dict
    policies: dict
    households: dict
    year: int

    @property
    def officer_a(self):
        return self.world.officers[self.world.a.code]

    @property
    def officer_b(self):
        return self.world.officers[self.world.b.code]

    def theft(self, town="a", reporter=None):
        """A theft incident reported in the first grid of the township."""
        lng = 115.805 if town == "a" else 115.905
        return intake.submit_report(
            reporter=reporter or (self.worker if town == "a" else self.world.admin),
            source="grid_app",
            category=Category.objects.get(code=THEFT_CATEGORY),
            description="村民家中电动车夜间被盗",
            lat=34.405,
            lng=lng,
        )

    def report(self, town="a", **kwargs):
        """File a claim for the township's household (by default as 城关镇's grid worker)."""
        actor = kwargs.pop("actor", self.worker)
        kwargs.setdefault("household_id", self.households[town].pk)
        kwargs.setdefault("peril", self.perils["ebike"])
        kwargs.setdefault("item", "电动车一辆")
        kwargs.setdefault("loss_date", self.loss_date)
        kwargs.setdefault("loss_amount", Decimal("2500"))
        if "incident_id" not in kwargs and "police_report_number" not in kwargs:
            kwargs["police_report_number"] = f"JJ{Household.objects.count()}{timezone.now():%H%M%S%f}"
        return services.report_claim(actor=actor, **kwargs)

    @property
    def loss_date(self):
        today = timezone.localdate()
        return today - dt.timedelta(days=1) if today.timetuple().tm_yday > 1 else today


def household(world, town, number):
    """A household in the township's first grid."""
    return Household.objects.create(
        number=number,
        county=world.county,
        township=town,
        village=world.villages[town.code][0],
        grid=world.grids[town.code][0],
        head_name=f"户主{number}",
        address="测试地址",
    )


@pytest.fixture
def cover(db):
    world = build_world()
    ensure_catalogue(world.county)
    year = timezone.localdate().year
    insurer = Insurer.objects.create(code="picc", name="人保财险虞城支公司", county=world.county)
    claims_officer = UserFactory(username="picc", full_name="理赔员")
    grid_services.assign(user=claims_officer, area=world.county, role=Role.INSURER)
    insurer.staff.add(claims_officer)
    perils = {
        code: Peril.objects.create(code=code, name=name)
        for code, name in [("livestock", "牲畜被盗"), ("ebike", "电动车摩托车被盗"), ("tools", "农具被盗")]
    }
    services.set_premium_schedule(
        insurer=insurer, year=year, small=PREMIUMS[0], middle=PREMIUMS[1], large=PREMIUMS[2], actor=world.admin
    )
    policies = {
        key: services.issue_policy(
            insurer=insurer,
            township=town,
            year=year,
            perils=[perils["livestock"], perils["ebike"]],
            per_claim_limit=Decimal("3000"),
            household_year_limit=Decimal("5000"),
            excess=Decimal("200"),
            population=35_000,
            actor=world.admin,
        )
        for key, town in (("a", world.a), ("b", world.b))
    }
    households = {
        "a": household(world, world.a, "H-A-1"),
        "b": household(world, world.b, "H-B-1"),
    }
    worker = UserFactory(username="gw-a", full_name="网格员甲")
    grid_services.assign(user=worker, area=world.grids[world.a.code][0], role=Role.GRID_WORKER)
    village_head = UserFactory(username="vh-a", full_name="站长甲")
    grid_services.assign(user=village_head, area=world.villages[world.a.code][0], role=Role.VILLAGE_HEAD)
    operator = UserFactory(username="zhihui", full_name="值班员")
    grid_services.assign(user=operator, area=world.county, role=Role.COMMAND_OPERATOR)
    return Cover(world, insurer, claims_officer, worker, village_head, operator, perils, policies, households, year)
