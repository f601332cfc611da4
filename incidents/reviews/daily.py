"""日清: the daily review of every open case, per township and village.

`run_daily_review(at=…)` does, for the local day of `at`:

1. per township, in its own transaction (under an advisory lock for that township and day):
   every case in a handling unit's hands (dispatched, signed for, in progress) whose deadline
   has passed and that has no 督办 for this day yet gets one `DailyUrge` row, a 督办 event on
   its timeline and its urge counters raised; a case overdue by more than
   `ReviewRules.escalate_multiple` × its limit is red-carded and, where the workflow table
   allows it from its state, passed one level up (village → township, township or department
   → the command centre); each unit gets one notice listing its newly urged cases.
   The centre's own desk is urged the same way: cases waiting for 立案 or 派遣 longer than
   `ReviewRules.centre_limit_hours` since they reached that state, and overdue verification
   (已处置 past its 核查 limit) — urged to the verifier (the township for its villages' cases,
   otherwise the centre), never escalated (there is no level above); the centre's notice goes
   to its operators and its duty leader (指挥中心领导).
2. the work falling due outside the case loop (settings.REVIEW_DUE_WORK, governance/duework.py:
   visits to key people, follow-up visits after a mediation …): each source urges what is
   overdue (once per item and day) and its due / overdue counts per base grid join the figures;
3. the figures of every village and township, one aggregate query (plus one per due-work
   source), upserted on (area, day).

Re-running for the same day, or retrying after a crash between two townships, finds the urges
already written (the unique key on (case, day)) and writes no second event or notice; the
figures of a re-run at the same moment come out the same. 超期 is the one definition the
dashboard, the desk and the inbox count too (`incidents.selectors.overdue_q`): open cases past
their current deadline at the review's moment. The centre's backlog (no deadline yet) and the
cases passed up (a new deadline) are counted under 自动督办 and 超期上提, not under 超期.
The number of queries depends on the number of townships, never on the number of cases.
"""

import datetime as dt
import hashlib
import logging
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Case as Choose
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import duework, jobs
from governance.notifications import notify_batch
from governance.workflow import move_locked
from grids.levels import AreaLevel, ancestor_path, grid_ancestor_paths
from grids.models import Area

from .. import events as case_events
from ..constants import OPEN_STATES, CaseStatus, HandlingLevel, Phase, UnitKind, UrgeGrade
from ..deadlines import limits_for
from ..escalation import one_level_up
from ..models import Case, CaseEvent, Unit
from ..selectors import overdue_q
from ..units import centre_of, people_of_units
from ..workflow import CASE_WORKFLOW
from .models import DailyReview, DailyUrge, ReviewRules

log = logging.getLogger(__name__)

