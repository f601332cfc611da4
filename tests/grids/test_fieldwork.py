"""Grid workers' field work: idempotent check-ins and visits over the API, scoping, the monthly
points and rating thresholds, and the three-month dismissal-review flag."""

import datetime as dt
import threading
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from shapely.geometry import Point

from governance import idempotency
from governance.models import Notification
from governance.roles import Role
from grids import fieldwork, services, spatial
from grids.models import HouseholdVisit, MonthlyRating, PatrolCheckIn, PointsRules, SpotCheck
from tests.factories import UserFactory

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
OWN = {"lat": 34.405, "lng": 115.805}  # inside 城关镇1村第1网格
ELSEWHERE = {"lat": 34.405, "lng": 115.905}  # inside 肖旗乡1村第1网格


@pytest.fixture
def worker(world):
    user = UserFactory(username="gw-a", full_name="网格员李")
    services.assign(
        user=user, area=world.grids["411425100"][0], role=Role.GRID_WORKER, start_date=dt.date(2025, 1, 1)
    )
    return user


def post(client, path, data, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, data, format="json", **headers)


def test_a_retried_check_in_returns_the_first_one(worker, as_user):
    client = as_user(worker)
    first = post(client, "/api/v1/fieldwork/check-ins/", {**OWN, "note": "巡查"}, "k1")
    again = post(client, "/api/v1/fieldwork/check-ins/", {**OWN, "note": "巡查"}, "k1")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert first.json()["in_own_grid"] is True
    assert post(client, "/api/v1/fieldwork/check-ins/", {**OWN, "note": "改了"}, "k1").status_code == 422
    assert post(client, "/api/v1/fieldwork/check-ins/", OWN, "").status_code == 400
    assert PatrolCheckIn.objects.count() == 1
    away = post(client, "/api/v1/fieldwork/check-ins/", ELSEWHERE, "k2").json()
    assert away["in_own_grid"] is False  # recorded, but it does not count for attendance


def test_a_phone_without_position_checks_in_at_the_grid_centre_with_its_reason(worker, world, as_user):
    client = as_user(worker)
    refused = post(client, "/api/v1/fieldwork/check-ins/", {"note": "巡查"}, "c1")
    assert refused.status_code == 400 and "网格中心" in refused.json()["lat"][0]
    wrong = post(client, "/api/v1/fieldwork/check-ins/", {"no_gps_reason": "bored"}, "c2")
    assert wrong.status_code == 400 and "no_gps_reason" in wrong.json()
    answer = post(client, "/api/v1/fieldwork/check-ins/", {"lat": None, "no_gps_reason": "no_signal"}, "c3").json()
    assert (answer["position"], answer["no_gps_reason"], answer["in_own_grid"]) == ("grid_centre", "no_signal", True)
    row = PatrolCheckIn.objects.get()
    grid = world.grids["411425100"][0]
    assert (row.grid, row.lat, row.lng) == (grid, grid.center_lat, grid.center_lng)
    # with a position the reason is not kept: the row is a GPS check-in
    gps = post(client, "/api/v1/fieldwork/check-ins/", {**OWN, "no_gps_reason": "denied"}, "c4").json()
    assert (gps["position"], gps["no_gps_reason"]) == ("gps", "")
    # a grid without an entered centre uses a point inside its boundary; one with neither refuses
    type(grid).objects.filter(pk=grid.pk).update(center_lat=None, center_lng=None)
    post(client, "/api/v1/fieldwork/check-ins/", {"no_gps_reason": "denied"}, "c5")
    inside = PatrolCheckIn.objects.latest("id")
    assert spatial.shape_of(grid.boundary).contains(Point(inside.lng, inside.lat))
    type(grid).objects.filter(pk=grid.pk).update(boundary=None)
    refused = post(client, "/api/v1/fieldwork/check-ins/", {"no_gps_reason": "denied"}, "c6")
    assert refused.status_code == 400 and "中心点" in refused.json()["no_gps_reason"][0]


def test_visits_are_idempotent_and_only_to_households_in_scope(worker, world, as_user, make_household):
    own = make_household(world.grids["411425100"][0])
    other = make_household(world.grids["411425200"][0])
    client = as_user(worker)
    first = post(client, "/api/v1/fieldwork/visits/", {"household": own.pk, "note": "走访"}, "v1")
    again = post(client, "/api/v1/fieldwork/visits/", {"household": own.pk, "note": "走访"}, "v1")
    assert (first.status_code, again.status_code) == (201, 200) and HouseholdVisit.objects.count() == 1
    refused = post(client, "/api/v1/fieldwork/visits/", {"household": other.pk}, "v2")
    assert refused.status_code == 400 and "household" in refused.json()
    assert HouseholdVisit.objects.count() == 1


