"""A county ready for the closed loop: the World of tests/factories.py plus the catalogue,
a command-centre operator, a grid worker, a village head per township's first village, and
a police officer."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from governance.roles import Role
from grids import services as grid_services
from incidents import intake
from incidents.catalogue import ensure_catalogue
from incidents.models import Category, Unit
from tests.factories import UserFactory, World, build_world


@dataclass
class Loop:
    world: World
    operator: object
    worker: object
    village_heads: dict
    police: object

    def unit(self, code):
        return Unit.objects.get(code=code)

    def town_unit(self, town_code):
        return Unit.objects.get(code=f"area-{town_code}")

    def category(self, code):
        return Category.objects.get(code=code)


def photo(name="scene.jpg", colour=(200, 80, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def loop(db):
    world = build_world()
    ensure_catalogue(world.county)
    operator = UserFactory(username="zhihui", full_name="值班员")
    grid_services.assign(user=operator, area=world.county, role=Role.COMMAND_OPERATOR)
    worker = UserFactory(username="gw", full_name="网格员王")
    grid_services.assign(user=worker, area=world.grids["411425200"][0], role=Role.GRID_WORKER)
    heads = {}
    for code, villages in world.villages.items():
        head = UserFactory(username=f"vh-{villages[0].code}", full_name=f"{villages[0].name}站长")
        grid_services.assign(user=head, area=villages[0], role=Role.VILLAGE_HEAD)
        heads[code] = head
    police = UserFactory(username="police", full_name="公安民警")
    grid_services.assign(user=police, area=world.county, role=Role.DEPARTMENT_OFFICER)
    Unit.objects.get(code="dept-police").members.add(police)
    return Loop(world, operator, worker, heads, police)


@pytest.fixture
def report(loop):
    """Make a report in 肖旗乡's first grid (in its 1st village) as the grid worker."""

    def make(category="HJ01", **kwargs):
        kwargs.setdefault("reporter", loop.worker)
        kwargs.setdefault("source", "grid_app")
        kwargs.setdefault("description", "村民建筑材料堆放占道")
        kwargs.setdefault("lat", 34.405)
        kwargs.setdefault("lng", 115.905)
        return intake.submit_report(category=loop.category(category), **kwargs)

    return make
