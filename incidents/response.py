"""The "115" urgent response (Yongkang, article 004): for every urgent (马上办) case the call
reaches the command centre within 1 minute, is dispatched within 1 minute, and a team is on site
within 5 minutes. See docs/urgent.md.

One `UrgentResponse` row per urgent case holds the three moments (pushed, dispatched, arrived)
after the moment it was received, the limits of its category (`ResponseLimit`, else the parent's,
else `DEFAULT_LIMITS`) copied when it was received, and the running timer: `stage` and its
`due_at`, each stage counted from the actual moment of the one before. The moments are recorded
where they happen — intake (received), 马上办 (incidents/rapid.py: pushed), dispatch, and the
team's 到场确认 (`services.arrive`, a workflow action) — always inside the transaction of that
change. `watch(at)` is the beat task's sweep: it alerts before a timer lapses and marks the lapsed.
"""

import datetime as dt
import operator
from functools import reduce

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify_batch

from .constants import OPEN_STATES, ResponseStage, Urgency
from .models import Case, ResponseLimit, Unit, UrgentResponse
from .units import centre_of, people_of_units

S = ResponseStage
DEFAULT_LIMITS = {"push_seconds": 60, "dispatch_seconds": 60, "arrive_seconds": 300, "alert_seconds": 20}
NEXT = {S.PUSH: S.DISPATCH, S.DISPATCH: S.ARRIVE, S.ARRIVE: S.DONE}
LIMIT_OF = {S.PUSH: "push_seconds", S.DISPATCH: "dispatch_seconds", S.ARRIVE: "arrive_seconds"}
MOMENT_OF = {S.PUSH: "pushed_at", S.DISPATCH: "dispatched_at", S.ARRIVE: "arrived_at"}
ALERT_KIND = "urgent"  # passes quiet hours (settings.URGENT_NOTIFICATION_KINDS)


def limits_for(category) -> dict[str, int]:
    """The category's 115 limits in seconds, falling back to its parent's, then the defaults."""
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    found = {r.category_id: r for r in ResponseLimit.objects.filter(category_id__in=ids)}
    row = found.get(category.pk) or found.get(category.parent_id)
    return {k: getattr(row, k) for k in DEFAULT_LIMITS} if row else dict(DEFAULT_LIMITS)


def opened(*, case_id: int, township_id: int, received_at: dt.datetime, limits: dict) -> UrgentResponse:
    """A response (unsaved) whose push timer runs from `received_at` (the demo builds its own)."""
    return UrgentResponse(
        case_id=case_id,
        township_id=township_id,
        received_at=received_at,
        stage=S.PUSH,
        due_at=received_at + dt.timedelta(seconds=limits["push_seconds"]),
        **limits,
    )


def start(case: Case) -> UrgentResponse | None:
    """接报: an urgent case starts the push timer at the moment it was received (intake)."""
    if case.urgency != Urgency.URGENT:
        return None
    response = opened(
        case_id=case.pk, township_id=case.township_id, received_at=case.created_at, limits=limits_for(case.category)
    )
    response.save()
    return response


def advance(response: UrgentResponse, stage: str, at: dt.datetime) -> None:
    """Record the moment of `stage` at `at` (a lapse if it came after the deadline), then start
    the next stage's timer from it."""
    setattr(response, MOMENT_OF[stage], at)
    if not response.lapsed_stage and response.due_at is not None and at > response.due_at:
        response.lapsed_stage = stage
    response.stage = NEXT[stage]
    limit = LIMIT_OF.get(response.stage)
    response.due_at = at + dt.timedelta(seconds=getattr(response, limit)) if limit else None
    response.alerted = False


def _running(case_id: int) -> UrgentResponse | None:
    return UrgentResponse.objects.select_for_update().filter(case_id=case_id).exclude(stage=S.DONE).first()


def pushed(case_id: int, at: dt.datetime | None = None) -> None:
    """推送: the command centre has the case (马上办 registered and told it, or the centre acted)."""
    response = _running(case_id)
    if response is not None and response.stage == S.PUSH:
        advance(response, S.PUSH, at or timezone.now())
        response.save()


