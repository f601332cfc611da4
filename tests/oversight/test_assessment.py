"""Safe-area assessment: indicators on known data, rating rules, evidence workflow, scoping."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.household_services import create_household
from grids.models import Area
from oversight.assessment.rating import compute_ratings, meets
from oversight.assessment.services import review_evidence, submit_evidence
from oversight.models import AreaRating, Evidence, Indicator, RatingEvent

from .conftest import YEAR, at


def village_rating(village, year=YEAR):
    return AreaRating.objects.get(area=village, year=year)


def row(rating, code):
    return next(r for r in rating.breakdown if r["code"] == code)


def approve_all_entered(world, village, passed=True):
    """Enter and approve every entered village indicator of `village` (head enters, leader approves)."""
    head = world.heads.get(village.code) or world.admin
    for ind in Indicator.objects.filter(level="village", metric="entered"):
        ev = submit_evidence(
            actor=head, area=village, indicator=ind, year=YEAR, passed=passed, note="台账齐全，实地核查达标"
        )
        review_evidence(evidence_id=ev.pk, action="approve", actor=world.leader)


def test_seeded_shape_is_longyans(db):
    counts = {
        level: Indicator.objects.filter(level=level, is_key=True).count() for level in ("county", "township", "village")
    }
    assert counts == {"county": 4, "township": 11, "village": 9}
    groups = set(Indicator.objects.filter(level="village").values_list("group", flat=True))
    assert groups == {"一少", "五无", "六好"}
    assert Indicator.objects.filter(level="township", group="四情", comparison="at_most").count() == 4


def test_computed_indicators_on_known_data(county, file_case):
    village = county.villages["411425100"][0]
    grid = county.grids["411425100"][0]
    file_case(grid, "XA02")
    file_case(grid, "XA03", status="dispatched")
    file_case(grid, "XA03", status="rejected")  # rejected reports are not cases
    file_case(grid, "XA03", created=at(YEAR - 1))  # another year
    for outcome in ["mediation_agreed", "mediation_agreed", "resolved", "mediation_failed"]:
        file_case(grid, "MD02", outcome=outcome)
    compute_ratings(county=county.county, year=YEAR)
    rating = village_rating(village)
    assert row(rating, "V1")["value"] == 2 and row(rating, "V1")["passed"] is True  # ≤ 2: the boundary passes
    assert row(rating, "V2")["value"] == 0 and row(rating, "V2")["passed"] is True
    assert row(rating, "V7")["value"] == 75.0 and row(rating, "V7")["passed"] is False  # 3 of 4 resolved < 95%
    other = village_rating(county.villages["411425100"][1])
    assert row(other, "V1")["value"] == 0 and row(other, "V7")["value"] is None and row(other, "V7")["passed"]


@pytest.mark.parametrize(
    ("comparison", "threshold", "value", "expected"),
    [
        ("at_most", 2, 2, True),
        ("at_most", 2, 3, False),
        ("at_least", 95, Decimal("95.00"), True),
        ("at_least", 95, Decimal("94.99"), False),
        ("at_least", 95, None, True),
    ],
)
def test_threshold_boundaries(comparison, threshold, value, expected):
    indicator = Indicator(comparison=comparison, threshold=Decimal(threshold))
    assert meets(indicator, value) is expected


def test_rating_rules(county, file_case):
    safe, murder, failing, missing = county.villages["411425100"] + county.villages["411425200"]
    for village in (safe, murder, failing):
        approve_all_entered(county, village)
    file_case(county.grids["411425100"][2], "XA01")  # a homicide in the second village of 城关镇
    for _ in range(3):  # three criminal cases: V1 (not a veto) fails
        file_case(county.grids["411425200"][0], "XA02")
    compute_ratings(county=county.county, year=YEAR)
    assert village_rating(safe).result == "safe" and village_rating(safe).score == 100
    homicide = village_rating(murder)
    assert homicide.result == "not_safe" and row(homicide, "V2")["passed"] is False
    assert homicide.score > 80  # a veto fails the village whatever its score
    one_miss = village_rating(failing)
    assert one_miss.result == "safe" and one_miss.score == Decimal("88.89")  # 8 of 9 ≥ pass score 80
    assert village_rating(missing).result == "incomplete"


def test_failed_entered_veto_fails_and_two_misses_fail(county):
    village = county.villages["411425100"][0]
    head = county.heads[village.code]
    for ind in Indicator.objects.filter(level="village", metric="entered"):
        passed = ind.code not in ("V5", "V6")
        ev = submit_evidence(actor=head, area=village, indicator=ind, year=YEAR, passed=passed, note="按台账逐项核查")
        review_evidence(evidence_id=ev.pk, action="approve", actor=county.leader)
    rating = village_rating(village)
    assert rating.score == Decimal("77.78") and rating.result == "not_safe"


def test_recompute_is_idempotent_and_leaves_approved_ratings(county, file_case):
    village = county.villages["411425100"][0]
    approve_all_entered(county, village)
    compute_ratings(county=county.county, year=YEAR)
    first = {r.area_id: (r.pk, r.score, r.result) for r in AreaRating.objects.all()}
    events = RatingEvent.objects.count()
    compute_ratings(county=county.county, year=YEAR)
    assert {r.area_id: (r.pk, r.score, r.result) for r in AreaRating.objects.all()} == first
    assert RatingEvent.objects.count() == events  # nothing changed, nothing recorded
    assert AreaRating.objects.count() == 1 + 2 + 4
    rating = village_rating(village)
    from oversight.assessment.services import decide_rating

    decide_rating(rating_id=rating.pk, action="approve", actor=county.officers["411425100"], version=rating.version)
    file_case(county.grids["411425100"][0], "XA01")
    compute_ratings(county=county.county, year=YEAR)
    assert village_rating(village).result == "safe"  # approved: frozen until revoked


def test_computation_queries_do_not_grow_with_cases(county, file_case):
    grid = county.grids["411425100"][0]
    file_case(grid, "MD01", outcome="resolved")
    with CaptureQueriesContext(connection) as few:
        compute_ratings(county=county.county, year=YEAR)
    for i in range(40):
        file_case(county.grids["411425200"][i % 4], ["MD01", "XA02", "AQ02", "XS01"][i % 4], outcome="resolved")
    with CaptureQueriesContext(connection) as many:
        compute_ratings(county=county.county, year=YEAR)
    assert len(many) <= len(few) <= 30  # the first run also records every new rating


# --- the API ----------------------------------------------------------------------------------


def test_evidence_entry_validation_is_400_in_chinese(county, as_user):
    village = county.villages["411425100"][0]
    client = as_user(county.heads[village.code])
    computed = Indicator.objects.get(level="village", code="V2")
    township_ind = Indicator.objects.get(level="township", code="T05")
    url = "/api/v1/oversight/evidence/"
    base = {"area": village.pk, "year": YEAR, "passed": True, "note": "台账齐全，实地核查达标"}
    r = client.post(url, {**base, "indicator": computed.pk}, format="json")
    assert r.status_code == 400 and "自动计算" in r.json()["indicator"][0]
    r = client.post(url, {**base, "indicator": township_ind.pk}, format="json")
    assert r.status_code == 400 and "层级不符" in r.json()["indicator"][0]
    entered = Indicator.objects.get(level="village", code="V4")
    r = client.post(url, {**base, "indicator": entered.pk, "note": "好", "year": 1999}, format="json")
    assert r.status_code == 400 and "佐证说明" in r.json()["note"][0] and "考核年度" in r.json()["year"][0]
    r = client.post(url, {"area": village.pk}, format="json")
    assert r.status_code == 400 and r.json()["indicator"] == ["此项为必填项。"]
    outside = county.villages["411425200"][0]
    r = client.post(url, {**base, "area": outside.pk, "indicator": entered.pk}, format="json")
    assert r.status_code == 404  # another township's village: as if it did not exist
    r = as_user(county.leader).post(url, {**base, "indicator": entered.pk}, format="json")
    assert r.status_code == 403  # the command centre sees the village but keeps no records there
    assert not Evidence.objects.exists()
    r = client.post(url, {**base, "indicator": entered.pk, "file": _fake_pdf()}, format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "submitted" and r.json()["has_file"] is True


def _fake_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("核查记录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")


def test_evidence_review_workflow(county, as_user):
    village = county.villages["411425100"][0]
    head = county.heads[village.code]
    entered = Indicator.objects.get(level="village", code="V4")
    created = (
        as_user(head)
        .post(
            "/api/v1/oversight/evidence/",
            {"area": village.pk, "indicator": entered.pk, "year": YEAR, "passed": True, "note": "无涉黑涉恶线索"},
            format="json",
        )
        .json()
    )
    url = f"/api/v1/oversight/evidence/{created['id']}/"
    assert as_user(head).post(url + "approve/", {}, format="json").status_code == 403  # not their own
    other_town = as_user(county.officers["411425200"])
    assert other_town.post(url + "approve/", {}, format="json").status_code == 404
    officer = as_user(county.officers["411425100"])
    r = officer.post(url + "reject/", {"version": created["version"]}, format="json")
    assert r.status_code == 400 and "退回原因" in r.json()["note"][0]
    r = officer.post(url + "approve/", {"version": created["version"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [e["action"] for e in r.json()["events"]] == ["submit", "approve"]
    assert officer.post(url + "approve/", {"version": created["version"]}, format="json").status_code == 409
    assert row(village_rating(village), "V4")["passed"] is True  # the area's rating was recomputed


def test_rating_approval_designates_the_safe_village_in_credit(county, as_user, django_capture_on_commit_callbacks):
    from credit.models import SafeVillage
    from oversight.assessment.rewards import publish_safe_villages

    village = county.villages["411425100"][0]
    approve_all_entered(county, village)
    rating = village_rating(village)
    officer = as_user(county.officers["411425100"])
    with django_capture_on_commit_callbacks(execute=True):
        r = officer.post(f"/api/v1/oversight/ratings/{rating.pk}/approve/", {"version": rating.version}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    safe = SafeVillage.objects.get()
    assert (safe.village, safe.year, safe.source) == (village, YEAR, f"oversight.AreaRating:{rating.pk}")
    assert publish_safe_villages(YEAR) == 1 and SafeVillage.objects.count() == 1  # idempotent, only approved 达标


def test_revoking_an_approved_safe_village_withdraws_its_credit_reward(
    county, as_user, django_capture_on_commit_callbacks
):
    """The reward an approval fed stops when the approval is revoked (same transaction, recorded
    with who, when and why); an admin's own designation of another village is left alone; a new
    approval designates again."""
    from credit.models import SafeVillage
    from credit.rewards import designate_safe_village, households_with_rewards

    village, other = county.villages["411425100"][:2]
    designate_safe_village(other, YEAR, "人工登记", actor=county.admin)
    approve_all_entered(county, village)
    rating = village_rating(village)
    leader = as_user(county.leader)
    url = f"/api/v1/oversight/ratings/{rating.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert leader.post(url + "approve/", {"version": rating.version}, format="json").status_code == 200

    def safe_households():
        day = dt.date(YEAR, 12, 31)
        rows = households_with_rewards(county.admin, year=YEAR, day=day).filter(safe_village=True)
        return set(rows.values_list("village_id", flat=True))

    for number, place in (("HSAFE1", village), ("HSAFE2", other)):
        grid = Area.objects.filter(level="grid", path__startswith=place.path).first()
        create_household(grid=grid, number=number, head_name="户主", address="村内")
    assert safe_households() == {village.id, other.id}
    rating.refresh_from_db()
    r = leader.post(url + "revoke/", {"version": rating.version, "note": "复核发现命案漏报"}, format="json")
    assert r.status_code == 200, r.content
    withdrawn = SafeVillage.objects.get(village=village)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == county.leader
    assert withdrawn.withdrawal_reason == "复核发现命案漏报"
    assert safe_households() == {other.id}  # the reward stopped; the admin's designation stays
    event = RatingEvent.objects.filter(rating=rating).latest("id")
    assert (event.action, event.data["safe_villages_withdrawn"]) == ("revoke", 1)
    listed = as_user(county.admin).get("/api/v1/credit/safe-villages/", {"year": YEAR}).json()
    assert [row["village"] for row in listed["results"]] == [other.id]
    rating.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert leader.post(url + "approve/", {"version": rating.version}, format="json").status_code == 200
    assert SafeVillage.objects.filter(village=village).count() == 2  # the withdrawn record is kept
    assert safe_households() == {village.id, other.id}


def test_publish_without_a_sink_records_nothing_and_a_broken_sink_fails_loudly(county, settings):
    from credit.models import SafeVillage
    from oversight.assessment.rewards import publish_safe_villages

    village = county.villages["411425100"][0]
    approve_all_entered(county, village)
    AreaRating.objects.filter(pk=village_rating(village).pk).update(status="approved")
    assert publish_safe_villages(YEAR) == 1 and SafeVillage.objects.count() == 1
    SafeVillage.objects.all().delete()
    settings.SAFE_VILLAGE_SINKS = []
    assert publish_safe_villages(YEAR) == 0 and not SafeVillage.objects.exists()
    settings.SAFE_VILLAGE_SINKS = ["credit.rewards.no_such_function"]  # a real import bug is not a quiet 0
    with pytest.raises(ImportError):
        publish_safe_villages(YEAR)


def test_incomplete_rating_cannot_be_approved_and_revoke_needs_a_reason(county, as_user):
    compute_ratings(county=county.county, year=YEAR)
    village = county.villages["411425100"][0]
    rating = village_rating(village)
    leader = as_user(county.leader)
    url = f"/api/v1/oversight/ratings/{rating.pk}/"
    r = leader.post(url + "approve/", {"version": rating.version}, format="json")
    assert r.status_code == 400 and "佐证" in r.json()["result"][0]
    approve_all_entered(county, village)
    rating.refresh_from_db()
    assert leader.post(url + "approve/", {"version": rating.version}, format="json").status_code == 200
    r = leader.post(url + "revoke/", {"version": rating.version + 1}, format="json")
    assert r.status_code == 400 and "撤销原因" in r.json()["note"][0]
    r = leader.post(url + "revoke/", {"version": rating.version + 1, "note": "发现漏报命案"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "computed"


def test_township_rating_is_decided_by_the_county(county, as_user):
    compute_ratings(county=county.county, year=YEAR)
    town = AreaRating.objects.get(area=county.a, year=YEAR)
    r = as_user(county.officers["411425100"]).post(f"/api/v1/oversight/ratings/{town.pk}/approve/", {}, format="json")
    assert r.status_code == 403


def test_compute_endpoint_and_scoping(county, as_user, django_assert_max_num_queries):
    officer = as_user(county.officers["411425100"])
    r = officer.post("/api/v1/oversight/ratings/compute/", {"county": county.county.pk, "year": YEAR}, format="json")
    assert r.status_code == 404  # the county is outside a township officer's sight
    r = as_user(county.leader).post(
        "/api/v1/oversight/ratings/compute/", {"county": county.county.pk, "year": YEAR}, format="json"
    )
    assert r.status_code == 200 and r.json() == {"ratings": 7}
    with django_assert_max_num_queries(6):
        r = officer.get(f"/api/v1/oversight/ratings/?year={YEAR}")
    names = {row["area_name"] for row in r.json()["results"]}
    assert names == {"城关镇", "城关镇1村", "城关镇2村"}
    outside = AreaRating.objects.get(area=county.villages["411425200"][0])
    assert officer.get(f"/api/v1/oversight/ratings/{outside.pk}/").status_code == 404
    assert officer.post(f"/api/v1/oversight/ratings/{outside.pk}/approve/", {}, format="json").status_code == 404
    client = as_user(county.officers["411425100"])
    client.force_login(county.officers["411425100"])
    assert client.get(f"/oversight/ratings/{outside.pk}/").status_code == 404
    inside = AreaRating.objects.get(area=county.villages["411425100"][0])
    page = client.get(f"/oversight/ratings/{inside.pk}/")
    assert page.status_code == 200 and "无命案" in page.content.decode()


def test_ratings_page_query_count_does_not_grow(county, as_user, django_assert_max_num_queries):
    compute_ratings(county=county.county, year=YEAR)
    client = as_user(county.leader)
    with django_assert_max_num_queries(12):
        page = client.get(f"/oversight/ratings/?year={YEAR}&level=village")
    assert page.status_code == 200 and page.content.decode().count("/oversight/ratings/") >= 4
