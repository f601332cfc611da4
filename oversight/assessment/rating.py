"""The yearly rating of every county, township and village (平安县 / 平安乡镇 / 平安村).

Per level: computed indicators from one aggregate query over the year's cases (measures.py),
entered indicators from the latest approved evidence, then the rating rule:

- a veto indicator (一票否决) not met → 未达标;
- the points of met indicators, out of 100: below the level's pass score even if every missing
  entry were met → 未达标;
- an entered indicator without approved evidence → 佐证未齐 (cannot be approved yet);
- otherwise 达标: the area earns the level's title.

Approved ratings are frozen: recomputing leaves them alone (revoke first).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grids.levels import AreaLevel, ancestor_path
from grids.models import Area
from grids.selectors import subtree

from ..constants import Comparison, EvidenceStatus, RatingResult, RatingStatus
from ..measures import CENT, Measure, as_json, empty_values, values_by_area
from ..models import AreaRating, Evidence, Indicator, RatingEvent, RatingRule

LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
AREA_COLUMN = {AreaLevel.COUNTY: "county_id", AreaLevel.TOWNSHIP: "township_id", AreaLevel.VILLAGE: "village_id"}


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


def meets(indicator: Indicator, value) -> bool:
    """A computed indicator is met when its value is within the threshold; a rate with no case
    behind it (None) is met — nothing happened that could fail it."""
    if value is None:
        return True
    if indicator.comparison == Comparison.AT_LEAST:
        return Decimal(value) >= indicator.threshold
    return Decimal(value) <= indicator.threshold


def rate(indicators: list[Indicator], values: dict, evidence: dict, pass_score: Decimal):
    """(score, result, breakdown) of one area."""
    total = sum((i.points for i in indicators), Decimal(0)) or Decimal(1)
    earned = missing = Decimal(0)
    veto_failed, rows = False, []
    for ind in indicators:
        if ind.is_entered:
            found = evidence.get(ind.id)
            value, passed = None, (found[0] if found else None)
        else:
            found, value = None, values.get(ind.code)
            passed = meets(ind, value)
        if passed:
            earned += ind.points
        elif passed is None:
            missing += ind.points
        veto_failed |= ind.is_veto and passed is False
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "group": ind.group,
                "metric": ind.metric,
                "comparison": ind.comparison,
                "threshold": as_json(ind.threshold),
                "value": as_json(value),
                "passed": passed,
                "veto": ind.is_veto,
                "points": float(ind.points),
                "evidence": found[1] if found else None,
            }
        )
    score = (earned * 100 / total).quantize(CENT, ROUND_HALF_UP)
    if veto_failed or (earned + missing) * 100 / total < pass_score:
        result = RatingResult.NOT_SAFE
    elif missing:
        result = RatingResult.INCOMPLETE
    else:
        result = RatingResult.SAFE
    return score, result, rows


def _areas(county: Area, level: str, area_ids) -> list[dict]:
    """The areas of `level` under `county` with the ids of their county / township / village."""
    nodes = subtree(county).filter(level__in=LEVELS).values_list("id", "level", "path")
    by_path = {path: pk for pk, _, path in nodes}
    areas = []
    for pk, node_level, path in nodes:
        if node_level != level or (area_ids is not None and pk not in area_ids):
            continue
        areas.append(
            {
                "area_id": pk,
                "county_id": by_path[ancestor_path(path, level, AreaLevel.COUNTY)],
                "township_id": None
                if level == AreaLevel.COUNTY
                else by_path[ancestor_path(path, level, AreaLevel.TOWNSHIP)],
                "village_id": pk if level == AreaLevel.VILLAGE else None,
            }
        )
    return areas


def _approved_evidence(county: Area, year: int, level: str) -> dict:
    """{area id: {indicator id: (passed, evidence id)}} — the latest approved entry wins."""
    rows = (
        Evidence.objects.filter(county=county, year=year, status=EvidenceStatus.APPROVED, indicator__level=level)
        .order_by("created_at", "id")
        .values_list("area_id", "indicator_id", "passed", "id")
    )
    found: dict[int, dict] = {}
    for area, ind, passed, pk in rows:
        found.setdefault(area, {})[ind] = (passed, pk)
    return found


@transaction.atomic
def compute_ratings(
    *, county: Area, year: int, levels=LEVELS, area_ids=None, actor=None, now: dt.datetime | None = None
) -> int:
    """Compute (or recompute) the ratings of `year` for the areas of `levels` under `county`
    (only `area_ids` if given). Approved ratings are left as they are. Returns the rows written."""
    now = now or timezone.now()
    start, end = year_bounds(year)
    indicators = list(Indicator.objects.filter(is_active=True, level__in=levels))
    rules = {r.level: r.pass_score for r in RatingRule.objects.filter(level__in=levels)}
    written = 0
    for level in levels:
        own = [i for i in indicators if i.level == level]
        areas = _areas(county, level, area_ids)
        if not own or not areas:
            continue
        measures = [Measure.of(i) for i in own]
        within = Q(county_id=county.pk)
        if area_ids is not None:
            within &= Q(**{f"{AREA_COLUMN[level]}__in": [a["area_id"] for a in areas]})
        values = values_by_area(measures, group_by=AREA_COLUMN[level], within=within, start=start, end=end)
        quiet = empty_values(measures)
        evidence = _approved_evidence(county, year, level)
        existing = {
            area: (status, version, score, result)
            for area, status, version, score, result in AreaRating.objects.select_for_update()
            .filter(county=county, year=year, level=level)
            .values_list("area_id", "status", "version", "score", "result")
        }
        rows, changed = [], {}
        for a in areas:
            before = existing.get(a["area_id"])
            if before and before[0] == RatingStatus.APPROVED:
                continue
            score, result, breakdown = rate(
                own, values.get(a["area_id"], quiet), evidence.get(a["area_id"], {}), rules.get(level, Decimal(100))
            )
            rows.append(
                AreaRating(
                    **a,
                    year=year,
                    level=level,
                    score=score,
                    result=result,
                    breakdown=breakdown,
                    status=RatingStatus.COMPUTED,
                    version=before[1] + 1 if before else 1,
                    computed_at=now,
                )
            )
            if before is None or (before[2], before[3]) != (score, result):
                changed[a["area_id"]] = (before, score, result)
        AreaRating.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["area", "year"],
            update_fields=["score", "result", "breakdown", "status", "version", "computed_at"],
        )
        _record_computation(county, year, level, changed, actor)
        written += len(rows)
    return written


def _record_computation(county, year, level, changed: dict, actor) -> None:
    """One event per rating that is new or whose score or result changed."""
    if not changed:
        return
    ids = dict(
        AreaRating.objects.filter(county=county, year=year, level=level, area_id__in=list(changed)).values_list(
            "area_id", "id"
        )
    )
    RatingEvent.objects.bulk_create(
        [
            RatingEvent(
                rating_id=ids[area],
                action="compute",
                action_label="测评",
                from_state=before[0] if before else "",
                to_state=RatingStatus.COMPUTED,
                actor=actor,
                data={
                    "score": float(score),
                    "result": result,
                    "previous_score": float(before[2]) if before else None,
                    "previous_result": before[3] if before else None,
                },
            )
            for area, (before, score, result) in changed.items()
        ],
        batch_size=1000,
    )
