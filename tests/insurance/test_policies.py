"""Policies: the population tiers (40,000 and 50,000 exactly are the middle tier), one policy per
township and year, renewal, and who may issue them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.roles import Role
from grids import services as grid_services
from insurance import services
from insurance.constants import Tier, tier_for
from insurance.models import Insurer, Policy
from tests.factories import UserFactory

from .conftest import PREMIUMS


@pytest.mark.parametrize(
    "population, tier",
    [
        (0, Tier.SMALL),
        (39_999, Tier.SMALL),
        (40_000, Tier.MIDDLE),
        (40_001, Tier.MIDDLE),
        (49_999, Tier.MIDDLE),
        (50_000, Tier.MIDDLE),
        (50_001, Tier.LARGE),
    ],
)
def test_tier_boundaries(population, tier):
    assert tier_for(population) == tier


@pytest.mark.parametrize(
    "population, premium",
    [(39_999, PREMIUMS[0]), (40_000, PREMIUMS[1]), (50_000, PREMIUMS[1]), (50_001, PREMIUMS[2])],
)
def test_issued_policy_takes_the_premium_of_its_population_tier(cover, population, premium):
    Policy.objects.filter(township=cover.world.a).delete()
    policy = services.issue_policy(
        insurer=cover.insurer,
        township=cover.world.a,
        year=cover.year,
        perils=[cover.perils["ebike"]],
        per_claim_limit=Decimal("3000"),
        household_year_limit=Decimal("5000"),
        population=population,
        actor=cover.claims_officer,
    )
    assert (policy.population, policy.premium) == (population, premium)
    assert policy.ends_on.year == cover.year and (policy.ends_on - policy.starts_on).days in (364, 365)


def test_population_defaults_to_the_townships_recorded_population(cover):
    Policy.objects.filter(township=cover.world.a).delete()
    cover.world.a.population = 45_000
    cover.world.a.save(update_fields=["population"])
    policy = services.issue_policy(
        insurer=cover.insurer,
        township=cover.world.a,
        year=cover.year,
        perils=[cover.perils["ebike"]],
        per_claim_limit=Decimal("3000"),
        household_year_limit=Decimal("5000"),
        actor=cover.claims_officer,
    )
    assert policy.tier == Tier.MIDDLE and policy.population == 45_000


def test_one_policy_per_township_and_year(cover, as_user):
    body = {
        "insurer": cover.insurer.pk,
        "township": cover.world.a.pk,
        "year": cover.year,
        "perils": [cover.perils["ebike"].pk],
        "per_claim_limit": "3000",
        "household_year_limit": "5000",
    }
    response = as_user(cover.claims_officer).post("/api/v1/insurance/policies/", body, format="json")
    assert response.status_code == 400
    assert "已有保单" in response.json()["year"][0]
    assert Policy.objects.filter(township=cover.world.a).count() == 1


def test_renewal_copies_the_cover_and_recomputes_the_tier(cover, as_user):
    services.set_premium_schedule(
        insurer=cover.insurer,
        year=cover.year + 1,
        small=Decimal("8500"),
        middle=Decimal("10500"),
        large=Decimal("12500"),
        actor=cover.claims_officer,
    )
    old = cover.policies["a"]
    cover.perils["tools"].policies.add(old)  # the cover widened during the year
    cover.world.a.population = 50_001  # the township has grown into the top tier
    cover.world.a.save(update_fields=["population"])
    response = as_user(cover.claims_officer).post(f"/api/v1/insurance/policies/{old.pk}/renew/", {}, format="json")
    assert response.status_code == 201, response.json()
    new = Policy.objects.get(pk=response.json()["id"])
    assert new.year == old.year + 1 and new.renewed_from == old
    assert (new.starts_on - old.ends_on).days == 1  # the new term follows the old one
    assert set(new.perils.all()) == set(old.perils.all()) == {cover.perils[c] for c in ("livestock", "ebike", "tools")}
    assert (new.per_claim_limit, new.household_year_limit, new.excess) == (
        old.per_claim_limit,
        old.household_year_limit,
        old.excess,
    )
    assert old.tier == Tier.SMALL and new.tier == Tier.LARGE and new.premium == Decimal("12500")
    again = as_user(cover.claims_officer).post(f"/api/v1/insurance/policies/{old.pk}/renew/", {}, format="json")
    assert again.status_code == 400 and "已续保" in again.json()["policy"][0]


def test_renewal_needs_next_years_schedule(cover):
    with pytest.raises(ValidationError) as exc:
        services.renew_policy(policy=cover.policies["b"], actor=cover.claims_officer)
    assert "保费标准" in exc.value.message_dict["year"][0]


def test_only_insurer_staff_and_admins_issue_policies(cover, as_user):
    with pytest.raises(PermissionDenied):
        services.renew_policy(policy=cover.policies["a"], actor=cover.officer_a)
    response = as_user(cover.officer_a).post(
        f"/api/v1/insurance/policies/{cover.policies['a'].pk}/renew/", {}, format="json"
    )
    assert response.status_code == 403


def test_policy_lists_are_scoped(cover, as_user, django_assert_max_num_queries):
    other = Insurer.objects.create(code="other", name="其他保险公司", county=cover.world.county)
    stranger = UserFactory(username="other-insurer")
    grid_services.assign(user=stranger, area=cover.world.county, role=Role.INSURER)
    other.staff.add(stranger)
    ids = lambda user: {p["id"] for p in as_user(user).get("/api/v1/insurance/policies/").json()}  # noqa: E731
    everything = {cover.policies["a"].pk, cover.policies["b"].pk}
    assert ids(cover.claims_officer) == everything
    assert ids(stranger) == set()  # another insurer's staff see only their own insurer's policies
    assert ids(cover.officer_a) == {cover.policies["a"].pk}
    assert ids(cover.operator) == everything
    client = as_user(cover.operator)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/insurance/policies/").json()) == 2
