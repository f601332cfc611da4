"""The wall-screen dashboard's insurance panel (oversight.panels.INSURANCE, figures from
insurance.figures.area_summary) on a known set of policies and claims: the county's, a township's
and a village's figures, the lists behind them, the fixed number of queries and the shared cache."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from insurance import figures
from insurance.constants import ClaimStatus
from insurance.models import Claim
from oversight import panels
from oversight.scope import OversightScope, forget_cached_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(cover):
    """In 城关镇: one open claim, one settled for 1,800 today, one declined; in 肖旗乡: one settled
    for 1,000 today. Both townships' policies: 35,000 people, premium 8,000 (the small tier)."""
    forget_cached_figures()
    today = timezone.localdate()
    open_a = cover.report("a")
    settled_a = cover.report("a", peril=cover.perils["livestock"], item="耕牛一头", loss_amount=Decimal("2000"))
    declined_a = cover.report("a", item="电动三轮车", loss_amount=Decimal("1500"))
    settled_b = cover.report("b", actor=cover.officer_b, loss_amount=Decimal("1200"))
    Claim.objects.filter(pk=settled_a.pk).update(status=ClaimStatus.SETTLED, paid_amount=1800, paid_on=today)
    Claim.objects.filter(pk=settled_b.pk).update(status=ClaimStatus.SETTLED, paid_amount=1000, paid_on=today)
    Claim.objects.filter(pk=declined_a.pk).update(status=ClaimStatus.DECLINED)
    return {"open": open_a, "settled": [settled_a, settled_b]}


def shown(client, user, area):
    client.force_login(user)
    response = client.get("/api/v1/oversight/dashboard/", {"area": area.pk})
    assert response.status_code == 200
    panel = {p["key"]: p for p in response.json()["panels"]}["insurance"]
    assert not panel["placeholder"]
    return {f["key"]: f for f in panel["content"]["figures"]}, panel["content"]["note"]


def test_the_county_panel_sums_both_townships(client, cover, claims):
    shown_figures, note = shown(client, cover.operator, cover.world.county)
    assert {k: (f["value"], f["unit"]) for k, f in shown_figures.items()} == {
        "insured": ("70,000", "人"),
        "claims_open": ("1", "件"),
        "claims_settled": ("2", "件"),
        "loss_ratio": ("17.5", "%"),  # 2,800 paid / 16,000 premium
    }
    assert note == "今年赔付 0.3 万元；保费 1.6 万元"


def test_a_township_and_a_village_show_their_own(client, cover, claims):
    figures_a, _note = shown(client, cover.officer_a, cover.world.a)
    assert [figures_a[k]["value"] for k in ("insured", "claims_open", "claims_settled", "loss_ratio")] == [
        "35,000",
        "1",
        "1",
        "22.5",  # 1,800 / 8,000
    ]
    village = cover.world.villages[cover.world.a.code][0]
    figures_v, note = shown(client, cover.officer_a, village)
    assert figures_v["insured"]["label"] == "所属乡镇参保人口" and figures_v["insured"]["value"] == "35,000"
    assert figures_v["claims_open"]["value"] == "1" and figures_v["loss_ratio"]["value"] == "—"
    assert "乡镇" in note


def test_the_settled_figure_links_to_the_settled_claims(client, cover, claims):
    shown_figures, _note = shown(client, cover.operator, cover.world.county)
    page = client.get(shown_figures["claims_settled"]["href"]).content.decode()
    assert all(c.number in page for c in claims["settled"]) and claims["open"].number not in page


def test_a_year_without_policies_is_shown_as_none_insured(client, cover):
    day = timezone.localdate().replace(month=1, day=1) - dt.timedelta(days=1)  # before this year's policies
    summary = figures.area_summary({"county_id": cover.world.county.pk}, {"county_id": cover.world.county.pk}, day)
    assert summary["policies"] == 0 and summary["population"] == 0 and summary["loss_ratio"] is None


def test_two_queries_per_area_and_one_computation_for_every_viewer(cover, claims, django_assert_num_queries):
    county = {"county_id": cover.world.county.pk}
    with django_assert_num_queries(2):
        figures.area_summary(county, county, timezone.localdate())
    scope = OversightScope(cover.world.county)
    first = panels.INSURANCE.content(scope)
    cover.report("b", actor=cover.officer_b, item="摩托车", loss_amount=Decimal("900"))
    with django_assert_num_queries(0):  # from the shared cache, not the database
        assert panels.INSURANCE.content(OversightScope(cover.world.county)) == first
