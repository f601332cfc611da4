"""A county with key people: the World of tests/factories.py, the case catalogue, and in
肖旗乡's first village a grid worker (first grid), a village head, a grid police officer and two
households with residents; people who must never see key people (an insurer, the credit
cooperative, a credit group, a department officer) and another township's grid worker."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from care import services
from care.constants import Category, Keeper, RiskLevel
from governance.roles import Role
from grids import services as grid_services
from grids.household_services import ResidentInput, create_household
from incidents.catalogue import ensure_catalogue
from tests.factories import UserFactory, World, build_world


@dataclass
class Care:
    world: World
    worker: object
    other_worker: object
    head: object
    police: object
    outsiders: dict
    households: list
    residents: list

    @property
    def town(self):
        return self.world.b

    @property
    def officer(self):
        return self.world.officers[self.world.b.code]

    def plan(self, resident=None, *, category=Category.ELDERLY_ALONE, every=7, start=None, keepers=(), **kwargs):
        start = start or dt.date.today()
        return services.create_plan(
            actor=self.head,
            resident_id=(resident or self.residents[0]).pk,
            category=category,
            risk_level=kwargs.pop("risk_level", RiskLevel.ATTENTION),
            visit_every_days=every,
            start_date=start,
            review_date=start + dt.timedelta(days=180),
            keepers=list(keepers),
            **kwargs,
        )


FOUR = [
    services.KeeperInput(role=Keeper.GUARDIAN, name="监护人甲"),
    services.KeeperInput(role=Keeper.VILLAGE_CADRE, name="村干部乙"),
    services.KeeperInput(role=Keeper.TOWNSHIP_CADRE, name="乡镇干部丙"),
    services.KeeperInput(role=Keeper.POLICE, name="民警丁"),
]


def photo(name="visit.jpg", colour=(80, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def care(db):
    world = build_world()
    ensure_catalogue(world.county)
    town = world.b
    village, grid = world.villages[town.code][0], world.grids[town.code][0]
    worker = UserFactory(username="gw-care", full_name="网格员李")
    grid_services.assign(user=worker, area=grid, role=Role.GRID_WORKER)
    other = UserFactory(username="gw-other", full_name="网格员赵")
    grid_services.assign(user=other, area=world.grids[world.a.code][0], role=Role.GRID_WORKER)
    head = UserFactory(username="vh-care", full_name="站长孙")
    grid_services.assign(user=head, area=village, role=Role.VILLAGE_HEAD)
    police = UserFactory(username="police-care", full_name="网格警务员周")
    grid_services.assign(user=police, area=village, role=Role.GRID_POLICE)
    outsiders = {}
    for role, area in [
        (Role.INSURER, world.county),
        (Role.CREDIT_COOPERATIVE, world.county),
        (Role.CREDIT_COMMITTEE, world.county),
        (Role.DEPARTMENT_OFFICER, world.county),
    ]:
        user = UserFactory(username=f"out-{role}", full_name=f"外部{role}")
        grid_services.assign(user=user, area=area, role=role)
        outsiders[role] = user
    households, residents = [], []
    for i, g in enumerate([grid, world.grids[town.code][1]]):
        household, _w = create_household(
            grid=g,
            number=f"H{g.code}{i}",
            head_name=f"户主{i}",
            address=f"肖旗乡一村{i + 1}号",
            residents=[ResidentInput(name=f"老人{i}", relation="head"), ResidentInput(name=f"家属{i}")],
        )
        households.append(household)
        residents += list(household.residents.order_by("id"))
    return Care(world, worker, other, head, police, outsiders, households, residents)
