"""A county with mediation bodies: the World of tests/factories.py plus the incidents
catalogue, the command centre (an operator and a leader), 城关镇's first village with its station
head and grid worker, a village 摆理堂 with two mediators (the station head has an account), the
township's judicial office with one mediator (the township officer), a county centre, and
neighbour-dispute cases reported in 城关镇1村 and handled by its village station."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from disputes import services
from disputes.constants import BodyKind, Difficulty, PartySide
from disputes.models import MediationBody, Mediator, SubsidyRate
from governance.roles import Role
from grids import services as grid_services
from incidents import intake
from incidents import services as incident_services
from incidents.catalogue import ensure_catalogue
from incidents.models import Category, Unit
from tests.factories import UserFactory, World, build_world

A_LAT, A_LNG = 34.405, 115.805  # 城关镇1村第1网格


@dataclass
class Disputes:
    world: World
    operator: object
    leader: object
    village_head: object
    other_head: object
    worker: object
    village_body: MediationBody
    township_body: MediationBody
    county_body: MediationBody
    elder: Mediator
    head_mediator: Mediator
    judicial: Mediator

    @property
    def officer_a(self):
        return self.world.officers[self.world.a.code]

    @property
    def officer_b(self):
        return self.world.officers[self.world.b.code]

    @property
    def village(self):
        return self.world.villages[self.world.a.code][0]

    def case(self, category="MD02", description="邻里因宅基地边界争执", lat=A_LAT, lng=A_LNG, handled=True):
        """A dispute reported in 城关镇1村, registered, sent to its village station and signed for."""
        case = intake.submit_report(
            reporter=self.worker,
            source="grid_app",
            category=Category.objects.get(code=category),
            description=description,
            lat=lat,
            lng=lng,
        )
        if handled:
            incident_services.register(case_id=case.pk, actor=self.operator)
            unit = Unit.objects.get(code=f"area-{case.village.code}")
            incident_services.dispatch(case_id=case.pk, actor=self.operator, unit=unit)
            incident_services.accept(case_id=case.pk, actor=self.village_head)
        return case

    def open(self, case=None, actor=None, **kwargs):
        case = case or self.case()
        kwargs.setdefault("body_id", self.village_body.pk)
        kwargs.setdefault("mediator_ids", [self.elder.pk, self.head_mediator.pk])
        kwargs.setdefault("matter", "张家与李家宅基地边界争执")
        kwargs.setdefault("difficulty", Difficulty.ORDINARY)
        kwargs.setdefault(
            "parties",
            [{"name": "张三", "side": PartySide.APPLICANT}, {"name": "李四", "side": PartySide.RESPONDENT}],
        )
        return services.open_mediation(actor=actor or self.village_head, case_id=case.pk, **kwargs)


@pytest.fixture
def disputes(db):
    world = build_world()
    ensure_catalogue(world.county)
    operator = UserFactory(username="zhihui", full_name="值班员")
    grid_services.assign(user=operator, area=world.county, role=Role.COMMAND_OPERATOR)
    leader = UserFactory(username="leader", full_name="县领导")
    grid_services.assign(user=leader, area=world.county, role=Role.COMMAND_LEADER)
    village = world.villages[world.a.code][0]
    head = UserFactory(username="vh-a1", full_name="一村站长")
    grid_services.assign(user=head, area=village, role=Role.VILLAGE_HEAD)
    other = UserFactory(username="vh-a2", full_name="二村站长")
    grid_services.assign(user=other, area=world.villages[world.a.code][1], role=Role.VILLAGE_HEAD)
    worker = UserFactory(username="gw-a1", full_name="网格员甲")
    grid_services.assign(user=worker, area=world.grids[world.a.code][0], role=Role.GRID_WORKER)
    village_body = services.create_body(kind=BodyKind.VILLAGE_VENUE, name="城关镇1村摆理堂", area=village)
    township_body = services.create_body(kind=BodyKind.TOWNSHIP_JUDICIAL, name="城关镇司法所", area=world.a)
    county_body = services.create_body(kind=BodyKind.COUNTY_CENTRE, name="县矛盾纠纷调处中心", area=world.county)
    elder = services.add_mediator(body=village_body, name="老党员李")
    head_mediator = services.add_mediator(body=village_body, name="一村站长", phone="13800000001", user=head)
    judicial = services.add_mediator(body=township_body, name="司法所王", user=world.officers[world.a.code])
    for difficulty, amount in ((Difficulty.SIMPLE, "100"), (Difficulty.ORDINARY, "200"), (Difficulty.COMPLEX, "500")):
        SubsidyRate.objects.create(difficulty=difficulty, amount=Decimal(amount), valid_from="2020-01-01")
    return Disputes(
        world,
        operator,
        leader,
        head,
        other,
        worker,
        village_body,
        township_body,
        county_body,
        elder,
        head_mediator,
        judicial,
    )
