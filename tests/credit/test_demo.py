"""The demo county's governance credit (demo.credit): a small county with its incidents is seeded
once for the module (inside a transaction rolled back at the end); each test only reads."""

import pytest
from django.contrib.auth.hashers import check_password
from django.db import transaction
from stdnum.cn import uscc

from credit import rules
from credit.constants import FactStatus, RoundStatus
from credit.models import CreditLine, Enterprise, EvaluationRound, Fact, Rating, RoundEvent
from credit.tasks import propose_from_closed_cases as propose_task
from demo import credit as demo
from demo import grids as grids_demo
from demo import incidents as incidents_demo
from demo.grids.people import PASSWORD
from governance.models import User
from governance.roles import Role
from grids import spatial
from grids.levels import AreaLevel
from grids.models import Area
from grids.services import create_area


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        grids_demo.seed(townships=3, grids_per_village=1, households_per_grid=4)
        county = Area.objects.get(code=grids_demo.COUNTY_CODE)
        incidents_demo.seed_demo(county=county, seed=5, scale=0.01)
        lines = []
        counts = demo.seed_demo(county=county, seed=5, log=lines.append)
        yield county, counts, lines
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    """Every test sees the seeded county."""


def test_rounds_ratings_and_lines(seeded):
    _county, counts, lines = seeded
    assert counts["ratings"] == Rating.objects.count() > 0 and "coop" in lines[-1]
    statuses = set(EvaluationRound.objects.values_list("status", flat=True))
    assert statuses == {RoundStatus.EFFECTIVE, RoundStatus.NOTICE}
    version = rules.current_version()
    for rating in Rating.objects.select_related("round").filter(vetoed=False)[:50]:
        facts = Fact.objects.filter(subject=rating.subject, status=FactStatus.APPLIED)
        expected = rules.score(rules.Catalogue.load(version), rating.subject.kind, facts, rating.round.scored_on)
        assert (rating.score, rating.grade) == (expected.score, expected.grade)
    assert CreditLine.objects.filter(amount__gt=300_000).count() == 0 and CreditLine.objects.exists()
    effective = EvaluationRound.objects.filter(status=RoundStatus.EFFECTIVE).first()
    assert list(RoundEvent.objects.filter(round=effective).values_list("action", flat=True))[-1] == "take_effect"


def test_enterprises_have_valid_codes(seeded):
    assert Enterprise.objects.count() == len(demo.ENTERPRISE_NAMES)
    assert all(uscc.is_valid(code) for code in Enterprise.objects.values_list("credit_code", flat=True))


def test_the_cooperative_login(seeded, as_user):
    coop = User.objects.get(username=demo.COOPERATIVE_USERNAME)
    assert check_password(PASSWORD, coop.password) and coop.has_role(Role.CREDIT_COOPERATIVE)
    assert as_user(coop).get("/credit/cooperative/").status_code == 200


def test_some_proposals_wait_for_the_group(seeded):
    _county, counts, _lines = seeded
    assert Fact.objects.filter(status=FactStatus.PROPOSED).count() == counts["pending"]


def test_the_first_background_run_finds_nothing_new(seeded):
    """The demo leaves the proposals queue as the 15-minute task would: its first run adds none."""
    before = Fact.objects.filter(status=FactStatus.PROPOSED).count()
    assert before > 0
    assert propose_task() == 0
    assert Fact.objects.filter(status=FactStatus.PROPOSED).count() == before


def test_the_overview_names_the_townships_not_yet_evaluated(seeded, as_user):
    county = seeded[0]
    extra = create_area(parent=county, level=AreaLevel.TOWNSHIP, code=f"{county.code}199", name="演示未评定镇")
    page = as_user(User.objects.get(username=demo.COUNTY_GROUP_USERNAME)).get("/credit/").content.decode()
    assert "尚未开展综治信用评定的乡镇（1 个" in page and extra.name in page
    evaluated = EvaluationRound.objects.values_list("township__name", flat=True).first()
    assert evaluated not in page.split("尚未开展综治信用评定的乡镇")[1]


def test_the_banner_shows_the_credit_logins():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo_banner", stdout=out)
    assert "coop" in out.getvalue() and "credit-county" in out.getvalue()
