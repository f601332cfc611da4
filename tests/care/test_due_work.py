"""Overdue visits in 日清 (figures, one urge a day), 周评 and the monthly points — through the
settings.REVIEW_DUE_WORK registry, which incidents and grids read without importing care."""

import copy
import datetime as dt
import zoneinfo
from decimal import Decimal

import time_machine
from django.test import override_settings

from care import services
from care.models import VisitUrge
from governance import duework
from governance.models import Notification
from grids import fieldwork
from grids.models import MonthlyRating, PointsRules
from incidents.reviews import daily, weekly
from incidents.reviews.models import DailyReview, ReviewRules, WeeklyScore

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)  # a Monday


def _at(day: dt.date, hour=17, minute=30):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_registry_counts_per_grid(care):
    with time_machine.travel(_at(START, 9), tick=False):
        care.plan(start=START, every=7)
        care.plan(care.residents[1], start=START - dt.timedelta(days=3), every=7, category="disabled")
        care.plan(care.residents[2], start=START + dt.timedelta(days=3), every=7)
    grid, second = care.world.grids[care.town.code][:2]
    assert duework.counts_by_grid(START, _at(START)) == {grid.id: (1, 1)}
    assert duework.counts_by_grid(START + dt.timedelta(days=5), _at(START)) == {grid.id: (0, 2), second.id: (0, 1)}
    with override_settings(REVIEW_DUE_WORK=[]):
        assert duework.counts_by_grid(START, _at(START)) == {}


def test_daily_review_shows_overdue_visits_and_urges_once(care):
    with time_machine.travel(_at(START, 9), tick=False):
        plan = care.plan(start=START, every=7, keepers=[services.KeeperInput(role="police", user_id=care.police.pk)])
        care.plan(care.residents[2], start=START + dt.timedelta(days=1), every=7)
    day = START + dt.timedelta(days=1)
    with time_machine.travel(_at(day), tick=False):
        assert daily.run_daily_review() == 1  # no case is overdue; one plan is
    village = DailyReview.objects.get(day=day, area=care.world.villages[care.town.code][0])
    township = DailyReview.objects.get(day=day, area=care.town)
    assert (village.work_due, village.work_overdue) == (1, 1)
    assert (township.work_due, township.work_overdue) == (1, 1)
    assert (village.new, village.open) == (0, 0)
    urge = VisitUrge.objects.get()
    assert (urge.plan, urge.day, urge.grid_worker, urge.due) == (plan, day, care.worker, START)
    told = set(Notification.objects.filter(kind="care_overdue").values_list("recipient_id", flat=True))
    assert told == {care.worker.pk, care.police.pk}
    assert "老人" not in Notification.objects.filter(kind="care_overdue").first().body  # no names in a notice
    with time_machine.travel(_at(day, 18), tick=False):
        assert daily.run_daily_review() == 0  # a re-run urges nobody twice
    assert VisitUrge.objects.count() == 1 and Notification.objects.filter(kind="care_overdue").count() == 2


def test_weekly_evaluation_deducts_overdue_visits(care):
    with time_machine.travel(_at(START, 9), tick=False):
        care.plan(start=START, every=7)
    with time_machine.travel(_at(START + dt.timedelta(days=8), 8, 0), tick=False):
        evaluation = weekly.run_weekly_evaluation()
    assert evaluation.week_start == START
    rules = ReviewRules.current()
    village = WeeklyScore.objects.get(
        evaluation=evaluation, subject=f"area:{care.world.villages[care.town.code][0].id}"
    )
    other = WeeklyScore.objects.get(evaluation=evaluation, subject=f"area:{care.world.villages[care.town.code][1].id}")
    worker = WeeklyScore.objects.get(evaluation=evaluation, subject=f"user:{care.worker.pk}")
    assert (village.work_overdue, worker.work_overdue, other.work_overdue) == (1, 1, 0)
    assert other.score - village.score == rules.deduct_work_overdue
    assert Decimal(evaluation.rules["deduct_work_overdue"]) == rules.deduct_work_overdue


def test_monthly_points_count_visits_done_and_missed(care):
    with time_machine.travel(_at(START, 9), tick=False):
        plan = care.plan(start=START, every=7)
        care.plan(care.residents[1], start=START - dt.timedelta(days=1), every=30, category="disabled")
        services.record_visit(visitor=care.worker, plan_id=plan.pk, finding="正常")
    with time_machine.travel(_at(START), tick=False):
        daily.run_daily_review()  # the second plan is overdue: urged on the worker's watch
    rows = fieldwork.rate_month(month=START, platform_counts={})
    row = next(r for r in rows if r.worker_id == care.worker.pk)
    assert (row.work_done, row.work_missed) == (1, 1)
    rules = PointsRules.current()
    without = copy.copy(row)
    without.work_done = without.work_missed = 0
    assert row.points - fieldwork.points_for(without, rules) == rules.per_work_done - rules.per_work_missed
    assert MonthlyRating.objects.get(worker=care.worker).work_missed == 1