def dispatched(case_id: int, unit: Unit, at: dt.datetime | None = None) -> None:
    """派遣: the first dispatch to a handling unit (a centre that dispatches has the case, so a
    missing push is recorded at the same moment)."""
    at = at or timezone.now()
    response = _running(case_id)
    if response is None or response.stage not in (S.PUSH, S.DISPATCH):
        return
    if response.stage == S.PUSH:
        advance(response, S.PUSH, at)
    advance(response, S.DISPATCH, at)
    response.unit = unit
    response.save()


def awaits_arrival(case: Case) -> bool:
    """The case's team has yet to confirm it is on site (the 到场确认 action is offered)."""
    try:
        return case.response.stage == S.ARRIVE
    except UrgentResponse.DoesNotExist:
        return False


def running_of(case: Case) -> UrgentResponse | None:
    """The case's running 115 timer (the case page's banner), None once on site or closed."""
    try:
        running = case.response
    except UrgentResponse.DoesNotExist:
        return None
    return running if running.stage != S.DONE and case.status in OPEN_STATES else None


def arrived(case: Case, *, actor, at: dt.datetime, lat=None, lng=None, accuracy=None) -> UrgentResponse:
    """到场: the team confirms it is on site, with the phone's position where the browser gave it."""
    response = _running(case.pk)
    advance(response, S.ARRIVE, at)
    response.arrived_by = actor
    response.arrived_lat, response.arrived_lng, response.arrived_accuracy = lat, lng, accuracy
    response.save()
    return response


# --- the beat task ------------------------------------------------------------------------------


def _alert_due(timers, at: dt.datetime) -> Q:
    """Timers whose alert time (due − their alert lead) has come by `at`. One condition per distinct
    lead (a handful: they come from the time limits) rather than `due_at − alert_seconds × 1 s`,
    which SQLite — the embedded default — cannot compute."""
    leads = timers.order_by().values_list("alert_seconds", flat=True).distinct()
    return reduce(
        operator.or_,
        (Q(alert_seconds=lead, due_at__lte=at + dt.timedelta(seconds=lead)) for lead in leads),
        Q(pk__in=[]),
    )


@transaction.atomic
def watch(at: dt.datetime | None = None) -> tuple[int, int]:
    """One sweep (every few seconds): alert the running timers that are about to lapse (once per
    stage) and mark the lapsed ones. Set-based: a few queries whatever the number of cases; the
    rows being alerted are locked (a sweep overlapping a slow one skips them, never alerts twice).
    Returns (alerted, lapsed)."""
    at = at or timezone.now()
    running = UrgentResponse.objects.exclude(stage=S.DONE).filter(case__status__in=OPEN_STATES)
    lapsed = running.filter(due_at__lt=at, lapsed_stage="").update(lapsed_stage=F("stage"))
    waiting = running.filter(alerted=False)
    due = list(
        waiting.filter(_alert_due(waiting, at))
        .select_related("case", "unit")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("due_at")
    )
    if due:
        UrgentResponse.objects.filter(pk__in=[r.pk for r in due]).update(alerted=True)
        _send_alerts(due, at)
    return len(due), lapsed


def _send_alerts(responses: list[UrgentResponse], at: dt.datetime) -> None:
    """The centre hears of every timer; the handling unit of its own arrival timer."""
    centres = {county_id: centre_of(county_id) for county_id in {r.case.county_id for r in responses}}
    people = people_of_units([*centres.values(), *{r.unit for r in responses if r.unit_id}])
    messages = []
    for r in responses:
        left = int((r.due_at - at).total_seconds())
        title = (
            _("115 超时：%(n)s %(stage)s已超过时限") if left < 0 else _("115 提醒：%(n)s %(stage)s剩余 %(s)d 秒")
        ) % {"n": r.case.number, "stage": r.get_stage_display(), "s": max(left, 0)}
        centre = centres[r.case.county_id]  # each county's own centre
        receivers = list(people.get(centre.id, [])) if centre else []
        if r.stage == S.ARRIVE and r.unit_id:
            receivers += people.get(r.unit_id, [])
        messages.append((receivers, ALERT_KIND, title, r.case.description[:200], f"/cases/{r.case_id}/"))
    notify_batch(messages)


