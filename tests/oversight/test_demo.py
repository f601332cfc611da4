"""The demo extension: evidence, ratings of last year and this year, 8 weeks of indices."""

from django.utils import timezone

from demo import oversight as demo
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
