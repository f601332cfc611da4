"""The wall-screen dashboard's credit panel (oversight.panels.CREDIT, figures from
credit.figures.area_summary) on a known set of ratings, lines and proposals: grades, lines granted
and drawn, facts waiting for the evaluation group, per area, in a fixed number of queries."""

import pytest
from django.utils import timezone

from credit import figures, services
from credit.subjects import subject_for_household
from governance.roles import Role
from grids import services as grid_services
from oversight.scope import forget_cached_figures
from tests.factories import UserFactory

from .conftest import applied_fact

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(cw, run_round, time_machine, as_user):
    """In 城关镇1村: 张刚 AAA with a 200,000 line and 50,000 + 30,000 drawn, 李梅 vetoed, 王强 not
    rated; one proposed fact waiting. Nothing in 肖旗乡 but a proposed fact."""
    forget_cached_figures()
    zhang, li, wang = cw.households
    for code in ("safe_family", "moral_model", "filial_worthy", "red_banner"):
        applied_fact(cw, zhang, code, timezone.localdate())
    applied_fact(cw, li, "crime", timezone.localdate())
    rnd = run_round(clock=time_machine)
    coop = as_user(cw.coop)
    subject = rnd.ratings.get(subject__household=zhang).subject_id
    line = coop.post("/api/v1/credit/lines/", {"subject": subject, "amount": 200_000}, format="json").json()
    for amount in (50_000, 30_000):
        coop.post(f"/api/v1/credit/lines/{line['id']}/movements/", {"kind": "draw", "amount": amount}, format="json")
    coop.post(f"/api/v1/credit/lines/{line['id']}/movements/", {"kind": "repay", "amount": 10_000}, format="json")
    services.propose_fact(
        actor=cw.head, subject=subject_for_household(wang), item_code="safe_family", occurred_on=timezone.localdate()
    )
    operator = UserFactory(username="zhihui")
    grid_services.assign(user=operator, area=cw.world.county, role=Role.COMMAND_OPERATOR)
    return operator


def panel(client, user, area):
    client.force_login(user)
    response = client.get("/api/v1/oversight/dashboard/", {"area": area.pk})
    assert response.status_code == 200
    return {p["key"]: p for p in response.json()["panels"]}["credit"]["content"]


def test_the_panel_of_the_county_and_of_the_other_township(client, cw, rated):
    content = panel(client, rated, cw.world.county)
    assert {f["key"]: f["value"] for f in content["figures"]} == {
        "lines": "1",
        "granted": "20.0",  # 万元
        "drawn": "8.0",  # draws only, before the 10,000 repaid
        "pending": "1",
    }
    assert [(r["label"], r["value"]) for r in content["rows"]] == [("AAA", "1"), ("未评级", "1"), ("一票否决", "1")]
    assert content["note"] == "有效评级 3 户"
    other = panel(client, rated, cw.world.b)
    assert {f["key"]: f["value"] for f in other["figures"]} == {
        "lines": "0",
        "granted": "0.0",
        "drawn": "0.0",
        "pending": "0",
    }
    assert other["rows"] == []


def test_the_pending_figure_links_to_the_proposals(client, cw, rated):
    pending = next(f for f in panel(client, rated, cw.village)["figures"] if f["key"] == "pending")
    assert pending["value"] == "1" and pending["href"] == "/credit/proposals/"


def test_four_queries_whatever_the_number_of_ratings(cw, rated, django_assert_num_queries):
    with django_assert_num_queries(4):
        summary = figures.area_summary({"township_id": cw.world.a.pk}, timezone.localdate())
    assert summary["grades"] == {"AAA": 1, "未评级": 1} and summary["vetoed"] == 1
