"""The demo county's insurance (demo.insurance): a small county with incidents is seeded once
for the module (inside a transaction rolled back at the end); each test only reads."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from demo import grids as grids_demo
from demo import incidents as incidents_demo
from demo import insurance as demo
from governance.models import User
from grids import spatial
from grids.models import Area
from incidents.catalogue import THEFT_CATEGORY
from insurance import figures
from insurance.constants import ClaimStatus
from insurance.models import Claim, ClaimEvent, Policy
from insurance.rules import paid_this_year
from insurance.workflow import CLAIM_WORKFLOW

NOW = timezone.now()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        grids_demo.seed(townships=3, grids_per_village=1, households_per_grid=3)
        county = Area.objects.get(code=grids_demo.COUNTY_CODE)
        incidents_demo.seed_demo(county=county, seed=5, scale=0.05, now=NOW)
        lines = []
        counts = demo.seed_demo(county=county, seed=5, log=lines.append, now=NOW)
        yield county, counts, lines
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    """Every test sees the seeded county."""


def test_every_township_has_last_and_this_years_policy(seeded):
    county, counts, lines = seeded
    year = timezone.localdate(NOW).year
    towns = Area.objects.filter(path__startswith=county.path, level="township").count()
    assert Counter(Policy.objects.values_list("year", flat=True)) == {year - 1: towns, year: towns}
    for policy in Policy.objects.filter(year=year):
        assert policy.renewed_from.year == year - 1
        assert policy.perils.count() == policy.renewed_from.perils.count() + 1  # the cover widened
    assert counts["policies"] == 2 * towns and any("保单" in line for line in lines)


def test_the_year_before_this_years_policies_has_its_thefts(seeded):
    """The demo's cases reach back past last New Year, so 投保前一年 is a figure, not a zero."""
    year = timezone.localdate(NOW).year
    assert figures.thefts_known_before(year)
    rows = figures.township_figures(User.objects.get(username="baoxian"), year)
    assert rows and sum(r.thefts_before for r in rows) > 0 and sum(r.thefts_after for r in rows) > 0


def test_claims_are_linked_to_theft_incidents_or_police_reports(seeded):
    claims = Claim.objects.select_related("incident__category")
    assert claims.count() == seeded[1]["claims"] > 0
    linked = [c for c in claims if c.incident_id]
    assert linked and all(c.incident.category.code == THEFT_CATEGORY for c in linked)
    assert all(c.incident.township_id == c.township_id for c in linked)
    assert all(c.police_report_number for c in claims if not c.incident_id)
    assert len({c.incident_id for c in linked}) == len(linked)


def test_claims_spread_over_states_and_follow_the_workflow(seeded):
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    assert statuses[ClaimStatus.SETTLED] > 0 and len(statuses) >= 3
    for claim in Claim.objects.prefetch_related("events"):
        events = list(claim.events.all())
        assert events[0].action == "report" and events[-1].to_state == claim.status
        assert claim.version == len(events)
        for before, after in zip(events, events[1:], strict=False):
            transition = CLAIM_WORKFLOW.get(after.action)
            assert before.to_state == after.from_state and after.from_state in transition.sources
            assert before.created_at <= after.created_at <= NOW
        assert claim.policy.starts_on <= claim.loss_date <= claim.policy.ends_on


def test_payments_respect_the_limits(seeded):
    for claim in Claim.objects.filter(status=ClaimStatus.SETTLED).select_related("policy"):
        p = claim.policy
        assert 0 < claim.paid_amount <= min(claim.loss_amount - p.excess, p.per_claim_limit)
        assert paid_this_year(policy=p, household_id=claim.household_id) <= p.household_year_limit
        assert claim.paid_on >= claim.reported_at.date() - dt.timedelta(days=1)
    assert ClaimEvent.objects.count() == seeded[1]["events"]


def test_the_insurer_login(seeded):
    from governance.models import User

    officer = User.objects.get(username=demo.OFFICER_USERNAME)
    assert check_password(grids_demo.PASSWORD, officer.password)
    assert "insurer" in officer.role_names() and officer.insurers.filter(code=demo.INSURER_CODE).exists()
