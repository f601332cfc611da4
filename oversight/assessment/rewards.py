"""The bridge to the safe-village rewards (三个10%) of the apps that grant them.

Approving a village's rating publishes that village; `publish_safe_villages(year)`
(re)publishes every approved safe village of a year; revoking the approval withdraws what it fed
(`withdraw_safe_village`, inside the revocation's transaction). Who receives them is the registry
settings.SAFE_VILLAGE_SINKS: `governance.safe_villages.SafeVillageSink` objects — today
`credit.rewards.SAFE_VILLAGE_SINK`. A path that does not import fails loudly.
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
            sink.designate(village=rating.area, year=year, source=source_of(rating))
        count += 1
    return count


def source_of(rating: AreaRating) -> str:
    return f"oversight.AreaRating:{rating.pk}"


def withdraw_safe_village(rating: AreaRating, *, reason: str, actor) -> int:
    """Withdraw, in every sink, the 平安村 record `rating`'s approval fed; how many were withdrawn."""
    return sum(
        sink.withdraw(village=rating.area, year=rating.year, source=source_of(rating), reason=reason, actor=actor)
        for sink in entries("SAFE_VILLAGE_SINKS")
    )
