"""Possible duplicates: an open case of the same category within 200 m (or in the same base
grid) reported in the last 24 hours."""

import datetime as dt
import math

from django.db.models import Q

from .constants import OPEN_STATES
from .models import Case

RADIUS_M = 200
WINDOW = dt.timedelta(hours=24)
_M_PER_DEG_LAT = 111_320


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def find_possible_duplicate(*, category_id: int, grid_id: int, lat, lng, at: dt.datetime) -> Case | None:
    """The earliest matching open case, or None. Candidates come from an indexed, bounded query."""
    near = Q(grid_id=grid_id)
    if lat is not None and lng is not None:
        dlat = RADIUS_M / _M_PER_DEG_LAT
        dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
        near |= Q(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
    candidates = (
        Case.objects.filter(
            near,
            category_id=category_id,
            status__in=OPEN_STATES,
            created_at__gte=at - WINDOW,
            duplicate_of__isnull=True,
        )
        .only("id", "grid_id", "lat", "lng", "created_at", "number")
        .order_by("created_at")[:50]
    )
    for case in candidates:
        if case.grid_id == grid_id:
            return case
        if lat is not None and case.lat is not None and distance_m(lat, lng, case.lat, case.lng) <= RADIUS_M:
            return case
    return None
