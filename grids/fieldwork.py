"""Grid workers' field work and points (积分制): patrol check-ins, household visits, spot checks,
and the monthly rating with Baofeng's dismissal-review rule.

Points of a month (weights in `PointsRules`, admin-editable):

    checkin_days × per_checkin_day + visits × per_visit + visit_target_days × per_target_day
    + reports × per_report + tasks × per_task + spot_passed × per_spot_pass − spot_failed × per_spot_fail
    + work_done × per_work_done − work_missed × per_work_missed
    + leader_score × per_leader_point   (领导评议, 0–100; none entered: leader_default_score)

A check-in day is a local calendar day with at least one check-in inside the worker's own grid
(one at the grid's centre from a phone that could not locate itself counts, marked with its reason);
a visit-target day one with at least `daily_visit_target` (10, Jiashan) visits. Reports and
completed tasks come from the incidents app (this app does not import it): the caller passes
them in. Due work done and missed (visits to key people, follow-up visits after a mediation …)
comes from the sources in settings.REVIEW_DUE_WORK (governance/duework.py). Rating by
thresholds: 优秀 ≥ excellent_from, 称职 ≥ competent_from, 基本称职 ≥
basic_from, else 不称职. When this month and the `dismissal_months − 1` before it (3 in all)
are all 基本称职 or worse, the rating is flagged for a dismissal review and the worker's
township officers are told once. A worker who was not in post on the grid for the whole month
(a new post, a vacancy filled during the month) is 未评: not rated, no pay grade, and the month
breaks a run of low ratings. Each rating shows the pay (绩效工资 %) its grade implies.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import duework
from governance.notifications import notify_batch
from governance.roles import Role

from . import spatial
from .coords import SYSTEMS, convert
from .levels import AreaLevel, grid_ancestor_paths
from .models import (
    Area,
    Assignment,
    CheckInPosition,
    Household,
    HouseholdVisit,
    LeaderReview,
    MonthlyRating,
    NoGpsReason,
    PatrolCheckIn,
    PointsRules,
    Rating,
    SpotCheck,
)
from .scoping import CHANGE, VIEW, in_scope

LOW_RATINGS = (Rating.BASIC, Rating.INCOMPETENT)
RATING_FIGURES = (
    "checkin_days",
    "visits",
    "visit_target_days",
    "reports",
    "tasks",
    "spot_passed",
    "spot_failed",
    "work_done",
    "work_missed",
    "leader_score",
    "points",
    "rating",
    "dismissal_review",
    "pay_percent",
)


def _post(worker) -> Assignment:
    """The worker's current base grid, or a 400 for anyone who is not a grid worker in post."""
    post = (
        Assignment.objects.filter(user=worker, role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID)
        .select_related("area")
        .first()
    )
    if post is None:
        raise ValidationError({"worker": _("只有在岗网格员可以打卡和登记走访。")})
    return post


def _columns(grid: Area) -> dict:
    ancestors = {a.level: a.id for a in Area.objects.get_ancestors(grid)}
    return {
        "county_id": ancestors[AreaLevel.COUNTY],
        "township_id": ancestors[AreaLevel.TOWNSHIP],
        "village_id": ancestors[AreaLevel.VILLAGE],
        "grid_id": grid.id,
    }


def grid_centre(grid: Area) -> tuple[float, float] | None:
    """The grid's centre (lat, lng in BOUNDARY_CRS): the one entered, else a point inside its boundary."""
    if grid.center_lat is not None and grid.center_lng is not None:
        return grid.center_lat, grid.center_lng
    if not grid.boundary:
        return None
    point = spatial.shape_of(grid.boundary).representative_point()
    return point.y, point.x


@transaction.atomic
def check_in(
    *, worker, lat=None, lng=None, crs: str = "WGS84", note: str = "", no_gps_reason: str = ""
) -> PatrolCheckIn:
    """巡查打卡 at the phone's position; it counts for attendance only inside the worker's grid.

    A phone that cannot locate itself checks in at the centre of the worker's own grid with the
    reason (`NoGpsReason`); the row says so (position = grid_centre) and counts like one in the grid."""
    post = _post(worker)
    if lat is None and lng is None and no_gps_reason:
        if no_gps_reason not in NoGpsReason.values:
            raise ValidationError({"no_gps_reason": _("请选择未能定位的原因。")})
        centre = grid_centre(post.area)
        if centre is None:
            raise ValidationError({"no_gps_reason": _("您的网格还没有中心点或边界，不能以网格中心打卡。")})
        stored_lat, stored_lng = centre
        grid, in_own_grid, position = post.area, True, CheckInPosition.GRID_CENTRE
    else:
        if crs not in SYSTEMS:
            raise ValidationError({"crs": _("坐标系只能是 WGS84、GCJ02 或 BD09。")})
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError({"lat": _("请提供有效的位置，或选择未能定位的原因以网格中心打卡。")})
        found = spatial.grid_at(lat, lng, crs)
        grid = Area.objects.get(pk=found) if found else post.area
        stored_lat, stored_lng = convert(lat, lng, crs, settings.BOUNDARY_CRS)
        in_own_grid, position, no_gps_reason = found == post.area_id, CheckInPosition.GPS, ""
    return PatrolCheckIn.objects.create(
        worker=worker,
        lat=stored_lat,
        lng=stored_lng,
        position=position,
        no_gps_reason=no_gps_reason,
        in_own_grid=in_own_grid,
        note=(note or "").strip()[:200],
        at=timezone.now(),
        **_columns(grid),
    )


