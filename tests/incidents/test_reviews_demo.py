"""The demo county's rhythm: seed_demo leaves a daily review and two weekly evaluations."""

from django.utils import timezone

from demo import grids as grids_demo
from demo import incidents as demo
from demo import reviews as reviews_demo
from demo.grids.fieldwork import last_months
from grids.levels import AreaLevel
from grids.models import Area, MonthlyRating
from incidents.models import DailyReview, DailyUrge, WeeklyEvaluation, WeeklyScore


def test_demo_has_a_daily_review_and_two_weekly_evaluations_and_resets(db):
    grids_demo.seed(townships=1, grids_per_village=1, households_per_grid=1)
    county = Area.objects.get(code=grids_demo.COUNTY_CODE)
    demo.seed_demo(county=county, seed=3, scale=0.01)
    lines = []
    counts = reviews_demo.seed_demo(county=county, seed=3, log=lines.append)
    township = Area.objects.get(level=AreaLevel.TOWNSHIP)
    assert DailyReview.objects.filter(area=township).exists()
    assert counts["urged"] == DailyUrge.objects.count() and WeeklyEvaluation.objects.count() == 2
    assert WeeklyScore.objects.filter(kind="grid_worker").exists() and "周评" in lines[0]
    assert not WeeklyScore.objects.filter(on_time_rate__gt=1).exists()  # no published rate above 100 %
    # field work of three months, rated: most workers pass, a few are flagged, never nearly all
    assert counts["checkins"] > 0 and counts["visits"] > counts["checkins"] and counts["reviews"] > 0
    ratings = MonthlyRating.objects.all()
    assert set(ratings.values_list("month", flat=True)) == set(last_months(timezone.localdate()))
    latest = ratings.filter(month=max(last_months(timezone.localdate())))
    rated = latest.exclude(rating="unrated")
    assert rated.count() >= 5
    assert rated.filter(rating__in=["excellent", "competent"]).count() >= rated.count() * 0.6
    assert counts["dismissal_reviews"] == latest.filter(dismissal_review=True).count() <= rated.count() * 0.25
    assert "提请解聘审查" in lines[1]
    reviews_demo.reset_demo()
    assert not (DailyReview.objects.exists() or DailyUrge.objects.exists() or WeeklyEvaluation.objects.exists())