def test_only_a_grid_worker_in_post_checks_in(world, as_user):
    response = post(as_user(world.officers["411425100"]), "/api/v1/fieldwork/check-ins/", OWN, "k")
    assert response.status_code == 400 and "worker" in response.json()


def test_lists_are_scoped_to_the_callers_areas(worker, world, as_user, django_assert_max_num_queries):
    post(as_user(worker), "/api/v1/fieldwork/check-ins/", OWN, "k1")
    own_town = as_user(world.officers["411425100"])
    with django_assert_max_num_queries(6):
        assert len(own_town.get("/api/v1/fieldwork/check-ins/").json()["results"]) == 1
    assert as_user(world.officers["411425200"]).get("/api/v1/fieldwork/check-ins/").json()["results"] == []


def at(day, hour=9):
    return dt.datetime(2025, 9, day, hour, tzinfo=TZ)


@pytest.fixture
def september(worker, world, make_household):
    grid = world.grids["411425100"][0]
    columns = fieldwork._columns(grid)
    PatrolCheckIn.objects.bulk_create(
        [
            PatrolCheckIn(worker=worker, lat=34.405, lng=115.805, in_own_grid=True, at=at(d, h), **columns)
            for d in range(1, 21)
            for h in (9, 15)  # two check-ins on one day count one day
        ]
        + [PatrolCheckIn(worker=worker, lat=34.405, lng=115.905, in_own_grid=False, at=at(25), **columns)]
    )
    household = make_household(grid)
    HouseholdVisit.objects.bulk_create(
        [
            HouseholdVisit(worker=worker, household=household, at=at(d, 10), **columns)
            for d in range(1, 6)
            for _n in range(10)
        ]
        + [HouseholdVisit(worker=worker, household=household, at=at(8), **columns)]  # 1 visit: not a target day
    )
    SpotCheck.objects.create(
        worker=worker, checked_by=world.officers["411425100"], day=dt.date(2025, 9, 10), passed=True, **columns
    )
    return worker


def test_monthly_points_and_rating_thresholds(september, world):
    worker = september
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={worker.pk: (10, 5)})
    assert (row.checkin_days, row.visits, row.visit_target_days, row.spot_passed) == (20, 51, 5, 1)
    # defaults: 20 × 2 + 51 × 0.1 + 5 × 1 + 10 × 1 + 5 × 2 + 1 × 5, and no 领导评议 yet: 80 × 0.1
    assert row.points == Decimal("83.10") and row.rating == "competent" and row.leader_score is None
    assert row.pay_percent == 100  # 称职: full 绩效工资
    PointsRules.objects.filter(pk=1).update(competent_from=85)
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={worker.pk: (10, 5)})
    assert (row.rating, row.pay_percent) == ("basic", 80)
    PointsRules.objects.filter(pk=1).update(excellent_from=83, competent_from=70)
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={worker.pk: (10, 5)})
    assert (row.rating, row.pay_percent) == ("excellent", 120)
    assert MonthlyRating.objects.count() == 1  # re-runs update the same row


def test_the_leaders_review_counts_with_its_weight(september, world):
    """Baofeng: 参考领导评议为辅 — a score of 0–100 from a leader above the worker, × 0.1."""
    worker, officer = september, world.officers["411425100"]
    with pytest.raises(ValidationError):  # not by the worker himself
        fieldwork.record_leader_review(worker=worker, reviewer=worker, month=dt.date(2025, 9, 1), score=100)
    with pytest.raises(ValidationError):  # not by another township
        fieldwork.record_leader_review(
            worker=worker, reviewer=world.officers["411425200"], month=dt.date(2025, 9, 1), score=100
        )
    with pytest.raises(ValidationError):
        fieldwork.record_leader_review(worker=worker, reviewer=officer, month=dt.date(2025, 9, 1), score=101)
    fieldwork.record_leader_review(worker=worker, reviewer=officer, month=dt.date(2025, 9, 9), score=30)
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={worker.pk: (10, 5)})
    assert row.leader_score == 30 and row.points == Decimal("78.10")  # 75.10 + 30 × 0.1
    PointsRules.objects.filter(pk=1).update(per_leader_point=Decimal("0.5"))
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={worker.pk: (10, 5)})
    assert row.points == Decimal("90.10") and row.rating == "excellent"


