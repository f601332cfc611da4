"""The bridge to governance credit's safe-village rewards (三个10%).

`credit.rewards.designate_safe_village(village, year, source)` is built in the credit app; until
it is installed this module records nothing. Approving a village's rating publishes that village;
`publish_safe_villages(year)` (re)publishes every approved safe village of a year.
"""

from grids.levels import AreaLevel

from ..constants import RatingResult, RatingStatus
from ..models import AreaRating


def _designate():
    try:
        from credit.rewards import designate_safe_village
    except ImportError:
        return None
    return designate_safe_village


def publish_safe_villages(year: int, *, village_ids=None) -> int:
    """Designate the approved 平安村 of `year` (optionally only `village_ids`) in credit.
    Returns how many were passed on (0 while credit's rewards are not installed)."""
    designate = _designate()
    if designate is None:
        return 0
    ratings = AreaRating.objects.filter(
        level=AreaLevel.VILLAGE, year=year, status=RatingStatus.APPROVED, result=RatingResult.SAFE
    ).select_related("area")
    if village_ids is not None:
        ratings = ratings.filter(area_id__in=village_ids)
    count = 0
    for rating in ratings.iterator(chunk_size=500):
        designate(village=rating.area, year=year, source=f"oversight.AreaRating:{rating.pk}")
        count += 1
    return count
