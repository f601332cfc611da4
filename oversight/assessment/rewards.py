"""The bridge to the safe-village rewards (三个10%) of the apps that grant them.

Approving a village's rating publishes that village; `publish_safe_villages(year)`
(re)publishes every approved safe village of a year. Who receives them is the registry
settings.SAFE_VILLAGE_SINKS: functions `(village=, year=, source=)` — today
`credit.rewards.designate_safe_village`. A path that does not import fails loudly.
"""

from governance.registry import entries
from grids.levels import AreaLevel

from ..constants import RatingResult, RatingStatus
from ..models import AreaRating


def publish_safe_villages(year: int, *, village_ids=None) -> int:
    """Pass the approved 平安村 of `year` (optionally only `village_ids`) to every sink.
    Returns how many villages were passed on (0 when no sink is registered)."""
    sinks = entries("SAFE_VILLAGE_SINKS")
    if not sinks:
        return 0
    ratings = AreaRating.objects.filter(
        level=AreaLevel.VILLAGE, year=year, status=RatingStatus.APPROVED, result=RatingResult.SAFE
    ).select_related("area")
    if village_ids is not None:
        ratings = ratings.filter(area_id__in=village_ids)
    count = 0
    for rating in ratings.iterator(chunk_size=500):
        for sink in sinks:
            sink(village=rating.area, year=year, source=f"oversight.AreaRating:{rating.pk}")
        count += 1
    return count