@transaction.atomic
def record_visit(*, worker, household_id, note: str = "") -> HouseholdVisit:
    """入户走访 of a household the worker may see (others answer as if it did not exist)."""
    _post(worker)
    household = Household.objects.filter(pk=household_id).first()
    if household is None or not in_scope(worker, VIEW, household):
        raise ValidationError({"household": _("户不存在。")})
    return HouseholdVisit.objects.create(
        worker=worker,
        household=household,
        note=(note or "").strip()[:500],
        at=timezone.now(),
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        grid_id=household.grid_id,
    )


def check_spot_checker(*, worker, checked_by) -> Assignment:
    """The worker's post, if `checked_by` may spot-check them (changes records there, is not them)."""
    post = _post(worker)
    if checked_by.pk == worker.pk or not in_scope(checked_by, CHANGE, post.area):
        raise ValidationError({"checked_by": _("只能由该网格的上级人员抽查。")})
    return post


@transaction.atomic
def record_spot_check(*, worker, checked_by, day: dt.date, passed: bool, note: str = "") -> SpotCheck:
    """抽查: recorded by someone who may change records in the worker's grid, never by the worker,
    for a day not in the future (the page, the API and the admin all come here)."""
    post = check_spot_checker(worker=worker, checked_by=checked_by)
    if day is None or day > timezone.localdate():
        raise ValidationError({"day": _("抽查日期不能晚于今天。")})
    return SpotCheck.objects.create(
        worker=worker, checked_by=checked_by, day=day, passed=bool(passed), note=(note or "").strip()[:500],
        **_columns(post.area),
    )


@transaction.atomic
def record_leader_review(*, worker, reviewer, month: dt.date, score: int, note: str = "") -> LeaderReview:
    """领导评议 of a worker's month, by someone who may change records in the worker's grid (a
    township or village leader), never by the worker; one per worker and month (a second one
    replaces the score)."""
    post = check_spot_checker(worker=worker, checked_by=reviewer)
    if score is None or not 0 <= int(score) <= 100:
        raise ValidationError({"score": _("评议分应在 0 到 100 之间。")})
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": _("不能评议尚未开始的月份。")})
    review, _created = LeaderReview.objects.update_or_create(
        worker=worker,
        month=month,
        defaults={"reviewer": reviewer, "score": int(score), "note": (note or "").strip()[:500], **_columns(post.area)},
    )
    return review


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(first, dt.time.min, tz), dt.datetime.combine(following, dt.time.min, tz)


def _months_back(month: dt.date, n: int) -> dt.date:
    for _i in range(n):
        month = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return month


def rating_for(points: Decimal, rules: PointsRules) -> str:
    if points >= rules.excellent_from:
        return Rating.EXCELLENT
    if points >= rules.competent_from:
        return Rating.COMPETENT
    if points >= rules.basic_from:
        return Rating.BASIC
    return Rating.INCOMPETENT


def pay_percent(rating: str, rules: PointsRules) -> int | None:
    """The 绩效工资 share (%) a grade implies (Baofeng: 考核成绩与绩效工资直接挂钩); 未评: none."""
    return {
        Rating.EXCELLENT: rules.pay_excellent,
        Rating.COMPETENT: rules.pay_competent,
        Rating.BASIC: rules.pay_basic,
        Rating.INCOMPETENT: rules.pay_incompetent,
    }.get(rating)


def points_for(row: MonthlyRating, rules: PointsRules) -> Decimal:
    leader = rules.leader_default_score if row.leader_score is None else row.leader_score
    return (
        leader * rules.per_leader_point
        + row.checkin_days * rules.per_checkin_day
        + row.visits * rules.per_visit
        + row.visit_target_days * rules.per_target_day
        + row.reports * rules.per_report
        + row.tasks * rules.per_task
        + row.spot_passed * rules.per_spot_pass
        - row.spot_failed * rules.per_spot_fail
        + row.work_done * rules.per_work_done
        - row.work_missed * rules.per_work_missed
    ).quantize(Decimal("0.01"))


