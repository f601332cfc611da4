"""The dashboard's and the map's reads of the case table (and of the weekly stability index):
aggregates computed in PostgreSQL, each filtered first by the scope's area column and by an indexed
column, never a row loop in Python.

- new today, by category, new per day: `created_at >= …` (index on `created_at`);
- open, overdue, urgent, by sub-area, per grid: `status IN (open states)` (`case_status_id`,
  `case_township_status`; overdue also the partial index `case_open_due`);
- closed today, on-time rate, closed per day: `status = closed AND closed_at >= …` (only
  `case_status_id` serves it today: see docs/oversight.md on the missing `closed_at` index).

The callers cache the results for a short time (`oversight.panels`), so a wall screen refreshing
every 30 s costs one round of these queries per area and cache period, whoever is watching.
"""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from grids.levels import AreaLevel, ancestor_path
from grids.models import Area
from incidents.constants import OPEN_STATES, CaseStatus, Urgency
from incidents.models import Case, Category
from incidents.selectors import overdue_q

from .models import StabilityIndex
from .scope import OversightScope

TREND_DAYS = 30


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def trend_days(now: dt.datetime) -> list[dt.date]:
    today = timezone.localdate(now)
    return [today - dt.timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]


def _cases(scope: OversightScope):
    return Case.objects.filter(**scope.cases_filter).order_by()


def headline(scope: OversightScope, now: dt.datetime) -> dict:
    """Today's new and closed cases, open / overdue / urgent open cases, and the on-time rate of
    the last 30 days: 按期结案率 = closed on time / (closed − postponed). Three queries."""
    today = start_of(timezone.localdate(now))
    window = start_of(trend_days(now)[0])
    cases = _cases(scope)
    new_today = cases.filter(created_at__gte=today).count()
    open_figures = cases.filter(status__in=OPEN_STATES).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=overdue_q(now)),
        urgent=Count("id", filter=Q(urgency=Urgency.URGENT)),
    )
    closed = cases.filter(status=CaseStatus.CLOSED, closed_at__gte=window).aggregate(
        closed=Count("id"),
        closed_today=Count("id", filter=Q(closed_at__gte=today)),
        on_time=Count("id", filter=Q(closed_on_time=True)),
        postponed=Count("id", filter=Q(is_postponed=True)),
    )
    due = closed["closed"] - closed["postponed"]
    return {
        "new_today": new_today,
        "closed_today": closed["closed_today"],
        **open_figures,
        "closed_30": closed["closed"],
        "on_time_30": closed["on_time"],
        "on_time_rate": round(100 * closed["on_time"] / due, 1) if due > 0 else None,
    }


def open_by_child_area(scope: OversightScope, now: dt.datetime) -> list[dict]:
    """Open and overdue cases per area one level below the scope (townships of the county,
    villages of a township …), every child listed even with no case, in code order."""
    counts = open_by_area(scope, scope.child_column, now)
    children = Area.objects.filter(path__startswith=scope.area.path, depth=scope.area.depth + 1).values_list(
        "id", "name"
    )
    return [
        {
            "id": area_id,
            "name": name,
            "open": counts.get(area_id, {}).get("open", 0),
            "overdue": counts.get(area_id, {}).get("overdue", 0),
        }
        for area_id, name in children
    ]


def new_by_category(scope: OversightScope, now: dt.datetime) -> list[dict]:
    """Cases reported in the last 30 days per top-level category, largest first."""
    since = start_of(trend_days(now)[0])
    per_category = dict(
        _cases(scope)
        .filter(created_at__gte=since)
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    parents = {c.id: c for c in Category.objects.filter(parent__isnull=True)}
    top_of = dict(Category.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
    totals: dict[int, int] = {}
    for category_id, n in per_category.items():
        top = top_of.get(category_id, category_id)
        totals[top] = totals.get(top, 0) + n
    rows = [{"id": top, "name": parents[top].name, "count": n} for top, n in totals.items() if top in parents]
    return sorted(rows, key=lambda r: (-r["count"], r["name"]))


def daily_trend(scope: OversightScope, now: dt.datetime) -> dict:
    """New and closed cases per local day over the last 30 days (two grouped queries)."""
    days = trend_days(now)
    since = start_of(days[0])
    tz = timezone.get_current_timezone()
    cases = _cases(scope)
    new = dict(
        cases.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    closed = dict(
        cases.filter(status=CaseStatus.CLOSED, closed_at__gte=since)
        .annotate(day=TruncDate("closed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return {"days": days, "new": [new.get(d, 0) for d in days], "closed": [closed.get(d, 0) for d in days]}


def open_by_area(scope: OversightScope, column: str, now: dt.datetime) -> dict[int, dict]:
    """{area id: {"open": n, "overdue": m}} of open cases grouped by a case area column
    (`township_id`, `village_id` or `grid_id`) inside the scope — the map's shading."""
    return {
        row[column]: {"open": row["open"], "overdue": row["overdue"]}
        for row in _cases(scope)
        .filter(status__in=OPEN_STATES)
        .values(column)
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_q(now)))
    }


def open_case_points(scope: OversightScope, now: dt.datetime, *, overdue_only: bool = False, limit: int = 5000):
    """The newest open cases with a location inside the scope, as plain rows for the map."""
    qs = _cases(scope).filter(status__in=OPEN_STATES, lat__isnull=False, lng__isnull=False)
    if overdue_only:
        qs = qs.filter(overdue_q(now))
    return qs.order_by("-id").values(
        "id", "number", "lat", "lng", "status", "urgency", "due_at", "category__name", "grid__name"
    )[:limit]


def stability_rows(scope: OversightScope) -> list[dict]:
    """The latest computed week's stability index of the townships in the scope (a village's
    township for a village), worst first; [] before any week was computed."""
    if scope.area.level in (AreaLevel.CITY, AreaLevel.COUNTY):
        indices = StabilityIndex.objects.filter(**scope.cases_filter)
    else:
        indices = StabilityIndex.objects.filter(
            township__path=ancestor_path(scope.area.path, scope.area.level, AreaLevel.TOWNSHIP)
        )
    week = indices.order_by("-week_start").values_list("week_start", flat=True).first()
    if week is None:
        return []
    return list(
        indices.filter(week_start=week)
        .order_by("index", "township__code")
        .values("township__name", "index", "colour", "week_start")
    )