def test_a_month_without_a_whole_assignment_is_unrated_not_incompetent(world):
    """A worker who took the grid on 15 August (the grid was vacant before): July and August are
    未评 (no pay grade, no dismissal run); September is the first month judged."""
    user = UserFactory(username="gw-new", full_name="新网格员")
    services.assign(
        user=user, area=world.grids["411425100"][1], role=Role.GRID_WORKER, start_date=dt.date(2025, 8, 15)
    )
    for month in (dt.date(2025, 7, 1), dt.date(2025, 8, 1)):
        [row] = fieldwork.rate_month(month=month, platform_counts={})
        assert (row.rating, row.pay_percent, row.dismissal_review) == ("unrated", None, False)
        assert row.get_rating_display() == "未评"
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={})
    assert row.rating == "incompetent" and not row.dismissal_review  # one low month, not three
    assert not Notification.objects.filter(kind="dismissal_review").exists()


def test_three_consecutive_low_months_flag_a_dismissal_review_once(worker, world):
    officer = world.officers["411425100"]
    for month in (dt.date(2025, 7, 1), dt.date(2025, 8, 1)):
        [row] = fieldwork.rate_month(month=month, platform_counts={})
        assert row.rating == "incompetent" and not row.dismissal_review
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={})
    assert row.dismissal_review
    fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={})  # a re-run tells nobody again
    assert Notification.objects.filter(recipient=officer, kind="dismissal_review").count() == 1
    assert not Notification.objects.filter(recipient=world.officers["411425200"], kind="dismissal_review").exists()


def test_a_good_month_in_between_breaks_the_run(worker, world):
    fieldwork.rate_month(month=dt.date(2025, 7, 1), platform_counts={})
    fieldwork.rate_month(month=dt.date(2025, 8, 1), platform_counts={worker.pk: (40, 10)})  # 40 + 20 + 8 points
    PointsRules.objects.filter(pk=1).update(competent_from=60, basic_from=50)
    assert MonthlyRating.objects.get(month=dt.date(2025, 8, 1)).rating == "basic"  # computed before the change
    fieldwork.rate_month(month=dt.date(2025, 8, 1), platform_counts={worker.pk: (40, 10)})
    assert MonthlyRating.objects.get(month=dt.date(2025, 8, 1)).rating == "competent"
    [row] = fieldwork.rate_month(month=dt.date(2025, 9, 1), platform_counts={})
    assert row.rating == "incompetent" and not row.dismissal_review


def test_ratings_api_is_scoped_and_filters_the_flag(worker, world, as_user):
    for month in (dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1)):
        fieldwork.rate_month(month=month, platform_counts={})
    flagged = as_user(world.officers["411425100"]).get("/api/v1/fieldwork/ratings/", {"dismissal_review": "true"})
    assert [(r["month"], r["worker_name"]) for r in flagged.json()["results"]] == [("2025-09-01", "网格员李")]
    assert as_user(world.officers["411425200"]).get("/api/v1/fieldwork/ratings/").json()["results"] == []


def test_spot_checks_come_from_above_not_from_the_worker_himself(worker, world):
    with pytest.raises(ValidationError):
        fieldwork.record_spot_check(worker=worker, checked_by=worker, day=dt.date(2025, 9, 1), passed=True)
    with pytest.raises(ValidationError):  # another township's officer
        fieldwork.record_spot_check(
            worker=worker, checked_by=world.officers["411425200"], day=dt.date(2025, 9, 1), passed=True
        )
    check = fieldwork.record_spot_check(
        worker=worker, checked_by=world.officers["411425100"], day=dt.date(2025, 9, 1), passed=False
    )
    assert check.grid == world.grids["411425100"][0]


def test_a_key_expires_after_seven_days(worker, as_user):
    client = as_user(worker)
    with time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=TZ)):
        first = post(client, "/api/v1/fieldwork/check-ins/", OWN, "k1").json()
    with time_machine.travel(dt.datetime(2025, 9, 9, 9, tzinfo=TZ)):
        later = post(client, "/api/v1/fieldwork/check-ins/", OWN, "k1")
    assert later.status_code == 201 and later.json()["id"] != first["id"]


@pytest.mark.django_db(transaction=True)
def test_parallel_check_ins_with_one_key_create_one_row():
    """Five threads, five database connections, one Idempotency-Key: one check-in."""
    from django.db import connection

    from tests.factories import build_world

    world = build_world()
    user = UserFactory(username="gw-par")
    services.assign(user=user, area=world.grids["411425100"][0], role=Role.GRID_WORKER)
    barrier, ids, errors = threading.Barrier(5), [], []

    def run():
        try:
            barrier.wait()
            row, _created = idempotency.once(
                user=user,
                scope="fieldwork.check_in",
                key="same",
                payload=OWN,
                run=lambda: fieldwork.check_in(worker=user, **OWN),
                model=PatrolCheckIn,
            )
            ids.append(row.pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1 and PatrolCheckIn.objects.count() == 1
