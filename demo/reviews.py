"""The demo county's rhythm (settings.DEMO_EXTENSIONS, after demo.incidents): today's daily
review over the demo cases, the weekly evaluation of the last two complete weeks, and grid
workers' field work of the last three complete months (demo.grids.fieldwork) with their monthly
ratings, so the /reviews/ pages and the ratings have believable months to show."""

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from grids.models import Area, MonthlyRating
from incidents.reviews.daily import run_daily_review
from incidents.reviews.models import DailyReview, DailyUrge, WeeklyEvaluation
from incidents.reviews.points import rate_grid_workers
from incidents.reviews.weekly import last_week, run_weekly_evaluation

from .grids.fieldwork import last_months, seed_fieldwork


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None) -> dict:
    started = time.monotonic()
    now = timezone.now()
    urged = run_daily_review(at=now)
    weeks = [last_week(now) - dt.timedelta(days=7), last_week(now)]
    for week in weeks:
        run_weekly_evaluation(week_start=week, at=now)
    log(f"日清：督办 {urged} 件；周评：{len(weeks)} 周（{time.monotonic() - started:.1f} 秒）")
    started = time.monotonic()
    today = timezone.localdate(now)
    work = seed_fieldwork(county=county, seed=seed, today=today)
    months = last_months(today)
    for month in months:
        rate_grid_workers(month=month)
    latest = MonthlyRating.objects.filter(county=county, month=months[-1])
    flagged = latest.filter(dismissal_review=True).count()
    log(
        f"网格员：{len(months)} 个月的打卡 {work['checkins']} 次、走访 {work['visits']} 户次、"
        f"抽查 {work['spot_checks']} 次、领导评议 {work['reviews']} 条；"
        f"{months[-1]:%Y-%m} 评定 {latest.count()} 人，提请解聘审查 {flagged} 人"
        f"（{time.monotonic() - started:.1f} 秒）"
    )
    return {"urged": urged, "weeks": len(weeks), **work, "rated": latest.count(), "dismissal_reviews": flagged}


@transaction.atomic
def reset_demo() -> None:
    """Remove the rhythm's rows of the demo county (before demo.incidents removes its cases)."""
    from demo.grids import COUNTY_CODE

    county = Area.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    DailyUrge.objects.filter(case__county=county).delete()
    DailyReview.objects.filter(county=county).delete()
    WeeklyEvaluation.objects.all().delete()  # the demo is the only county; scores cascade
