"""The demo's field work: patrol check-ins, household visits, spot checks and leaders' reviews of
every grid worker in post, for the last complete months, so that the monthly rating judges
believable months (Baofeng's rule, article 001) instead of empty ones.

Each worker has a diligence drawn once from the seed (most work steadily, a few do not) and a
little monthly noise. On a working day a diligent worker checks in once or twice inside their
own grid and visits about ten households (Jiashan's target); a weak one checks in on fewer days
and visits fewer. About a third of the workers are spot-checked each month by their township
officer, who also gives every worker a leaders' review (领导评议). Days before a worker took the
post hold nothing. Rows go to the database in bulk (governance.bulk), one township and month at a
time.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from governance import bulk
from governance.roles import Role
from grids.levels import AreaLevel, grid_ancestor_paths
from grids.models import Area, Assignment, Household, HouseholdVisit, LeaderReview, PatrolCheckIn, SpotCheck

MONTHS = 3
VISIT_NOTES = ("入户走访，了解家庭情况", "平安敲门，宣传防诈骗知识", "走访重点人员，情况稳定", "了解诉求，无异常")
PATROL_NOTES = ("日常巡查", "巡查消防通道", "巡查出租房", "")


@dataclass
class Post:
    worker_id: int
    since: dt.date
    grid_id: int
    columns: dict
    lat: float
    lng: float
    diligence: float


def last_months(today: dt.date, n: int = MONTHS) -> list[dt.date]:
    """The first days of the `n` complete months before `today`'s month, oldest first."""
    months, month = [], today.replace(day=1)
    for _i in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


@transaction.atomic
def seed_fieldwork(*, county: Area, seed: int, today: dt.date | None = None, months: int = MONTHS) -> dict:
    """Field work of the `months` complete months before `today` for every worker in post."""
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:fieldwork")
    posts = _posts(county, rng)
    households: dict[int, list[int]] = {}
    for household_id, grid_id in Household.objects.filter(county=county).values_list("id", "grid_id").order_by("id"):
        households.setdefault(grid_id, []).append(household_id)
    officers = dict(
        Assignment.objects.filter(
            role=Role.TOWNSHIP_OFFICER, end_date__isnull=True, area__path__startswith=county.path
        ).values_list("area_id", "user_id")
    )
    by_township: dict[int, list[Post]] = {}
    for post in posts:
        by_township.setdefault(post.columns["township_id"], []).append(post)
    counts = {"checkins": 0, "visits": 0, "spot_checks": 0, "reviews": 0}
    tz = timezone.get_current_timezone()
    for month in last_months(today, months):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        for township_id, town_posts in by_township.items():
            rows = {PatrolCheckIn: [], HouseholdVisit: [], SpotCheck: [], LeaderReview: []}
            officer = officers.get(township_id)
            for post in town_posts:
                _month_of(post, month, following, rng, tz, households.get(post.grid_id, ()), officer, rows)
            for model, made in rows.items():
                for start in range(0, len(made), 5000):
                    bulk.insert(model, made[start : start + 5000])
            counts["checkins"] += len(rows[PatrolCheckIn])
            counts["visits"] += len(rows[HouseholdVisit])
            counts["spot_checks"] += len(rows[SpotCheck])
            counts["reviews"] += len(rows[LeaderReview])
    return counts


def _posts(county: Area, rng: random.Random) -> list[Post]:
    above = Area.objects.filter(path__startswith=county.path).exclude(level=AreaLevel.GRID)
    ids = dict(above.values_list("path", "id"))
    rows = (
        Assignment.objects.filter(
            role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID, area__path__startswith=county.path
        )
        .order_by("area__path")
        .values_list("user_id", "start_date", "area_id", "area__path", "area__center_lat", "area__center_lng")
    )
    posts = []
    for user_id, since, grid_id, path, lat, lng in rows:
        up = grid_ancestor_paths(path)
        columns = {
            "county_id": ids[up[AreaLevel.COUNTY]],
            "township_id": ids[up[AreaLevel.TOWNSHIP]],
            "village_id": ids[up[AreaLevel.VILLAGE]],
        }
        columns["grid_id"] = grid_id
        # most work steadily, a few do not: 1 − Beta(1.5, 10) has its mean near 0.87
        posts.append(Post(user_id, since, grid_id, columns, lat or 0.0, lng or 0.0, 1 - rng.betavariate(1.5, 10)))
    return posts


def _month_of(post: Post, month, following, rng, tz, households, officer, rows) -> None:
    d = min(1.0, max(0.05, post.diligence + rng.gauss(0, 0.06)))
    day = max(month, post.since)
    worked = False
    while day < following:
        workday = day.weekday() < 5
        if rng.random() < ((0.45 + 0.55 * d) if workday else 0.15 * d):
            worked = True
            _day_of(post, day, d, rng, tz, households, rows)
        day += dt.timedelta(days=1)
    if officer is None or not worked:
        return
    if rng.random() < 0.3:
        checked = max(post.since, dt.date(month.year, month.month, rng.randint(1, 28)))
        rows[SpotCheck].append(
            {
                "worker_id": post.worker_id,
                "checked_by_id": officer,
                "day": checked,
                "passed": rng.random() < 0.4 + 0.6 * d,
                "note": "",
                **post.columns,
            }
        )
    score = min(100, max(0, round(55 + 40 * d + rng.gauss(0, 5))))
    review = {"worker_id": post.worker_id, "reviewer_id": officer, "month": month, "score": score, "note": ""}
    rows[LeaderReview].append({**review, **post.columns})


def _day_of(post: Post, day: dt.date, d: float, rng, tz, households, rows) -> None:
    for _i in range(1 if rng.random() < 0.6 else 2):
        at = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randrange(60)), tz)
        rows[PatrolCheckIn].append(
            {
                "worker_id": post.worker_id,
                "lat": post.lat,
                "lng": post.lng,
                "in_own_grid": True,
                "note": rng.choice(PATROL_NOTES),
                "at": at,
                **post.columns,
            }
        )
    if not households:
        return
    for _i in range(max(0, round(rng.gauss(3 + 9 * d, 2)))):
        at = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randrange(60)), tz)
        rows[HouseholdVisit].append(
            {
                "worker_id": post.worker_id,
                "household_id": rng.choice(households),
                "note": rng.choice(VISIT_NOTES),
                "at": at,
                **post.columns,
            }
        )
