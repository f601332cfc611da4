"""The demo county's care (care.demo): a small county seeded once for the module (inside a
transaction rolled back at the end); each test only reads."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from care import colours
from care.models import CarePlan, CareVisit, ColourChange, ColourChangeEvent, PlanKeeper, PointsMovement, Volunteer
from demo import care as demo
from demo import grids as grids_demo
from grids import spatial
from grids.models import Area, Household, Resident


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        grids_demo.seed(townships=3, grids_per_village=1, households_per_grid=12)
        county = Area.objects.get(code=grids_demo.COUNTY_CODE)
        lines = []
        counts = demo.seed_demo(county=county, seed=5, log=lines.append)
        yield county, counts, lines
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    pass


def test_every_tagged_resident_has_a_plan_some_overdue(seeded):
    county, counts, lines = seeded
    tagged = Resident.objects.filter(household__county=county, tags__code__in=list(demo.TAG_PLANS)).distinct()
    assert counts["plans"] == tagged.count() == CarePlan.objects.count() > 0
    today = timezone.localdate()
    overdue = CarePlan.objects.filter(next_due__lt=today).count()
    assert 0 < overdue < counts["plans"]
    assert CareVisit.objects.count() == counts["visits"] >= counts["plans"] // 2
    for plan in CarePlan.objects.filter(last_visit_at__isnull=False)[:20]:
        last = plan.visits.order_by("-at").first()
        assert plan.next_due == last.next_due  # the rhythm rule holds in the demo too
    mental = CarePlan.objects.filter(category="mental")
    for plan in mental:
        roles = set(PlanKeeper.objects.filter(plan=plan).values_list("role", flat=True))
        assert plan.keepers_complete == ({"guardian", "village_cadre", "township_cadre", "police"} <= roles)
    assert "关爱守护" in lines[0]


def test_colours_and_volunteers(seeded):
    county, counts, _lines = seeded
    confirmed = ColourChange.objects.filter(status="confirmed")
    for change in confirmed:
        assert Household.objects.get(pk=change.household_id).colour == change.to_colour
        assert ColourChangeEvent.objects.filter(change=change).count() == 2
    assert ColourChange.objects.filter(status="proposed").exists()
    assert Volunteer.objects.count() == counts["volunteers"] > 0
    households = Household.objects.filter(county=county)
    assert all(h.created_at < timezone.now() - dt.timedelta(days=365) for h in households[:50])
    due = colours.contacts_due(households)  # registered long ago: every colour's contact is due
    assert {"green", "yellow", "red"} <= set(due.values_list("colour", flat=True))
    for volunteer in Volunteer.objects.all():
        rows = list(PointsMovement.objects.filter(volunteer=volunteer).order_by("id"))
        assert sum(r.points for r in rows) == volunteer.balance == rows[-1].balance_after >= 0
