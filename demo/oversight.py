"""The demo county's assessment and stability index (settings.DEMO_EXTENSIONS).

`seed_demo` enters approved evidence for the entered indicators (about one area in twelve has
one indicator not met), computes the ratings of last year and of this year so far, and the
stability index of the last 8 complete weeks — all set-based: bulk inserts and one aggregate
query per level or week. `reset_demo` removes them again (on PostgreSQL the append-only event
rows refuse deletion, as for the cases: drop and recreate the demo database instead).
"""

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from demo.grids import COUNTY_CODE
from demo.incidents import ResetRefused
from governance.models import User
from grids.levels import AreaLevel, ancestor_path
from grids.models import Area
from grids.selectors import subtree
from oversight.assessment.rating import LEVELS, compute_ratings
from oversight.constants import EvidenceStatus, Metric
from oversight.models import AreaRating, Evidence, EvidenceEvent, Indicator, RatingEvent, StabilityIndex
from oversight.stability import compute_week, last_complete_week

WEEKS = 8
FAIL_SHARE = 1 / 12
NOTES = {True: "经实地核查和台账检查，本年度该项达标。", False: "经核查，本年度该项存在问题，未达标。"}


def _evidence(county: Area, year: int, rng: random.Random, user) -> int:
    """Approved evidence for every entered indicator of every area (bulk), with its two events."""
    indicators = list(Indicator.objects.filter(is_active=True, metric=Metric.ENTERED, level__in=LEVELS))
    nodes = list(subtree(county).filter(level__in=LEVELS).values_list("id", "level", "path"))
    by_path = {path: pk for pk, _, path in nodes}
    rows = []
    for pk, level, path in nodes:
        own = [i for i in indicators if i.level == level]
        failing = rng.choice(own) if own and rng.random() < FAIL_SHARE else None
        for ind in own:
            rows.append(
                Evidence(
                    area_id=pk,
                    county_id=by_path[ancestor_path(path, level, AreaLevel.COUNTY)],
                    township_id=None
                    if level == AreaLevel.COUNTY
                    else by_path[ancestor_path(path, level, AreaLevel.TOWNSHIP)],
                    village_id=pk if level == AreaLevel.VILLAGE else None,
                    year=year,
                    indicator=ind,
                    passed=ind is not failing,
                    note=NOTES[ind is not failing],
                    status=EvidenceStatus.APPROVED,
                    version=2,
                    submitted_by=user,
                )
            )
    Evidence.objects.bulk_create(rows, batch_size=2000)
    EvidenceEvent.objects.bulk_create(
        [
            EvidenceEvent(evidence=e, action=action, action_label=label, from_state=src, to_state=dst, actor=user)
            for e in rows
            for action, label, src, dst in (
                ("submit", "录入佐证", "", EvidenceStatus.SUBMITTED),
                ("approve", "采信", EvidenceStatus.SUBMITTED, EvidenceStatus.APPROVED),
            )
        ],
        batch_size=4000,
    )
    return len(rows)


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None) -> dict:
    started = time.monotonic()
    rng = random.Random(f"{seed}:assessment")
    user = User.objects.filter(is_superuser=True).order_by("id").first()
    this_year = timezone.localdate().year
    counts = {"evidence": 0, "ratings": 0, "indices": 0}
    with transaction.atomic():
        for year in (this_year - 1, this_year):
            if user is not None:
                counts["evidence"] += _evidence(county, year, rng, user)
            counts["ratings"] += compute_ratings(county=county, year=year)
        week = last_complete_week()
        for i in range(WEEKS):
            counts["indices"] += compute_week(county=county, week_start=week - dt.timedelta(days=7 * i))
    log(
        f"平安创建：佐证 {counts['evidence']} 条，评定 {counts['ratings']} 个（{this_year - 1}、{this_year} 年度）；"
        f"稳定指数 {counts['indices']} 条（近 {WEEKS} 周），用时 {time.monotonic() - started:.1f} 秒"
    )
    return counts


def reset_demo() -> None:
    county = Area.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    with transaction.atomic():
        StabilityIndex.objects.filter(county=county).delete()
        ratings, evidence = AreaRating.objects.filter(county=county), Evidence.objects.filter(county=county)
        events = [
            RatingEvent.objects.filter(rating__county=county),
            EvidenceEvent.objects.filter(evidence__county=county),
        ]
        if connection.vendor == "postgresql" and any(e.exists() for e in events):
            raise ResetRefused(
                "PostgreSQL 上的评定和佐证记录只增不删，数据库触发器拒绝删除，无法重置演示评定。"
                "请删除并重建数据库，然后重新运行 seed_demo。"
            )
        for e in events:
            e._raw_delete(e.db)  # append-only rows: no signals, nothing cascades from them
        evidence.delete()
        ratings.delete()
