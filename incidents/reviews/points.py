"""What the incidents app adds to a grid worker's monthly points: reports and completed tasks."""

import datetime as dt

from django.db.models import Count, Q

from grids import fieldwork

from ..constants import CaseStatus
from ..models import Case


def platform_counts(month: dt.date) -> dict[int, tuple[int, int]]:
    """user id → (reports made in the month, not rejected; matters they resolved on the spot)."""
    start, end = fieldwork.month_bounds(month)
    rows = (
        Case.objects.filter(reporter__isnull=False, created_at__gte=start, created_at__lt=end)
        .values("reporter_id")
        .annotate(
            reports=Count("id", filter=~Q(status=CaseStatus.REJECTED)),
            tasks=Count("id", filter=Q(self_resolved=True)),
        )
        .order_by()
    )
    return {r["reporter_id"]: (r["reports"], r["tasks"]) for r in rows}


def rate_grid_workers(*, month: dt.date) -> int:
    return len(fieldwork.rate_month(month=month, platform_counts=platform_counts(month)))
