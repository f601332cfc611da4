"""The demo extension: evidence, ratings of last year and this year, 8 weeks of indices."""

from django.utils import timezone

from demo import grids as grids_demo
from demo import incidents as incidents_demo
from demo import oversight as demo
from grids.models import Area
from oversight.models import AreaRating, Evidence, StabilityIndex
from tests.factories import UserFactory


def test_seed_demo_rates_every_area_and_indexes_eight_weeks(county, file_case):
    UserFactory(username="root", is_superuser=True)
    file_case(county.grids["411425100"][0], "XA01", created=timezone.now() - timezone.timedelta(days=400))
    counts = demo.seed_demo(county=county.county, seed=1)
    year = timezone.localdate().year
    assert counts["ratings"] == 2 * 7 and AreaRating.objects.filter(year=year - 1).count() == 7
    assert StabilityIndex.objects.count() == 8 * 2 == counts["indices"]
    assert Evidence.objects.filter(status="approved").count() == counts["evidence"] > 0
    assert not AreaRating.objects.filter(result="incomplete").exists()


def test_last_years_village_ratings_follow_that_years_cases(db):
    """The demo's cases reach back into last year, so last year's 平安村 ratings are not all 100:
    villages whose disputes were not all resolved, or that had criminal cases, lose points."""
    grids_demo.seed(townships=2, grids_per_village=1, households_per_grid=1)
    county = Area.objects.get(code=grids_demo.COUNTY_CODE)
    incidents_demo.seed_demo(county=county, seed=3, scale=0.1)
    demo.seed_demo(county=county, seed=3)
    scores = list(
        AreaRating.objects.filter(year=timezone.localdate().year - 1, level="village").values_list("score", flat=True)
    )
    assert len(scores) > 20
    assert len(set(scores)) >= 3 and scores.count(max(scores)) < 0.8 * len(scores)
