"""What waits for a person's decision across the platform (insurance claims to approve, credit
proposals to decide, assessment evidence to accept …), for the inbox's "待我审批" panel.

Each app that has approvals names a function in settings.APPROVAL_SOURCES: it takes the user and
returns a list of `Waiting`, each with the queryset of the waiting items; this module knows
nothing of areas. `waiting_for` counts every source's items in one statement — a scalar subquery
per source — however many sources there are.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from .registry import gather


@dataclass(frozen=True)
class Waiting:
    label: str
    items: QuerySet
    url: str
    count: int = 0  # filled in by waiting_for


def count_together(querysets: list[QuerySet]) -> list[int]:
    """COUNT(*) of each queryset, all in one statement (they read the default database)."""
    if not querysets:
        return []
    parts, params = [], []
    for i, queryset in enumerate(querysets):
        try:
            sql, values = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(): a user with no area
            parts.append("0")
            continue
        # the ORM's own SQL of each queryset, its values bound as parameters
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS waiting_{i})")  # nosec B608
        params.extend(values)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def waiting_for(user) -> list[Waiting]:
    """Every source's waiting items for `user` with their counts, leaving out the empty ones."""
    found = gather("APPROVAL_SOURCES", user)
    counted = [replace(w, count=n) for w, n in zip(found, count_together([w.items for w in found]), strict=True)]
    return [w for w in counted if w.count]
