"""The demo county's rhythm (settings.DEMO_EXTENSIONS, after demo.incidents): today's daily
review over the demo cases and the weekly evaluation of the last two complete weeks, so the
/reviews/ pages have something to show. Grid workers' field work is not generated (their
monthly rating appears once check-ins and visits are posted)."""

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from grids.models import Area
from incidents.reviews.daily import run_daily_review
from incidents.reviews.models import DailyReview, DailyUrge, WeeklyEvaluation
from incidents.reviews.weekly import last_week, run_weekly_evaluation


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None) -> dict:
    started = time.monotonic()
    now = timezone.now()
    urged = run_daily_review(at=now)
    weeks = [last_week(now) - dt.timedelta(days=7), last_week(now)]
    for week in weeks:
        run_weekly_evaluation(week_start=week, at=now)
    log(f"日清：督办 {urged} 件；周评：{len(weeks)} 周（{time.monotonic() - started:.1f} 秒）")
    return {"urged": urged, "weeks": len(weeks)}


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
