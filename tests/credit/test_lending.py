"""Grade → credit line: the cooperative grants at most the band's line (never above 300,000 yuan)
for at most three years, records drawdowns and repayments within the line, and sees grade, line
and validity only — never why a subject is not eligible."""

import datetime as dt

import pytest
from django.utils import timezone

from credit import rules
from credit.constants import MAX_CREDIT_LINE, MAX_TERM_MONTHS, VetoEffect
from credit.models import CreditLine, LoanMovement, Rating, RuleVersion
from credit.subjects import subject_for_household

from .conftest import applied_fact

pytestmark = pytest.mark.django_db
LINES = "/api/v1/credit/lines/"


@pytest.fixture
def rated(cw, run_round, time_machine):
    """张刚 rated AAA (bonuses), 李梅 vetoed (违法犯罪), 王强 at the base score, in effect today."""
    zhang, li, _wang = cw.households
    today = timezone.localdate()
    for code in ("safe_family", "moral_model", "filial_worthy", "red_banner"):
        applied_fact(cw, zhang, code, today)
    applied_fact(cw, li, "crime", today)
    rnd = run_round(clock=time_machine)
    return {h.head_name: Rating.objects.get(round=rnd, subject__household=h) for h in cw.households}


def test_the_best_band_is_capped_at_300000_and_three_years(cw, rated):
    zhang = rated["张刚"]
    assert zhang.grade == "AAA" and zhang.credit_line == MAX_CREDIT_LINE and zhang.term_months == MAX_TERM_MONTHS
    assert zhang.valid_until == rules.add_months(zhang.valid_from, 36)


def test_the_cooperative_grants_within_the_cap_and_term(cw, rated, as_user):
    coop = as_user(cw.coop)
    subject = rated["张刚"].subject_id
    over = coop.post(LINES, {"subject": subject, "amount": MAX_CREDIT_LINE + 1}, format="json")
    assert over.status_code == 400 and "amount" in over.json()
    granted = coop.post(LINES, {"subject": subject, "amount": MAX_CREDIT_LINE}, format="json")
    assert granted.status_code == 201, granted.json()
    line = CreditLine.objects.get()
    assert line.amount == MAX_CREDIT_LINE and line.term_months == 36
    assert line.expires_on == rules.add_months(line.granted_on, 36)
    again = coop.post(LINES, {"subject": subject, "amount": 1000}, format="json")
    assert again.status_code == 400  # one running line per subject


def test_a_line_above_the_band_is_refused(cw, rated, as_user):
    wang = rated["王强"]  # base score: below every band → not rated, not eligible
    response = as_user(cw.coop).post(LINES, {"subject": wang.subject_id, "amount": 1000}, format="json")
    assert response.status_code == 400 and response.json()["subject"] == ["该主体当前不符合授信条件。"]


def test_drawdowns_stay_within_the_line_and_repayments_within_the_balance(cw, rated, as_user):
    coop = as_user(cw.coop)
    line = coop.post(LINES, {"subject": rated["张刚"].subject_id, "amount": 100_000}, format="json").json()
    url = f"{LINES}{line['id']}/movements/"
    assert coop.post(url, {"kind": "draw", "amount": 80_000}, format="json").status_code == 201
    too_much = coop.post(url, {"kind": "draw", "amount": 20_001}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert coop.post(url, {"kind": "repay", "amount": 80_001}, format="json").status_code == 400
    assert coop.post(url, {"kind": "repay", "amount": 30_000}, format="json").status_code == 201
    assert coop.post(url, {"kind": "draw", "amount": 50_000}, format="json").status_code == 201  # revolving
    listed = coop.get(LINES).json()["results"][0]
    assert (listed["drawn"], listed["repaid"]) == (130_000, 30_000)
    assert LoanMovement.objects.count() == 3


def test_no_drawdown_after_the_term(cw, rated, as_user, time_machine):
    line = as_user(cw.coop).post(LINES, {"subject": rated["张刚"].subject_id, "amount": 1000}, format="json").json()
    time_machine.move_to(timezone.now() + dt.timedelta(days=3 * 366 + 1))
    late = as_user(cw.coop).post(f"{LINES}{line['id']}/movements/", {"kind": "draw", "amount": 10}, format="json")
    assert late.status_code == 400 and "到期" in late.json()["on"][0]


def test_only_the_cooperative_records_lending(cw, rated, as_user):
    response = as_user(cw.county_group).post(
        LINES, {"subject": rated["张刚"].subject_id, "amount": 1000}, format="json"
    )
    assert response.status_code == 403 and not CreditLine.objects.exists()


def test_the_cooperative_sees_no_veto_details(cw, rated, as_user):
    coop = as_user(cw.coop)
    li = rated["李梅"]
    standing = coop.get(f"/api/v1/credit/subjects/{li.subject_id}/standing/").json()
    assert standing == {
        "subject": li.subject_id,
        "name": "李梅",
        "eligible": False,
        "grade": "",
        "credit_line": 0,
        "valid_until": None,
        "status_label": "不符合条件",
    }
    assert "违法犯罪" not in str(standing)
    # the evaluation side is closed to the cooperative: ratings, facts, rounds
    assert coop.get("/api/v1/credit/ratings/").json()["results"] == []
    assert coop.get(f"/api/v1/credit/ratings/{li.pk}/").status_code == 404
    assert coop.get("/api/v1/credit/facts/").json()["results"] == []
    assert coop.get(f"/api/v1/credit/rounds/{li.round_id}/").status_code == 404
    # while the evaluation group sees why
    group_view = as_user(cw.group).get(f"/api/v1/credit/ratings/{li.pk}/").json()
    assert group_view["vetoed"] and group_view["veto_reasons"] == ["违法犯罪"]


def test_the_cooperative_sees_grade_line_and_validity(cw, rated, as_user):
    zhang = rated["张刚"]
    standing = as_user(cw.coop).get(f"/api/v1/credit/subjects/{zhang.subject_id}/standing/").json()
    assert standing["eligible"] and standing["grade"] == "AAA" and standing["credit_line"] == MAX_CREDIT_LINE
    assert standing["valid_until"] == zhang.valid_until.isoformat()


def test_a_confirmed_veto_applied_after_the_rating_blocks_new_lines(cw, rated, as_user):
    """Where the county lets a second member's confirmation put a veto into effect at once."""
    RuleVersion.objects.update(veto_effect=VetoEffect.CONFIRMATION)
    zhang = rated["张刚"]
    applied_fact(cw, cw.households[0], "idle", timezone.localdate(), told_on=timezone.localdate())
    response = as_user(cw.coop).post(LINES, {"subject": zhang.subject_id, "amount": 1000}, format="json")
    assert response.status_code == 400
    assert subject_for_household(cw.households[0]).pk == zhang.subject_id
