"""The demo county's mediation, petitions and subsidies (demo.disputes): a small county with its
incidents is seeded once for the module (inside a transaction rolled back at the end)."""

import pytest
from django.db import transaction

from demo import disputes as demo
from demo import grids as grids_demo
from demo import incidents as incidents_demo
from disputes.constants import MediationStatus, StatementStatus
from disputes.models import FollowUp, Mediation, MediationBody, Petition, SubsidyStatement
from grids import spatial
from grids.models import Area


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        grids_demo.seed(townships=3, grids_per_village=1, households_per_grid=2)
        county = Area.objects.get(code=grids_demo.COUNTY_CODE)
        incidents_demo.seed_demo(county=county, seed=5, scale=0.005)
        lines = []
        counts = demo.seed_demo(county=county, seed=5, log=lines.append)
        yield county, counts, lines
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    """Every test sees the seeded county."""


def test_bodies_mediations_in_every_state_and_statements(seeded):
    _county, counts, lines = seeded
    assert set(MediationBody.objects.values_list("kind", flat=True)) == {
        "village_venue",
        "township_judicial",
        "police_room",
        "enterprise",
        "county_centre",
    }
    assert set(Mediation.objects.values_list("status", flat=True)) == set(MediationStatus.values)
    assert Mediation.objects.filter(confirmed_on__isnull=False).exists()
    assert FollowUp.objects.exists() and counts["mediations"] == Mediation.objects.count()
    statements = SubsidyStatement.objects.all()
    assert statements.count() == counts["statements"] > 0
    assert {s.status for s in statements} == {StatementStatus.PENDING} and all(s.total > 0 for s in statements)
    assert "调解" in lines[-1]


def test_petitions_with_repeats_agents_and_a_backlog(seeded):
    assert Petition.objects.filter(first_petition__isnull=False).count() >= 6
    assert Petition.objects.filter(filed_by_agent=True).exists()
    assert Petition.objects.filter(backlog_since__isnull=False, status="resolved").exists()
    assert Petition.objects.filter(backlog_since__isnull=False).exclude(status="resolved").exists()
    assert Petition.objects.filter(owner__isnull=False).exists()