URGED_STATES = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)
# the centre's desk: waiting for 立案 (reported) or for 派遣 (registered, returned by a unit)
CENTRE_STATES = (CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.RETURNED)
VERIFY_STATES = (CaseStatus.DISPOSED,)  # disposed, waiting for 核查
SYSTEM = _("系统（日清）")
FIGURES = ("new", "closed", "open", "due_today", "overdue", "untouched", "urged", "escalated")
WORK_FIGURES = ("work_due", "work_overdue")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def run_daily_review(*, at: dt.datetime | None = None, job_id: int | None = None) -> int:
    """Run the review for the local day of `at` (default now); returns the number of new urges."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    rules = ReviewRules.by_county()  # each county's own rules, else the common ones
    counties = dict(Area.objects.filter(level=AreaLevel.COUNTY).values_list("path", "id"))
    townships = [
        (pk, counties.get(ancestor_path(path, AreaLevel.TOWNSHIP, AreaLevel.COUNTY)))
        for pk, path in Area.objects.filter(level=AreaLevel.TOWNSHIP).values_list("id", "path")
    ]
    if job_id:
        jobs.set_total(job_id, len(townships) + 1, _("日清 %(day)s") % {"day": day})
    urged = 0
    for township_id, county_id in townships:
        own = rules.get(county_id, rules[None])
        urged += urge_township(township_id=township_id, day=day, at=at, rules=own)
        if job_id:
            jobs.advance(job_id)
    urged += duework.urge_all(day, at)
    rows = store_figures(day=day, at=at)
    if job_id:
        summary = _("%(day)s：%(rows)d 个区域，新督办 %(n)d 件") % {"day": day, "rows": rows, "n": urged}
        jobs.advance(job_id, message=summary)
    log.info("daily review %s: %d townships, %d areas, %d new urges", day, len(townships), rows, urged)
    return urged


def _lock(township_id: int, day: dt.date) -> None:
    """One review of a township and day at a time (a retry racing a slow first run waits)."""
    if connection.vendor != "postgresql":
        return  # SQLite (the demo): the IMMEDIATE transaction already holds the only write lock
    digest = hashlib.sha1(f"daily:{township_id}:{day}".encode(), usedforsecurity=False).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _limit(case: Case) -> dt.timedelta | None:
    """The length of the running phase (deadline − the dispatch it runs from)."""
    if case.due_at is None or case.dispatched_at is None or case.due_at <= case.dispatched_at:
        return None
    return case.due_at - case.dispatched_at


def _entered_at():
    """When the case reached its current state: the last event that moved it there (an urge or
    a comment does not), else its report time."""
    moved_in = (
        CaseEvent.objects.filter(case_id=OuterRef("pk"), to_state=OuterRef("status"))
        .exclude(from_state=F("to_state"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(moved_in), F("created_at"))


def _candidates(township_id: int, day: dt.date, at: dt.datetime, rules) -> list[Case]:
    """Overdue cases of a township not urged today, locked: a unit's overdue handling, overdue
    verification, and the centre's backlog (waiting for 立案/派遣 beyond the centre's limit)."""
    centre_limit = dt.timedelta(hours=rules.centre_limit_hours)
    handled = Q(status__in=URGED_STATES, due_at__lt=at, handling_unit__isnull=False)
    verifying = Q(status__in=VERIFY_STATES, due_at__lt=at, handling_unit__isnull=False)
    waiting = Q(status__in=CENTRE_STATES, entered_at__lt=at - centre_limit)
    return list(
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_unit", "category")
        .annotate(entered_at=_entered_at())
        .filter(handled | verifying | waiting, township_id=township_id)
        .exclude(daily_urges__day=day)
        .order_by("id")
    )


@transaction.atomic
def urge_township(*, township_id: int, day: dt.date, at: dt.datetime, rules) -> int:
    """Urge (and where due, escalate) the overdue cases of one township not yet urged today."""
    _lock(township_id, day)
    cases = _candidates(township_id, day, at, rules)
    if not cases:
        return 0
    multiple = rules.escalate_multiple
    township_unit = Unit.objects.filter(kind=UnitKind.TOWNSHIP, area_id=township_id).first()
    centre = centre_of(cases[0].county_id)  # the township's county's centre (one county per township)
    categories = {c.category_id: c.category for c in cases}.values()
    county_id = cases[0].county_id  # one township, one county: its own limits first
    sign_limits = limits_for(categories, HandlingLevel.TOWNSHIP, Phase.SIGN, county_id) if township_unit else {}
    centre_limit = dt.timedelta(hours=rules.centre_limit_hours)

    urges, events = [], []
    urged, escalated, moved = defaultdict(list), defaultdict(list), defaultdict(list)
    for case in cases:
        unit, limit, due = _urged_unit(case, township_unit, centre, centre_limit)
        if unit is None:
            continue  # a centre case in a county without a command-centre unit: nobody to urge
        red = limit is not None and (at - due) > limit * float(multiple)
        grade = UrgeGrade.RED if red else UrgeGrade.YELLOW
        handled = case.status in URGED_STATES
        escalation = _escalation(case, red, township_unit, at, sign_limits) if handled else None
        urges.append(DailyUrge(case=case, day=day, grade=grade, unit=unit, escalated=escalation is not None))
        events.append(_urge_event(case, unit, grade, day, at))
        urged[unit.id].append(case.number)
        if escalation is not None:
            action, changes = escalation
            from_state = case.status
            for field, value in changes.items():
                setattr(case, field, value)
            transition = move_locked(CASE_WORKFLOW, case, action)
            moved[(transition.target, tuple(changes.items()))].append(case.pk)
            events.append(_escalation_event(case, transition, from_state, day, at, multiple))
            receiver_id = case.handling_unit_id or (centre.id if centre else None)
            if receiver_id:
                escalated[receiver_id].append(case.number)
    DailyUrge.objects.bulk_create(urges)
    _save_cases(urges, moved)
    CaseEvent.objects.bulk_create(events)
    case_events.announce(events)
    _send_notices(urged, escalated, day, centre)
    return len(urges)


def _urged_unit(case: Case, township_unit, centre, centre_limit: dt.timedelta):
    """(the unit to urge, the length of the running phase, the deadline) of an overdue case."""
    if case.status in CENTRE_STATES:
        return centre, centre_limit, case.entered_at + centre_limit
    if case.status in VERIFY_STATES:
        # 核查: a township verifies what its villages handled, the centre everything else
        verifier = township_unit if case.handling_unit.kind == UnitKind.VILLAGE and township_unit else centre
        limit = case.due_at - case.entered_at if case.due_at > case.entered_at else None
        return verifier, limit, case.due_at
    return case.handling_unit, _limit(case), case.due_at


def _save_cases(urges: list[DailyUrge], moved: dict) -> None:
    """UPDATEs for the urge counters (yellow, red) and one per kind of move (same target state
    and same new values): the count depends on the categories involved, never on the cases."""
    bump = {"urge_count": F("urge_count") + 1, "version": F("version") + 1}
    red = [u.case_id for u in urges if u.grade == UrgeGrade.RED]
    yellow = [u.case_id for u in urges if u.grade != UrgeGrade.RED]
    Case.objects.filter(pk__in=red).update(top_urge_grade=UrgeGrade.RED, **bump)
    raise_to_yellow = Choose(
        When(top_urge_grade__in=["", UrgeGrade.NORMAL], then=Value(UrgeGrade.YELLOW)), default=F("top_urge_grade")
    )
    Case.objects.filter(pk__in=yellow).update(top_urge_grade=raise_to_yellow, **bump)
    for (status, changes), ids in moved.items():
        Case.objects.filter(pk__in=ids).update(status=status, version=F("version") + 1, **dict(changes))


def _escalation(case: Case, red: bool, township_unit, at: dt.datetime, sign_limits):
    """(action, field changes) that pass a red-carded `case` one level up (incidents/escalation.py),
    or None (not red, or the table forbids it from the case's state)."""
    if not red:
        return None
    step = one_level_up(case, at=at, township_unit=township_unit, sign_limits=sign_limits)
    return None if step is None else (step[0].action, step[1])


_URGE_NOTES = {
    CaseStatus.REPORTED: _("日清：在指挥中心待立案已超过时限，请值班长尽快决定是否立案。"),
    CaseStatus.REGISTERED: _("日清：在指挥中心待派遣已超过时限，请尽快派遣。"),
    CaseStatus.RETURNED: _("日清：被退回后在指挥中心待重新派遣已超过时限，请尽快派遣。"),
    CaseStatus.DISPOSED: _("日清：处置结果待核查已超过核查时限，请尽快核查。"),
}


def _urge_event(case: Case, unit: Unit, grade: str, day: dt.date, at: dt.datetime) -> CaseEvent:
    return CaseEvent(
        case=case,
        action="urge",
        action_label=str(CASE_WORKFLOW.get("urge").label),
        from_state=case.status,
        to_state=case.status,
        actor_unit=SYSTEM,
        note=_URGE_NOTES.get(case.status, _("日清：已超过办理时限，请抓紧办理。")),
        unit_id=unit.id,
        data={"grade": grade, "day": day.isoformat(), "auto": True},
        created_at=at,
    )


def _escalation_event(case, transition, from_state, day, at, multiple) -> CaseEvent:
    return CaseEvent(
        case=case,
        action=transition.action,
        action_label=str(transition.label),
        from_state=from_state,
        to_state=case.status,
        actor_unit=SYSTEM,
        note=_("超期时长超过时限的 %(m)s 倍，日清自动上提一级。") % {"m": multiple},
        unit_id=case.handling_unit_id,
        data={"day": day.isoformat(), "auto": True},
        created_at=at,
    )


def _send_notices(urged: dict, escalated: dict, day: dt.date, centre) -> None:
    """One notice per unit: its newly urged cases; one per receiving unit: the cases passed up.
    The centre's people are its operators and leaders, so its duty leader hears of its own
    overdue desk (待立案、待派遣、待核查) as well."""
    units = Unit.objects.filter(pk__in=set(urged) | set(escalated))
    people = people_of_units(units)

    def message(unit_id, numbers, title):
        listed = "、".join(numbers[:50]) + ("……" if len(numbers) > 50 else "")
        return people.get(unit_id, []), "daily_urge", title % {"n": len(numbers)}, f"{day}：{listed}", "/inbox/"

    def urge_title(unit_id):
        if centre is not None and unit_id == centre.id:
            return _("日清督办（指挥中心）：%(n)d 件待立案、待派遣或待核查已超时")
        return _("日清督办：%(n)d 件事件已超过办理时限")

    notify_batch(
        [message(u, numbers, urge_title(u)) for u, numbers in urged.items()]
        + [message(u, numbers, _("日清上提：%(n)d 件超期事件转由本单位办理")) for u, numbers in escalated.items()]
    )


def _figures_by_village(day: dt.date, at: dt.datetime):
    start, end = day_bounds(day)
    open_ = Q(status__in=OPEN_STATES)
    touched = CaseEvent.objects.filter(case_id=OuterRef("pk"), created_at__gte=start, actor__isnull=False)
    urged = DailyUrge.objects.filter(case_id=OuterRef("pk"), day=day)
    return (
        Case.objects.annotate(
            touched=Exists(touched), urged_today=Exists(urged), escalated_today=Exists(urged.filter(escalated=True))
        )
        .values("county_id", "township_id", "village_id")
        .annotate(
            new=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
            closed=Count("id", filter=Q(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)),
            open=Count("id", filter=open_),
            due_today=Count("id", filter=open_ & Q(due_at__gte=start, due_at__lt=end)),
            overdue=Count("id", filter=overdue_q(at)),
            untouched=Count("id", filter=open_ & Q(touched=False)),
            urged=Count("id", filter=Q(urged_today=True)),
            escalated=Count("id", filter=Q(escalated_today=True)),
        )
        .order_by()
    )


def _work_by_village(day: dt.date, at: dt.datetime) -> list[dict]:
    """The registered due work (grid → (due, overdue)) summed per village, with its area ids."""
    by_grid = duework.counts_by_grid(day, at)
    if not by_grid:
        return []
    grid_paths = dict(Area.objects.filter(pk__in=by_grid).values_list("id", "path"))
    ids = dict(
        Area.objects.filter(
            path__in={p for g in grid_paths.values() for p in grid_ancestor_paths(g).values()}
        ).values_list("path", "id")
    )
    villages: dict[int, dict] = {}
    for grid_id, (due, overdue) in by_grid.items():
        up = {level: ids[p] for level, p in grid_ancestor_paths(grid_paths[grid_id]).items()}
        row = villages.setdefault(
            up[AreaLevel.VILLAGE],
            {
                "county_id": up[AreaLevel.COUNTY],
                "township_id": up[AreaLevel.TOWNSHIP],
                "village_id": up[AreaLevel.VILLAGE],
            },
        )
        row["work_due"] = row.get("work_due", 0) + due
        row["work_overdue"] = row.get("work_overdue", 0) + overdue
    return list(villages.values())


@transaction.atomic
def store_figures(*, day: dt.date, at: dt.datetime) -> int:
    """Upsert one DailyReview per village (with cases or due work) and per township: the sums of
    its villages."""
    rows: dict[int, DailyReview] = {}
    for r in [*_figures_by_village(day, at), *_work_by_village(day, at)]:
        figures = {f: r.get(f, 0) for f in (*FIGURES, *WORK_FIGURES)}
        if r["village_id"] in rows:  # a village with cases and due work: add the work figures
            for f in WORK_FIGURES:
                setattr(rows[r["village_id"]], f, figures[f])
                setattr(rows[-r["township_id"]], f, getattr(rows[-r["township_id"]], f) + figures[f])
            continue
        rows[r["village_id"]] = DailyReview(
            day=day,
            level=AreaLevel.VILLAGE,
            area_id=r["village_id"],
            county_id=r["county_id"],
            township_id=r["township_id"],
            village_id=r["village_id"],
            as_of=at,
            **figures,
        )
        town = rows.setdefault(
            -r["township_id"],
            DailyReview(
                day=day,
                level=AreaLevel.TOWNSHIP,
                area_id=r["township_id"],
                county_id=r["county_id"],
                township_id=r["township_id"],
                as_of=at,
            ),
        )
        for f in (*FIGURES, *WORK_FIGURES):
            setattr(town, f, getattr(town, f) + figures[f])
    DailyReview.objects.bulk_create(
        rows.values(),
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["area", "day"],
        update_fields=[*FIGURES, *WORK_FIGURES, "as_of"],
    )
    return len(rows)
