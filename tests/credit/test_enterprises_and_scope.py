"""Enterprises (unified social credit code checked with python-stdnum), area scoping (404 outside
scope) and the query counts of the lists."""

import pytest
from django.utils import timezone

from credit import subjects
from credit.models import Enterprise, Subject
from grids import household_services
from grids.models import Household

from .conftest import USCC_OTHER, USCC_VALID, applied_fact

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/enterprises/"


def test_a_valid_code_registers_the_enterprise_and_its_subject(cw, as_user):
    response = as_user(cw.head).post(
        URL,
        {"village": cw.village.pk, "name": "虞城绿源农业有限公司", "credit_code": " 9111 0000 6000 3734 1l "},
        format="json",
    )
    assert response.status_code == 201, response.json()
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == USCC_VALID and enterprise.township_id == cw.world.a.pk
    assert Subject.objects.get(enterprise=enterprise).kind == "enterprise"


@pytest.mark.parametrize("code", ["91110000600037341X", "9111000060003734", "ABCDEFGHIJKLMNOPQR", ""])
def test_an_invalid_code_answers_400_in_chinese(cw, as_user, code):
    response = as_user(cw.head).post(
        URL, {"village": cw.village.pk, "name": "某公司", "credit_code": code}, format="json"
    )
    assert response.status_code == 400 and "credit_code" in response.json()
    assert not Enterprise.objects.exists()


def test_a_code_is_registered_once(cw, as_user):
    subjects.register_enterprise(actor=cw.head, village=cw.village, name="甲公司", credit_code=USCC_VALID)
    again = as_user(cw.head).post(URL, {"village": cw.village.pk, "name": "乙公司", "credit_code": USCC_VALID})
    assert again.status_code == 400 and "已登记" in again.json()["credit_code"][0]


def test_a_village_outside_scope_is_404(cw, as_user):
    response = as_user(cw.head).post(URL, {"village": cw.village_b.pk, "name": "某公司", "credit_code": USCC_OTHER})
    assert response.status_code == 404


def test_rows_outside_scope_are_404_and_absent_from_lists(cw, as_user, run_round):
    enterprise = subjects.register_enterprise(
        actor=cw.group_b, village=cw.village_b, name="肖旗公司", credit_code=USCC_OTHER
    )
    applied_fact(cw, cw.households[0], "safe_family", timezone.localdate())
    rnd = run_round(until="reviewed")
    other = as_user(cw.group_b)
    assert other.get(f"{URL}{enterprise.pk}/").status_code == 200
    assert other.get(f"/api/v1/credit/rounds/{rnd.pk}/").status_code == 404
    assert other.get(f"/api/v1/credit/rounds/{rnd.pk}/").status_code == 404
    assert other.get("/api/v1/credit/rounds/").json()["results"] == []
    rating = rnd.ratings.first()
    assert other.get(f"/api/v1/credit/ratings/{rating.pk}/").status_code == 404
    assert other.get(f"/api/v1/credit/subjects/{rating.subject_id}/").status_code == 404
    assert other.post(f"/api/v1/credit/rounds/{rnd.pk}/publish/").status_code == 404
    head = as_user(cw.head)
    assert head.get(f"{URL}{enterprise.pk}/").status_code == 404
    assert [s["id"] for s in head.get("/api/v1/credit/subjects/").json()["results"]] == sorted(
        Subject.objects.filter(village=cw.village).values_list("id", flat=True)
    )


def _grow(cw, n, prefix):
    grid = cw.world.grids[cw.world.a.code][0]
    for i in range(n):
        household_services.create_household(grid=grid, number=f"{prefix}{i:04d}", head_name=f"户{i}", address="x")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/credit/ratings/",
        "/api/v1/credit/subjects/",
        "/api/v1/credit/rounds/",
        "/api/v1/credit/facts/",
        "/api/v1/credit/rewards/",
        "/api/v1/credit/figures/?level=village",
    ],
)
def test_lists_take_a_bounded_number_of_queries(cw, as_user, run_round, django_assert_max_num_queries, url):
    client = as_user(cw.group)
    counts = []
    for period, extra in (("2025", 2), ("2026", 20)):
        _grow(cw, extra, period)
        households = list(Household.objects.filter(village=cw.village))
        for h in households[:extra]:
            applied_fact(cw, h, "volunteer", timezone.localdate())
        run_round(until="reviewed", households=households, period=period)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