# --- reads: countdowns and compliance -----------------------------------------------------------


def running_for(cases):
    """The running timers of `cases` (a scoped Case queryset), the most pressing first."""
    return (
        UrgentResponse.objects.exclude(stage=S.DONE)
        .filter(case__in=cases, case__status__in=OPEN_STATES)
        .select_related("case", "unit")
        .order_by("due_at")
    )


def decided_q(at: dt.datetime) -> Q:
    """Met (every moment within its limit, on site) or lapsed (a moment late, or a timer past
    its deadline) as of `at`; a response still inside its running timer is neither yet."""
    return Q(stage=S.DONE) | ~Q(lapsed_stage="") | Q(due_at__lt=at)


MET = Q(stage=S.DONE, lapsed_stage="")  # on site, every moment within its limit


def compliance(cases, start: dt.datetime, end: dt.datetime, by: str, at: dt.datetime | None = None) -> list[dict]:
    """The 115 compliance of the urgent cases received in [start, end) among `cases`, grouped
    `by` "township" or "unit": rows {key, name, received, met, lapsed, rate} (rate = met /
    (met + lapsed), None when nothing is decided), one aggregate query. Cases rejected or merged
    as duplicates are left out (no team was to be sent)."""
    at = at or timezone.now()
    field = {"township": "township", "unit": "unit"}[by]
    rows = (
        UrgentResponse.objects.filter(case__in=cases, received_at__gte=start, received_at__lt=end)
        .exclude(case__status="rejected")
        .exclude(case__duplicate_of__isnull=False)
        .values(f"{field}_id", f"{field}__name")
        .annotate(
            received=Count("id"),
            met=Count("id", filter=MET),
            decided=Count("id", filter=decided_q(at)),
        )
        .order_by(f"{field}__name")
    )
    return [
        {
            "key": r[f"{field}_id"],
            "name": r[f"{field}__name"] or _("未派遣"),
            "received": r["received"],
            "met": r["met"],
            "lapsed": r["decided"] - r["met"],
            "rate": _rate(r["met"], r["decided"]),
        }
        for r in rows
    ]


def _rate(met: int, decided: int) -> float | None:
    return met / decided if decided else None


def area_summary(cases, day_start: dt.datetime, week_start: dt.datetime, at: dt.datetime) -> dict:
    """The dashboard tile in one aggregate query: today's and this week's received / met /
    decided and rate (same rules as `compliance`), and the timers running now."""
    today, week = Q(received_at__gte=day_start), Q(received_at__gte=week_start)
    running = ~Q(stage=S.DONE) & Q(case__status__in=OPEN_STATES)
    # Only this week's and the running timers count below: said first, it lets the indexes on
    # received_at and on the running ones find them, not a scan of every response of the area
    # (224 ms against 0.4 ms with 1,000,000 cases: docs/performance.md).
    counted = UrgentResponse.objects.filter(Q(received_at__gte=min(day_start, week_start)) | ~Q(stage=S.DONE))
    counted = counted.filter(case__in=cases).exclude(case__status="rejected")
    counted = counted.exclude(case__duplicate_of__isnull=False)
    f = counted.aggregate(
        day_met=Count("id", filter=today & MET),
        day_decided=Count("id", filter=today & decided_q(at)),
        week_received=Count("id", filter=week),
        week_met=Count("id", filter=week & MET),
        week_decided=Count("id", filter=week & decided_q(at)),
        running=Count("id", filter=running),
    )
    return {
        "day_rate": _rate(f["day_met"], f["day_decided"]),
        "week_rate": _rate(f["week_met"], f["week_decided"]),
        "week_received": f["week_received"],
        "running": f["running"],
    }


def total(rows: list[dict]) -> dict:
    met, lapsed = sum(r["met"] for r in rows), sum(r["lapsed"] for r in rows)
    return {
        "received": sum(r["received"] for r in rows),
        "met": met,
        "lapsed": lapsed,
        "rate": _rate(met, met + lapsed),
    }
