"""Indicator values from the platform's cases, for many areas at once: one aggregate query
grouped by the area column (township_id, village_id…), one filtered COUNT/AVG per indicator.
The number of queries does not depend on the number of cases or areas.

Which cases count (docs/assessment.md):
- received in the period: `created_at` in [start, end), not rejected, not merged as a duplicate;
- resolved: received and closed with the outcome 已解决 or 调解成功;
- on time: closed in the period with an on-time flag (按期结案 / all closed with a clock);
- satisfaction: closed in the period with a callback score 1–5 (× 20 gives a percentage).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from incidents.constants import CaseStatus, Outcome
from incidents.models import Case
from incidents.selectors import categories

from .constants import Metric

RESOLVED_OUTCOMES = (Outcome.RESOLVED, Outcome.MEDIATION_AGREED)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    """What one computed indicator counts: a metric over some categories and sources."""

    code: str
    metric: str
    category_codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @classmethod
    def of(cls, row) -> "Measure":
        return cls(row.code, row.metric, tuple(row.category_codes or ()), tuple(row.sources or ()))


def category_ids(codes_in_use) -> dict[str, list[int]]:
    """For each category code: the ids of that category and its sub-categories (one query)."""
    wanted = set(codes_in_use)
    ids: dict[str, list[int]] = {code: [] for code in wanted}
    for pk, code, parent_code in categories().values_list("id", "code", "parent__code"):
        for c in (code, parent_code):
            if c in wanted:
                ids[c].append(pk)
    return ids


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def values_by_area(
    measures: list[Measure], *, group_by: str, within: Q, start: dt.datetime, end: dt.datetime
) -> dict[int, dict[str, Decimal | int | None]]:
    """{area id: {measure code: value}} for the areas that had any case in the period; an area
    absent from the answer has the value of `empty_values(measures)`."""
    measures = [m for m in measures if m.metric != Metric.ENTERED]
    if not measures:
        return {}
    ids = category_ids({c for m in measures for c in m.category_codes})
    received_in = Q(created_at__gte=start, created_at__lt=end) & Q(duplicate_of__isnull=True)
    received_in &= ~Q(status=CaseStatus.REJECTED)
    closed_in = Q(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end, duplicate_of__isnull=True)
    aggregates, skipped = {}, set()
    for i, m in enumerate(measures):
        scope = Q()
        if m.category_codes:
            pks = sorted({pk for code in m.category_codes for pk in ids[code]})
            if not pks:  # the codes name no category: nothing can match
                skipped.add(m.code)
                continue
            scope &= Q(category_id__in=pks)
        if m.sources:
            scope &= Q(source__in=m.sources)
        if m.metric == Metric.CASE_COUNT:
            aggregates[f"n{i}"] = Count("id", filter=received_in & scope)
        elif m.metric == Metric.RESOLUTION_RATE:
            aggregates[f"n{i}"] = Count("id", filter=received_in & scope)
            aggregates[f"k{i}"] = Count(
                "id", filter=received_in & scope & Q(status=CaseStatus.CLOSED, outcome__in=RESOLVED_OUTCOMES)
            )
        elif m.metric == Metric.ON_TIME_RATE:
            aggregates[f"n{i}"] = Count("id", filter=closed_in & scope & Q(closed_on_time__isnull=False))
            aggregates[f"k{i}"] = Count("id", filter=closed_in & scope & Q(closed_on_time=True))
        elif m.metric == Metric.SATISFACTION:
            aggregates[f"n{i}"] = Count("id", filter=closed_in & scope & Q(satisfaction__isnull=False))
            aggregates[f"k{i}"] = Avg("satisfaction", filter=closed_in & scope)
    if not aggregates:
        return {}
    rows = (
        Case.objects.filter(within)
        .filter(Q(created_at__gte=start, created_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end))
        .order_by()
        .values(group_by)
        .annotate(**aggregates)
    )
    result = {}
    for row in rows:
        values = empty_values(measures)
        for i, m in enumerate(measures):
            if m.code in skipped:
                continue
            n = row[f"n{i}"]
            if m.metric == Metric.CASE_COUNT:
                values[m.code] = n
            elif m.metric == Metric.SATISFACTION:
                values[m.code] = (Decimal(row[f"k{i}"]) * 20).quantize(CENT, ROUND_HALF_UP) if n else None
            else:
                values[m.code] = percent(row[f"k{i}"], n)
        result[row[group_by]] = values
    return result


def as_json(value) -> int | float | None:
    """A value for a JSON breakdown: counts stay integers, decimals become floats."""
    return value if value is None or isinstance(value, int) else float(value)


def empty_values(measures: list[Measure]) -> dict[str, int | None]:
    """The values of an area with no case in the period: counts 0, rates undefined (None)."""
    return {m.code: 0 if m.metric == Metric.CASE_COUNT else None for m in measures if m.metric != Metric.ENTERED}
