"""上报 one level up: the one rule that the escalate action (`services.escalate`) and 日清's
automatic escalation (`reviews/daily.py`) both apply."""

import datetime as dt

from .constants import HandlingLevel, Phase, UnitKind
from .deadlines import limits_for, times_for
from .workflow import CASE_WORKFLOW

TO_TOWNSHIP = CASE_WORKFLOW.get("escalate_to_township")
TO_CENTRE = CASE_WORKFLOW.get("escalate_to_centre")


def one_level_up(case, *, at: dt.datetime, township_unit, sign_limits: dict | None = None):
    """(transition, field changes) that pass `case` (its handling unit loaded) one level up at
    `at`, or None where neither way is open from its state and unit.

    A village's case goes to its township's unit (`township_unit`; None → no way up) with a new
    sign-for clock under the township's limit; a township's or a department's case goes to the
    command centre, its clock stopped. `sign_limits` (category id → limit, `limits_for`) lets a
    batch read the limits once; without it this case's limit is read.
    """
    kind = case.handling_unit.kind if case.handling_unit_id else None
    if kind == UnitKind.VILLAGE and township_unit is not None and case.status in TO_TOWNSHIP.sources:
        if sign_limits is None:
            sign_limits = limits_for([case.category], HandlingLevel.TOWNSHIP, Phase.SIGN, case.county_id)
        warn_at, due_at = times_for(sign_limits.get(case.category_id), at)
        return TO_TOWNSHIP, {
            "handling_unit_id": township_unit.id,
            "dispatcher_unit_id": None,
            "dispatched_at": at,
            "phase": Phase.SIGN,
            "warn_at": warn_at,
            "due_at": due_at,
        }
    if kind in (UnitKind.TOWNSHIP, UnitKind.DEPARTMENT) and case.status in TO_CENTRE.sources:
        return TO_CENTRE, {"handling_unit_id": None, "dispatcher_unit_id": None, "phase": "", "warn_at": None,
                           "due_at": None}
    return None