def _counts(start, end):
    tz = timezone.get_current_timezone()
    checkins = dict(
        PatrolCheckIn.objects.filter(at__gte=start, at__lt=end, in_own_grid=True)
        .values("worker_id")
        .annotate(days=Count(TruncDate("at", tzinfo=tz), distinct=True))
        .order_by()
        .values_list("worker_id", "days")
    )
    visits: dict[int, list[int]] = {}
    per_day = (
        HouseholdVisit.objects.filter(at__gte=start, at__lt=end)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("worker_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in per_day:
        visits.setdefault(row["worker_id"], []).append(row["n"])
    spots = {
        r["worker_id"]: r
        for r in SpotCheck.objects.filter(day__gte=start.date(), day__lt=end.date())
        .values("worker_id")
        .annotate(n_passed=Count("id", filter=Q(passed=True)), n_failed=Count("id", filter=Q(passed=False)))
        .order_by()
    }
    leaders = dict(LeaderReview.objects.filter(month=start.date()).values_list("worker_id", "score"))
    return checkins, visits, spots, leaders


@transaction.atomic
def rate_month(*, month: dt.date, platform_counts: dict[int, tuple[int, int]]) -> list[MonthlyRating]:
    """Rate every grid worker in post for `month`; `platform_counts`: user id → (reports, tasks).
    Re-running updates the same rows and tells nobody twice."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    rules = PointsRules.current()
    checkins, visits, spots, leaders = _counts(start, end)
    work = duework.worker_totals(month, end.date())
    posts = list(
        Assignment.objects.filter(role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID).values_list(
            "user_id", "area_id", "area__path", "start_date"
        )
    )
    paths = dict(
        Area.objects.filter(
            path__in={p for *_r, g, _s in posts for p in grid_ancestor_paths(g).values()}
        ).values_list("path", "id")
    )
    earlier = [_months_back(month, n) for n in range(1, rules.dismissal_months)]
    low_before: dict[int, int] = {}
    for worker_id in MonthlyRating.objects.filter(month__in=earlier, rating__in=LOW_RATINGS).values_list(
        "worker_id", flat=True
    ):
        low_before[worker_id] = low_before.get(worker_id, 0) + 1
    flagged_before = set(
        MonthlyRating.objects.filter(month=month, dismissal_review=True).values_list("worker_id", flat=True)
    )
    now = timezone.now()
    rows = []
    for user_id, grid_id, path, since in posts:
        days = visits.get(user_id, [])
        spot = spots.get(user_id, {})
        reports, tasks = platform_counts.get(user_id, (0, 0))
        work_done, work_missed = work.get(user_id, (0, 0))
        row = MonthlyRating(
            worker_id=user_id,
            month=month,
            county_id=paths[grid_ancestor_paths(path)[AreaLevel.COUNTY]],
            township_id=paths[grid_ancestor_paths(path)[AreaLevel.TOWNSHIP]],
            village_id=paths[grid_ancestor_paths(path)[AreaLevel.VILLAGE]],
            grid_id=grid_id,
            checkin_days=checkins.get(user_id, 0),
            visits=sum(days),
            visit_target_days=sum(1 for n in days if n >= rules.daily_visit_target),
            reports=reports,
            tasks=tasks,
            spot_passed=spot.get("n_passed", 0),
            spot_failed=spot.get("n_failed", 0),
            work_done=work_done,
            work_missed=work_missed,
            leader_score=leaders.get(user_id),
            computed_at=now,
        )
        row.points = points_for(row, rules)
        # in post on this grid for the whole month, or 未评 (no month to judge them on)
        row.rating = rating_for(row.points, rules) if since <= month else Rating.UNRATED
        row.pay_percent = pay_percent(row.rating, rules)
        row.dismissal_review = row.rating in LOW_RATINGS and low_before.get(user_id, 0) == len(earlier)
        rows.append(row)
    MonthlyRating.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["worker", "month"],
        update_fields=["county", "township", "village", "grid", *RATING_FIGURES, "computed_at"],
    )
    _tell_townships([r for r in rows if r.dismissal_review and r.worker_id not in flagged_before], month)
    return rows


def _tell_townships(flagged: list[MonthlyRating], month: dt.date) -> None:
    if not flagged:
        return
    officers: dict[int, list[int]] = {}
    for area_id, user_id in Assignment.objects.filter(
        area_id__in={r.township_id for r in flagged}, role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
    ).values_list("area_id", "user_id"):
        officers.setdefault(area_id, []).append(user_id)
    notify_batch(
        (
            officers.get(r.township_id, []),
            "dismissal_review",
            _("网格员连续评定为基本称职及以下，请启动解聘审查"),
            _("%(month)s 月度评定：网格员（编号 %(id)s）已连续数月评定为基本称职及以下。")
            % {"month": f"{month:%Y-%m}", "id": r.worker_id},
            "/admin/grids/monthlyrating/",
        )
        for r in flagged
    )
