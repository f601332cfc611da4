"""Time limits: when a phase is due and when it turns yellow.

Limits come per category × handling level × phase (sign for, handle, verify), falling back to
the parent category. Minutes and hours run on the clock (an urgent matter does not wait for
Monday); working days follow the State Council's holiday calendar with its make-up working
days, as governance.workdays reads it (the calendar admins enter, then the chinese-calendar
package, then weekends only with a warning).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from governance.workdays import add_working_days

from .constants import HandlingLevel, LimitUnit, UnitKind
from .models import Category, TimeLimit

UNIT_LEVEL = {
    UnitKind.VILLAGE: HandlingLevel.VILLAGE,
    UnitKind.TOWNSHIP: HandlingLevel.TOWNSHIP,
    UnitKind.DEPARTMENT: HandlingLevel.DEPARTMENT,
    UnitKind.COMMAND_CENTRE: HandlingLevel.DEPARTMENT,
}


def add_limit(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == LimitUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    if unit == LimitUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    return start + dt.timedelta(minutes=amount)


def limits_for(categories, level: str, phase: str, county_id: int | None = None) -> dict[int, TimeLimit]:
    """category id → its limit at this level and phase, in one query: the county's own limit of the
    category, else the common one, else the same two of its parent category."""
    candidates = {c.id: [c.id] + ([c.parent_id] if c.parent_id else []) for c in categories}
    ids = {i for chain in candidates.values() for i in chain}
    rows = TimeLimit.objects.filter(category_id__in=ids, level=level, phase=phase).filter(
        Q(county__isnull=True) | Q(county_id=county_id)
    )
    limits = {(t.category_id, t.county_id): t for t in rows}
    found = {
        cid: next((limits[c, k] for c in chain for k in (county_id, None) if (c, k) in limits), None)
        for cid, chain in candidates.items()
    }
    return {cid: limit for cid, limit in found.items() if limit is not None}


def limit_for(category: Category, level: str, phase: str, county_id: int | None = None) -> TimeLimit | None:
    """The limit for this category (or its parent) at this level and phase (the county's own first)."""
    return limits_for([category], level, phase, county_id).get(category.id)


def times_for(limit: TimeLimit | None, start: dt.datetime):
    """(warn_at, due_at) of a phase under `limit` that starts at `start`; (None, None) without one."""
    if limit is None:
        return None, None
    return add_limit(start, limit.warn_amount, limit.unit), add_limit(start, limit.amount, limit.unit)


def stage_times(category: Category, unit_kind: str, phase: str, start: dt.datetime, county_id: int | None = None):
    """(warn_at, due_at) for a phase that starts at `start`, or (None, None) without a limit."""
    return times_for(limit_for(category, UNIT_LEVEL[unit_kind], phase, county_id), start)


def colour(case, now: dt.datetime | None = None) -> str:
    """green / yellow / red for an open case with a clock; '' when no clock runs."""
    return colour_of(case.due_at, case.warn_at, now)


def colour_of(due_at, warn_at, now: dt.datetime | None = None) -> str:
    """`colour` from the two times alone (a list's row without its model instance)."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    if now >= due_at:
        return "red"
    if warn_at and now >= warn_at:
        return "yellow"
    return "green"
