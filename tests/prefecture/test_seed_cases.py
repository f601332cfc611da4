"""`seed_demo --prefecture 4114` with demo.incidents: every county of the city gets its own
command centre, departments (and their staff) and cases, each handled by its own county's units."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings

from governance.models import User
from grids import spatial
from grids.models import Area
from incidents.models import Case, Unit

COUNTIES = set("411402 411403 411421 411422 411423 411424 411425 411426 411471 411472 411481".split())


@pytest.fixture
def seeded(db):
    with override_settings(DEMO_EXTENSIONS=["demo.incidents"]):
        call_command(
            "seed_demo",
            prefecture="4114",
            seed=7,
            townships=1,
            grids_per_village=1,
            households_per_grid=0,
            scale=0.005,
            stdout=io.StringIO(),
        )
    yield
    spatial.invalidate()


def test_other_counties_get_their_own_units_and_cases(seeded):
    by_county = dict(Case.objects.values_list("county__code").annotate(n=Count("id")).order_by())
    assert set(by_county) == COUNTIES and all(n == 100 for n in by_county.values())  # 20,000 × 0.005 each
    for code in ("411426", "411481"):
        assert Unit.objects.get(code=f"command-centre-{code}").area.code == code
        assert User.objects.filter(username=f"dept-police-{code}").exists()
    xiayi = Area.objects.get(code="411426")
    handled = Case.objects.filter(county=xiayi).exclude(handling_unit=None)
    assert handled.exists()
    assert not handled.exclude(handling_unit__area__path__startswith=xiayi.path).exists()
