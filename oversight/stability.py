"""社会稳定指数: per township per week, from the cases of that week (docs/assessment.md).

Each indicator's value is scored 0–100 between its baseline (100) and its ceiling (0); a group
(社情 / 舆情 / 警情 / 案情) scores the weighted mean of its indicators, the index the weighted mean
of all indicators. The colour is the first band (green → red) whose lower bound the index
reaches. `compute_week` runs a fixed number of queries whatever the number of cases or
townships and upserts on (township, week): recomputing a week gives the same rows.

A township whose colour turns orange or red — other than the colour it had before (this week's
earlier computation, else the week before) — is a warning: its township officers and
the command centre (operators and leaders on the county) are told, once per change.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify_batch
from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Area, Assignment
from grids.selectors import subtree

from .constants import COLOUR_ORDER, Colour, StabilityGroup
from .measures import CENT, Measure, as_json, empty_values, values_by_area
from .models import ColourBand, StabilityIndex, StabilityIndicator

HUNDRED = Decimal(100)
WARNING_COLOURS = (Colour.ORANGE, Colour.RED)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the week before the current one (local time)."""
    return monday(timezone.localdate(now)) - dt.timedelta(days=7)


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    return start, start + dt.timedelta(days=7)


def indicator_score(indicator, value) -> Decimal:
    """100 at the baseline or better, 0 at the ceiling or worse, linear between. A rate with no
    case behind it (None) scores 100: nothing happened that could lower it."""
    if value is None:
        return HUNDRED
    baseline, ceiling = Decimal(indicator.baseline), Decimal(indicator.ceiling)
    share = (ceiling - Decimal(value)) / (ceiling - baseline)
    return (min(max(share, Decimal(0)), Decimal(1)) * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def weighted(pairs) -> Decimal:
    pairs = list(pairs)
    total = sum((w for w, _ in pairs), Decimal(0))
    if not total:
        return HUNDRED
    return (sum((w * s for w, s in pairs), Decimal(0)) / total).quantize(CENT, ROUND_HALF_UP)


def colour_for(index: Decimal, bands: list[ColourBand]) -> str:
    """The best colour whose lower bound `index` reaches; red if none does."""
    by_colour = {b.colour: Decimal(b.min_index) for b in bands}
    for colour in COLOUR_ORDER:
        if colour in by_colour and index >= by_colour[colour]:
            return colour
    return Colour.RED


def township_index(indicators, values: dict, bands) -> tuple[Decimal, str, dict]:
    """(index, colour, breakdown) of one township from its indicator values."""
    groups, overall = [], []
    for group in StabilityGroup:
        rows, pairs = [], []
        for ind in (i for i in indicators if i.group == group):
            value = values.get(ind.code)
            score = indicator_score(ind, value)
            pairs.append((Decimal(ind.weight), score))
            rows.append(
                {
                    "code": ind.code,
                    "name": ind.name,
                    "value": as_json(value),
                    "score": float(score),
                    "weight": float(ind.weight),
                }
            )
        if rows:
            groups.append(
                {
                    "group": group.value,
                    "label": str(group.label),
                    "weight": float(sum(w for w, _ in pairs)),
                    "score": float(weighted(pairs)),
                    "indicators": rows,
                }
            )
            overall += pairs
    index = weighted(overall)
    return index, colour_for(index, bands), {"groups": groups}


@transaction.atomic
def compute_week(*, county: Area, week_start: dt.date, now: dt.datetime | None = None) -> int:
    """Compute (or recompute) the index of every township of `county` for the week beginning on
    `week_start` (a Monday). Returns the number of townships."""
    week_start = monday(week_start)
    start, end = week_bounds(week_start)
    indicators = list(StabilityIndicator.objects.filter(is_active=True))
    bands = list(ColourBand.objects.all())
    measures = [Measure.of(i) for i in indicators]
    values = values_by_area(measures, group_by="township_id", within=Q(county_id=county.pk), start=start, end=end)
    quiet = empty_values(measures)
    now = now or timezone.now()
    rows = []
    for township_id in subtree(county).filter(level=AreaLevel.TOWNSHIP).values_list("id", flat=True):
        index, colour, breakdown = township_index(indicators, values.get(township_id, quiet), bands)
        rows.append(
            StabilityIndex(
                county=county,
                township_id=township_id,
                week_start=week_start,
                index=index,
                colour=colour,
                breakdown=breakdown,
                computed_at=now,
            )
        )
    before = _colours_before(county, week_start)
    StabilityIndex.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["township", "week_start"],
        update_fields=["county", "index", "colour", "breakdown", "computed_at"],
    )
    _warn(county, [r for r in rows if r.colour in WARNING_COLOURS and r.colour != before.get(r.township_id)])
    return len(rows)


def _colours_before(county: Area, week_start: dt.date) -> dict[int, str]:
    """township id → the colour it showed before this computation: this week's stored row, else
    the week before's (one query)."""
    colours: dict[int, str] = {}
    rows = StabilityIndex.objects.filter(
        county=county, week_start__in=[week_start, week_start - dt.timedelta(days=7)]
    ).order_by("-week_start")
    for township_id, colour in rows.values_list("township_id", "colour"):
        colours.setdefault(township_id, colour)
    return colours


def _warn(county: Area, changed: list[StabilityIndex]) -> None:
    """Tell each township that turned orange or red, and the command centre, once per change."""
    if not changed:
        return
    officers: dict[int, list[int]] = {}
    for area_id, user_id in Assignment.objects.filter(
        area_id__in=[r.township_id for r in changed], role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
    ).values_list("area_id", "user_id"):
        officers.setdefault(area_id, []).append(user_id)
    centre = list(
        Assignment.objects.filter(
            area=county, role__in=(Role.COMMAND_OPERATOR, Role.COMMAND_LEADER), end_date__isnull=True
        ).values_list("user_id", flat=True)
    )
    names = dict(Area.objects.filter(pk__in=[r.township_id for r in changed]).values_list("id", "name"))
    notify_batch(
        (
            officers.get(r.township_id, []) + centre,
            "stability_warning",
            _("社会稳定指数预警：%(town)s为%(colour)s")
            % {"town": names[r.township_id], "colour": Colour(r.colour).label},
            _("%(week)s 起一周的社会稳定指数为 %(index)s。请研判并采取措施。")
            % {"week": r.week_start, "index": r.index},
            f"/oversight/stability/?week={r.week_start}",
        )
        for r in changed
    )
