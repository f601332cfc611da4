"""Stability index: scores and colours at their boundaries, weekly computation on known data,
idempotent recomputation, bounded queries, the colour endpoint, scoping, the task and its schedule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from oversight.models import ColourBand, StabilityIndex, StabilityIndicator
from oversight.stability import colour_for, compute_week, indicator_score, last_complete_week
from oversight.tasks import compute_stability_index

WEEK = dt.date(2026, 3, 2)  # a Monday


def in_week(days=1, hour=10):
    return timezone.make_aware(dt.datetime.combine(WEEK + dt.timedelta(days=days), dt.time(hour)))


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 100), (5, 100), (Decimal("17.5"), 50), (30, 0), (45, 0), (None, 100)]
)
def test_indicator_score_between_baseline_and_ceiling(value, expected):
    disputes = StabilityIndicator(baseline=5, ceiling=30)
    assert indicator_score(disputes, value) == expected


def test_rate_indicator_scores_the_other_way():
    rate = StabilityIndicator(baseline=95, ceiling=60)
    assert indicator_score(rate, 95) == 100 and indicator_score(rate, Decimal("77.5")) == 50
    assert indicator_score(rate, 60) == 0


@pytest.mark.parametrize(
    ("index", "colour"),
    [
        ("100", "green"),
        ("85", "green"),
        ("84.99", "yellow"),
        ("70", "yellow"),
        ("69.99", "orange"),
        ("55", "orange"),
        ("54.99", "red"),
        ("0", "red"),
    ],
)
def test_colour_bands_at_their_boundaries(db, index, colour):
    assert colour_for(Decimal(index), list(ColourBand.objects.all())) == colour


def test_week_on_known_data_and_idempotent_recompute(county, file_case):
    a_grid, b_grid = county.grids["411425100"][0], county.grids["411425200"][0]
    file_case(a_grid, "XA01", created=in_week())  # a homicide in 城关镇
    for _ in range(3):
        file_case(a_grid, "MD02", created=in_week(), outcome="mediation_agreed")
    file_case(b_grid, "MD02", created=in_week(days=8))  # the next week
    file_case(b_grid, "XS01", created=in_week(days=-1))  # the week before
    assert compute_week(county=county.county, week_start=WEEK + dt.timedelta(days=3)) == 2  # any day → its Monday
    a = StabilityIndex.objects.get(township=county.a, week_start=WEEK)
    b = StabilityIndex.objects.get(township=county.b, week_start=WEEK)
    groups = {g["group"]: g for g in a.breakdown["groups"]}
    values = {i["code"]: i["value"] for g in a.breakdown["groups"] for i in g["indicators"]}
    assert values["X2"] == 1 and values["S1"] == 3 and values["S3"] == 100.0
    assert groups["criminal"]["score"] == 50.0  # X1 100, X2 0, equal weights
    weights = {i.code: i.weight for i in StabilityIndicator.objects.all()}
    expected = (sum(weights.values()) - weights["X2"]) * 100 / sum(weights.values())
    assert a.index == expected.quantize(Decimal("0.01"))
    assert b.index == 100 and b.colour == "green"
    assert a.colour == colour_for(a.index, list(ColourBand.objects.all()))
    before = list(StabilityIndex.objects.order_by("id").values_list("id", "township", "index", "colour", "breakdown"))
    compute_week(county=county.county, week_start=WEEK)
    after = list(StabilityIndex.objects.order_by("id").values_list("id", "township", "index", "colour", "breakdown"))
    assert after == before


def test_queries_do_not_grow_with_cases(county, file_case):
    file_case(county.grids["411425100"][0], "MD01", created=in_week())
    with CaptureQueriesContext(connection) as few:
        compute_week(county=county.county, week_start=WEEK)
    for i in range(40):
        file_case(county.grids["411425200"][i % 4], ["MD01", "XA02", "ZA01", "XF01"][i % 4], created=in_week(i % 7))
    compute_week(county=county.county, week_start=WEEK)  # 肖旗乡 turns red: its warning is sent here
    with CaptureQueriesContext(connection) as many:
        compute_week(county=county.county, week_start=WEEK)
    assert len(many) == len(few) <= 9


def test_colours_endpoint_and_page_are_scoped(county, file_case, as_user, django_assert_max_num_queries):
    compute_week(county=county.county, week_start=WEEK)
    officer = as_user(county.officers["411425100"])
    with django_assert_max_num_queries(6):  # session, user, grants, the colours
        r = officer.get("/api/v1/oversight/stability/colours/?week=2026-03-04")
    assert r.status_code == 200
    assert r.json()["week_start"] == "2026-03-02"
    assert [t["name"] for t in r.json()["townships"]] == ["城关镇"]
    leader = as_user(county.leader).get("/api/v1/oversight/stability/colours/").json()
    assert [t["colour"] for t in leader["townships"]] == ["green", "green"]
    r = officer.get("/api/v1/oversight/stability/colours/?week=2026-13-01")
    assert r.status_code == 400 and "日期格式" in r.json()["week"][0]
    other = StabilityIndex.objects.get(township=county.b)
    assert officer.get(f"/api/v1/oversight/stability/{other.pk}/").status_code == 404
    with django_assert_max_num_queries(8):
        page = officer.get("/oversight/stability/?week=2026-03-02")
    html = page.content.decode()
    assert page.status_code == 200 and "城关镇" in html and "肖旗乡" not in html
    assert html.count("trend-dot stability-green") == 1 and html.count("trend-dot stability-none") == 7  # 1 of 8 weeks


def test_weekly_task_defaults_to_last_complete_week_and_is_scheduled(county):
    assert compute_stability_index.delay().get() == 2
    assert StabilityIndex.objects.filter(week_start=last_complete_week()).count() == 2
    assert compute_stability_index.delay("2026-03-04").get() == 2
    assert StabilityIndex.objects.filter(week_start=WEEK).count() == 2
    entry = PeriodicTask.objects.get(task=compute_stability_index.name)
    assert entry.enabled and (entry.crontab.day_of_week, entry.crontab.hour, entry.crontab.minute) == ("1", "1", "30")
    assert str(entry.crontab.timezone) == "Asia/Shanghai"


def test_a_red_index_tells_the_township_and_the_centre_once_per_change(county, file_case):
    """Bands where anything below 100 is red: a homicide puts 城关镇 in red. Its officer and the
    command centre are told; a recomputation or a second red week tells nobody again; a
    township that stays green hears nothing; a way back to red after green warns again."""
    from governance.models import Notification

    ColourBand.objects.exclude(colour="red").update(min_index=100)
    a_grid = county.grids["411425100"][0]
    file_case(a_grid, "XA01", created=in_week())
    compute_week(county=county.county, week_start=WEEK)
    warned = Notification.objects.filter(kind="stability_warning")
    assert sorted(warned.values_list("recipient__username", flat=True)) == ["leader", "officer-411425100"]
    notice = warned.get(recipient=county.leader)
    assert notice.title == "社会稳定指数预警：城关镇为红色（高度预警）" and "2026-03-02" in notice.link
    compute_week(county=county.county, week_start=WEEK)  # the same week again
    file_case(a_grid, "XA01", created=in_week(days=8))
    compute_week(county=county.county, week_start=WEEK + dt.timedelta(days=7))  # red again: no change
    assert warned.count() == 2
    compute_week(county=county.county, week_start=WEEK + dt.timedelta(days=14))  # a quiet week: green
    file_case(a_grid, "XA01", created=in_week(days=22))
    compute_week(county=county.county, week_start=WEEK + dt.timedelta(days=21))  # red after green
    assert warned.count() == 4 and not warned.filter(recipient__username="officer-411425200").exists()
