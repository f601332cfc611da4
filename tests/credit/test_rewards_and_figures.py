"""三个10% rewards as data for other departments, the figures per area and the 红黑榜."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from credit import rewards
from credit.models import SafeVillage
from governance.roles import Role
from grids import household_services
from grids import services as grid_services
from tests.factories import UserFactory

from .conftest import applied_fact, id_number

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/rewards/"


@pytest.fixture
def department(cw):
    user = UserFactory(username="medical-insurance")
    grid_services.assign(user=user, area=cw.world.county, role=Role.DEPARTMENT_OFFICER)
    return user


def test_a_safe_village_flags_its_households_for_the_subsidies(cw, as_user, department):
    year = timezone.localdate().year
    record = rewards.designate_safe_village(cw.village, year, "平安创建考核 #1")
    assert rewards.designate_safe_village(cw.village, year, "再次登记") == record  # idempotent
    rows = as_user(department).get(URL, {"year": year}).json()["results"]
    flagged = {r["household"] for r in rows if r["safe_village"]}
    assert flagged == {h.pk for h in cw.households}
    assert {r["household"] for r in rows} >= flagged | {cw.other_households[0].pk}
    assert not any(r["safe_village"] for r in as_user(department).get(URL, {"year": year - 1}).json()["results"])


def test_a_law_abiding_family_gets_ten_more_points_of_medical_reimbursement(
    cw, run_round, time_machine, as_user, department
):
    zhang, li, wang = cw.households
    applied_fact(cw, li, "case_responsible", timezone.localdate())  # a deduction: not law-abiding
    run_round(clock=time_machine)
    rows = {r["household"]: r for r in as_user(department).get(URL, {"village": cw.village.pk}).json()["results"]}
    assert rows[zhang.pk]["law_abiding"] and rows[zhang.pk]["medical_reimbursement_bonus_points"] == 10
    assert rows[wang.pk]["law_abiding"]
    assert not rows[li.pk]["law_abiding"] and rows[li.pk]["medical_reimbursement_bonus_points"] == 0


def test_only_admins_record_a_safe_village_by_hand(cw, as_user):
    with pytest.raises(PermissionDenied):
        rewards.designate_safe_village(cw.village, 2026, "人工", actor=cw.head)
    response = as_user(cw.world.admin).post(
        "/api/v1/credit/safe-villages/",
        {"village": cw.village.pk, "year": 2026, "source": "县综治委通报"},
        format="json",
    )
    assert response.status_code == 201 and SafeVillage.objects.get().designated_by == cw.world.admin
    denied = as_user(cw.head).post(
        "/api/v1/credit/safe-villages/", {"village": cw.village.pk, "year": 2025, "source": "x"}, format="json"
    )
    assert denied.status_code == 403


def test_figures_per_township(cw, run_round, time_machine, as_user):
    zhang = cw.households[0]
    for code in ("safe_family", "moral_model", "filial_worthy", "red_banner"):
        applied_fact(cw, zhang, code, timezone.localdate())
    applied_fact(cw, cw.households[1], "crime", timezone.localdate())
    rnd = run_round(clock=time_machine)
    coop = as_user(cw.coop)
    subject = rnd.ratings.get(subject__household=zhang).subject_id
    line = coop.post("/api/v1/credit/lines/", {"subject": subject, "amount": 200_000}, format="json").json()
    coop.post(f"/api/v1/credit/lines/{line['id']}/movements/", {"kind": "draw", "amount": 50_000}, format="json")
    rows = as_user(cw.county_group).get("/api/v1/credit/figures/", {"level": "township"}).json()
    assert rows == [
        {
            "area": cw.world.a.pk,
            "name": "城关镇",
            "rated": 3,
            "vetoed": 1,
            "grades": {"AAA": 1, "未评级": 1},
            "lines": 1,
            "granted": 200_000,
            "drawn": 50_000,
        }
    ]
    assert as_user(cw.group_b).get("/api/v1/credit/figures/").json() == []
    assert as_user(cw.group).get("/api/v1/credit/figures/", {"level": "county"}).status_code == 400


def test_the_quarterly_red_and_black_list(cw, run_round, time_machine, as_user):
    zhang, li, _wang = cw.households
    applied_fact(cw, zhang, "moral_model", timezone.localdate())
    applied_fact(cw, li, "crime", timezone.localdate())
    rnd = run_round(clock=time_machine)
    day = rnd.effective_on
    quarter = (day.month - 1) // 3 + 1
    roll = as_user(cw.group).get("/api/v1/credit/honour-roll/", {"year": day.year, "quarter": quarter}).json()
    assert [r["subject__name"] for r in roll["red"]] == ["张刚"]
    assert [(r["subject__name"], r["vetoes"]) for r in roll["black"]] == [("李梅", 1)]
    assert as_user(cw.coop).get("/api/v1/credit/honour-roll/").json() == {"red": [], "black": []}


def test_law_abiding_follows_the_current_standing_not_an_older_rating(cw, run_round, time_machine, as_user, department):
    """张刚's clean 2026 rating is still valid when the 2027 round vetoes him (懒惰): he is no
    longer a 守法家庭 (before the fix the older rating kept the flag on)."""
    zhang = cw.households[0]
    run_round(clock=time_machine)
    applied_fact(cw, zhang, "idle", timezone.localdate())
    run_round(period="2027", clock=time_machine)
    rows = {r["household"]: r for r in as_user(department).get(URL, {"village": cw.village.pk}).json()["results"]}
    assert not rows[zhang.pk]["law_abiding"] and rows[zhang.pk]["medical_reimbursement_bonus_points"] == 0
    assert rows[cw.households[2].pk]["law_abiding"]  # 王强: clean in both rounds


def test_the_pension_raise_goes_to_enrolled_residents_aged_60_by_their_id_number(cw, as_user, department):
    today = timezone.localdate()
    household, _warnings = household_services.create_household(
        grid=cw.world.grids["411425100"][0],
        number="H-PENSION",
        head_name="陈老汉",
        address="1组",
        residents=[
            household_services.ResidentInput(name="陈老汉", id_number=id_number(31, "19500101"), relation="head"),
            household_services.ResidentInput(name="陈大娘", id_number=id_number(42, "19520101"), relation="spouse"),
            household_services.ResidentInput(
                name="陈大", id_number=id_number(53, f"{today.year - 59}0101"), relation="child"
            ),
        ],
    )
    old, wife, son = household.residents.order_by("id")
    for resident in (old, son):  # the wife is 60+ but not enrolled; the son is enrolled but 59
        rewards.record_pension_enrolment(actor=cw.head, resident=resident, enrolled_on=dt.date(2015, 1, 1))
    with pytest.raises(PermissionDenied):  # another township's staff may not record it
        rewards.record_pension_enrolment(actor=cw.group_b, resident=wife, enrolled_on=dt.date(2015, 1, 1))
    rows = {r["household"]: r for r in as_user(department).get(URL, {"year": today.year}).json()["results"]}
    assert rows[household.pk]["pension_raised"] == 0  # not a safe village (yet): no raise
    rewards.designate_safe_village(cw.village, today.year, "平安创建考核 #2")
    rows = {r["household"]: r for r in as_user(department).get(URL, {"year": today.year}).json()["results"]}
    assert rows[household.pk]["pension_raised"] == 1  # only 陈老汉
    assert rows[cw.households[0].pk]["pension_raised"] == 0  # born 1980
