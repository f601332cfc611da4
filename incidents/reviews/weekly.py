"""周评: the weekly evaluation of grid workers, villages, townships and departments.

`run_weekly_evaluation(week_start=…)` computes, for the week Monday 00:00 – next Monday 00:00
(local time), every subject's figures with a fixed number of aggregate queries (grouped by the
subject's column), scores them with the admin-editable `ReviewRules`, ranks them within their
kind and upserts the rows on (evaluation, kind, subject): a re-run gives the same rows. The
formulas are in docs/rhythm.md; `FORMULAS` below is what the XLSX export prints.
"""

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, Max, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import duework, jobs
from governance.roles import Role
from grids.levels import AreaLevel, ancestor_path, grid_ancestor_paths
from grids.models import Area, Assignment

from ..constants import OPEN_STATES, CaseStatus, UnitKind, UrgeGrade
from ..models import Case, CaseEvent, Unit
from .models import ReviewRules, SubjectKind, WeeklyEvaluation, WeeklyScore

log = logging.getLogger(__name__)

FIGURES = (
    "due",
    "closed",
    "closed_on_time",
    "postponed",
    "rework",
    "yellow_urges",
    "red_urges",
    "reports",
    "overdue",
    "work_overdue",
    "satisfaction",
)
RATES = ("close_rate", "on_time_rate")
FORMULAS = [
    ("应结案数", gettext_lazy("本周结案数 + 本周末已过期限仍未结案数 + 在办缓办数")),
    ("结案数", gettext_lazy("本周内结案（不含合并重复件）")),
    ("按期结案数", gettext_lazy("本周结案中在处置时限内反馈处置结果的件数（不含缓办件）")),
    ("缓办数", gettext_lazy("应结案中经指挥中心批准缓办的件数")),
    ("结案率", gettext_lazy("结案数 ÷ 应结案数（应结案数为 0 时记满分）")),
    ("按期结案率", gettext_lazy("按期结案数 ÷ (应结案数 − 缓办数)，缓办件分子分母都不计（分母为 0 时记满分）")),
    ("返工数", gettext_lazy("本周核查未通过、退回返工的次数")),
    ("黄牌/红牌督办", gettext_lazy("本周黄牌、红牌督办次数（含日清自动督办）")),
    ("上报数", gettext_lazy("本周上报事件数（网格员按上报人，区域按事发地）")),
    ("超期数", gettext_lazy("统计时仍在办且已过期限的件数")),
    ("逾期走访/回访", gettext_lazy("周末仍逾期未做的到期工作（重点人员走访、调解回访等，网格员按其网格）")),
    ("平均满意度", gettext_lazy("本周结案且已回访件的满意度平均值（1–5）")),
    (
        "得分",
        gettext_lazy(
            "结案率×结案率权重 + 按期结案率×按期权重 + 平均满意度/5×满意度权重 + min(上报数×上报加分, 上限)"
            " − 返工数×返工扣分 − 黄牌×黄牌扣分 − 红牌×红牌扣分 − 超期数×超期扣分"
            " − 逾期走访/回访×其扣分，最低 0 分"
        ),
    ),
    ("名次", gettext_lazy("同类对象按得分从高到低；同分同名次（1、2、2、4）")),
]
CENT = Decimal("0.01")
EVERYTHING = Q()


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min))


def last_week(at: dt.datetime) -> dt.date:
    today = timezone.localdate(at)
    return today - dt.timedelta(days=today.weekday() + 7)


def _case_figures(column: str, start, end, extra: Q = EVERYTHING):
    in_week = Q(closed_at__gte=start, closed_at__lt=end, status=CaseStatus.CLOSED, duplicate_of__isnull=True)
    open_ = Q(status__in=OPEN_STATES)
    late = open_ & Q(due_at__lt=end)
    held = open_ & Q(is_postponed=True)
    # 缓办 cases leave both sides of 按期结案率: on time counts only cases that were not postponed,
    # and every one of them is in 应结案 − 缓办, so the rate can never pass 100 %.
    return {
        row.pop(column): row
        for row in Case.objects.filter(extra)
        .values(column)
        .annotate(
            closed=Count("id", filter=in_week),
            closed_on_time=Count("id", filter=in_week & Q(closed_on_time=True, is_postponed=False)),
            due=Count("id", filter=in_week | late | held),
            postponed=Count("id", filter=(in_week | held) & Q(is_postponed=True)),
            overdue=Count("id", filter=late),
            reports=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
            satisfaction=Avg("satisfaction", filter=in_week),
        )
        .order_by()
    }


def _event_figures(column: str, start, end, extra: Q = EVERYTHING):
    return {
        row.pop(f"case__{column}"): row
        for row in CaseEvent.objects.filter(extra, created_at__gte=start, created_at__lt=end)
        .values(f"case__{column}")
        .annotate(
            rework=Count("id", filter=Q(action="rework")),
            yellow_urges=Count("id", filter=Q(action="urge", data__grade=UrgeGrade.YELLOW)),
            red_urges=Count("id", filter=Q(action="urge", data__grade=UrgeGrade.RED)),
        )
        .order_by()
    }


def _merge(*sources, key):
    merged = {f: 0 for f in FIGURES}
    merged["satisfaction"] = None
    for source in sources:
        merged.update(source.get(key, {}))
    return merged


def _work_figures(end) -> dict[str, dict[int, dict]]:
    """Registered due work still overdue at the week's end, per grid, village and township column
    ({"grid_id": {id: {"work_overdue": n}}, "village_id": …, "township_id": …})."""
    last_day = timezone.localdate(end) - dt.timedelta(days=1)
    by_grid = {g: overdue for g, (_due, overdue) in duework.counts_by_grid(last_day, end).items() if overdue}
    columns: dict[str, dict[int, dict]] = {"grid_id": {}, "village_id": {}, "township_id": {}}
    if not by_grid:
        return columns
    grid_paths = dict(Area.objects.filter(pk__in=by_grid).values_list("id", "path"))
    ids = dict(
        Area.objects.filter(
            path__in={p for g in grid_paths.values() for p in grid_ancestor_paths(g).values()}
        ).values_list("path", "id")
    )
    for grid_id, overdue in by_grid.items():
        up = grid_ancestor_paths(grid_paths[grid_id])
        for column, key in (
            ("grid_id", grid_id),
            ("village_id", ids[up[AreaLevel.VILLAGE]]),
            ("township_id", ids[up[AreaLevel.TOWNSHIP]]),
        ):
            row = columns[column].setdefault(key, {"work_overdue": 0})
            row["work_overdue"] += overdue
    return columns


def _area_subjects(level: str, kind: str, column: str, start, end, work) -> list[WeeklyScore]:
    cases, events = _case_figures(column, start, end), _event_figures(column, start, end)
    areas = Area.objects.filter(level=level).values_list("id", "name", "path")
    paths = dict(Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP]).values_list("path", "id"))
    subjects = []
    for area_id, name, path in areas:
        subjects.append(
            WeeklyScore(
                kind=kind,
                subject=f"area:{area_id}",
                name=name,
                county_id=paths[ancestor_path(path, level, AreaLevel.COUNTY)],
                township_id=None
                if level == AreaLevel.COUNTY
                else paths[ancestor_path(path, level, AreaLevel.TOWNSHIP)],
                village_id=area_id if level == AreaLevel.VILLAGE else None,
                **_merge(cases, events, work.get(column, {}), key=area_id),
            )
        )
    return subjects


def _department_subjects(start, end) -> list[WeeklyScore]:
    departments = Q(handling_unit__kind=UnitKind.DEPARTMENT)
    cases = _case_figures("handling_unit_id", start, end, departments)
    events = _event_figures("handling_unit_id", start, end, Q(case__handling_unit__kind=UnitKind.DEPARTMENT))
    subjects = []
    for unit in Unit.objects.filter(kind=UnitKind.DEPARTMENT).only("id", "name", "area_id"):
        figures = _merge(cases, events, key=unit.id)
        figures["reports"] = 0  # departments handle, they do not report
        subjects.append(
            WeeklyScore(
                kind=SubjectKind.DEPARTMENT,
                subject=f"unit:{unit.id}",
                name=unit.name,
                county_id=unit.area_id,
                **figures,
            )
        )
    return subjects


def _worker_subjects(start, end, work) -> list[WeeklyScore]:
    """Each grid worker in post answers for their grid's cases and due work; their reports count
    by reporter."""
    cases, events = _case_figures("grid_id", start, end), _event_figures("grid_id", start, end)
    reports = dict(
        Case.objects.filter(created_at__gte=start, created_at__lt=end, reporter__isnull=False)
        .values("reporter_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reporter_id", "n")
    )
    posts = Assignment.objects.filter(
        role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID
    ).values_list("user_id", "user__full_name", "user__username", "area_id", "area__path")
    posts = list(posts)
    paths = dict(
        Area.objects.filter(
            path__in={p for *_r, g in posts for p in grid_ancestor_paths(g).values()}
        ).values_list("path", "id")
    )
    subjects = []
    for user_id, full_name, username, grid_id, path in posts:
        figures = _merge(cases, events, work["grid_id"], key=grid_id)
        figures["reports"] = reports.get(user_id, 0)
        subjects.append(
            WeeklyScore(
                kind=SubjectKind.GRID_WORKER,
                subject=f"user:{user_id}",
                name=full_name or username,
                user_id=user_id,
                county_id=paths[grid_ancestor_paths(path)[AreaLevel.COUNTY]],
                township_id=paths[grid_ancestor_paths(path)[AreaLevel.TOWNSHIP]],
                village_id=paths[grid_ancestor_paths(path)[AreaLevel.VILLAGE]],
                **figures,
            )
        )
    return subjects


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001")) if denominator > 0 else None


def score(row: WeeklyScore, rules: ReviewRules) -> Decimal:
    """The formula of docs/rhythm.md; an empty denominator or no satisfaction counts as full marks."""
    row.close_rate = _ratio(row.closed, row.due)
    row.on_time_rate = _ratio(row.closed_on_time, row.due - row.postponed)
    if row.satisfaction is not None:
        row.satisfaction = Decimal(row.satisfaction).quantize(CENT)
    sat = row.satisfaction / 5 if row.satisfaction is not None else Decimal(1)
    total = (
        rules.weight_close_rate * (row.close_rate if row.close_rate is not None else 1)
        + rules.weight_on_time_rate * (row.on_time_rate if row.on_time_rate is not None else 1)
        + rules.weight_satisfaction * sat
        + min(row.reports * rules.weight_reports, rules.reports_cap)
        - row.rework * rules.deduct_rework
        - row.yellow_urges * rules.deduct_yellow
        - row.red_urges * rules.deduct_red
        - row.overdue * rules.deduct_overdue
        - row.work_overdue * rules.deduct_work_overdue
    )
    return max(total, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def rank(rows: list[WeeklyScore]) -> None:
    """Competition ranking by score (1, 2, 2, 4); ties listed by more cases due, then name."""
    rows.sort(key=lambda r: (-r.score, -r.due, r.name))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and row.score == rows[i - 1].score else i + 1


def in_prefecture() -> bool:
    """Whether this installation holds a city (a prefecture of counties) rather than one county."""
    return Area.objects.filter(level=AreaLevel.CITY).exists()


def shown_kinds(prefecture: bool) -> list[tuple[str, str]]:
    """The kinds a 周评 page offers: counties only in a prefecture (`in_prefecture`)."""
    return [(value, label) for value, label in SubjectKind.choices if prefecture or value != SubjectKind.COUNTY]


def _per_county(kind: str, subjects: list[WeeklyScore]) -> list[list[WeeklyScore]]:
    """Whom a subject is ranked among: the others of its kind in its county (each county of a
    prefecture ranks its own townships, villages, workers and departments); counties among all
    the counties. A single county (no city) is one group, as it always was."""
    if kind == SubjectKind.COUNTY or not in_prefecture():
        return [subjects]
    county_of = _county_of_areas({row.county_id for row in subjects})  # a department's area may be below
    groups: dict[int, list[WeeklyScore]] = {}
    for row in subjects:
        groups.setdefault(county_of.get(row.county_id, row.county_id), []).append(row)
    return list(groups.values())


def _county_of_areas(area_ids) -> dict[int, int]:
    """area id → the id of its county (itself for a county), for a few areas (two queries)."""
    rows = list(Area.objects.filter(pk__in=area_ids).values_list("id", "level", "path"))
    wanted = {
        pk: ancestor_path(path, level, AreaLevel.COUNTY)
        for pk, level, path in rows
        if level not in (AreaLevel.CITY,)
    }
    ids = dict(Area.objects.filter(path__in=set(wanted.values())).values_list("path", "id"))
    return {pk: ids[path] for pk, path in wanted.items() if path in ids}


def run_weekly_evaluation(
    *, week_start: dt.date | None = None, at: dt.datetime | None = None, job_id: int | None = None
) -> WeeklyEvaluation:
    at = at or timezone.now()
    week_start = week_start or last_week(at)
    start, end = week_bounds(week_start)
    by_county = ReviewRules.by_county()  # a county's own weights for its subjects
    rules = by_county[None]  # the common ones (and the counties' own ranking among themselves)
    work = _work_figures(end)
    builders = [
        # a prefecture: the city ranks its counties by the same figures as a county its townships
        *(
            [
                (
                    SubjectKind.COUNTY,
                    lambda: _area_subjects(AreaLevel.COUNTY, SubjectKind.COUNTY, "county_id", start, end, work),
                )
            ]
            if in_prefecture()
            else []
        ),
        (
            SubjectKind.TOWNSHIP,
            lambda: _area_subjects(AreaLevel.TOWNSHIP, SubjectKind.TOWNSHIP, "township_id", start, end, work),
        ),
        (
            SubjectKind.VILLAGE,
            lambda: _area_subjects(AreaLevel.VILLAGE, SubjectKind.VILLAGE, "village_id", start, end, work),
        ),
        (SubjectKind.DEPARTMENT, lambda: _department_subjects(start, end)),
        (SubjectKind.GRID_WORKER, lambda: _worker_subjects(start, end, work)),
    ]
    if job_id:
        jobs.set_total(job_id, len(builders) + 1, _("周评 %(w)s 起") % {"w": week_start})
    rows = []
    for kind, build in builders:
        subjects = build()
        for row in subjects:
            row.score = score(row, rules if kind == SubjectKind.COUNTY else by_county.get(row.county_id, rules))
        for group in _per_county(kind, subjects):
            rank(group)
        rows += subjects
        if job_id:
            jobs.advance(
                job_id, message=_("%(kind)s：%(n)d 个") % {"kind": SubjectKind(kind).label, "n": len(subjects)}
            )
    evaluation = _store(week_start, at, rules, rows)
    log.info("weekly evaluation %s: %d scores", week_start, len(rows))
    return evaluation


RULE_FIELDS = (
    "weight_close_rate",
    "weight_on_time_rate",
    "weight_satisfaction",
    "weight_reports",
    "reports_cap",
    "deduct_rework",
    "deduct_yellow",
    "deduct_red",
    "deduct_overdue",
    "deduct_work_overdue",
)


@transaction.atomic
def _store(week_start, at, rules, rows) -> WeeklyEvaluation:
    evaluation, _created = WeeklyEvaluation.objects.update_or_create(
        week_start=week_start,
        defaults={
            "computed_at": at,
            "published_at": at,
            "rules": {f: str(getattr(rules, f)) for f in RULE_FIELDS},
        },
    )
    for row in rows:
        row.evaluation = evaluation
    WeeklyScore.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["evaluation", "kind", "subject"],
        update_fields=[
            *FIGURES,
            *RATES,
            "name",
            "county",
            "township",
            "village",
            "user",
            "score",
            "rank",
        ],
    )
    # subjects gone since the last run of this week (a worker who left their post)
    WeeklyScore.objects.filter(evaluation=evaluation).exclude(pk__in=[r.pk for r in rows]).delete()
    return evaluation


def board(evaluation: WeeklyEvaluation, kind: str, scores, *, size: int, prefecture: bool) -> tuple[list, list]:
    """红黑榜: the scores among the county's top and bottom `size` ranks (ReviewRules.board_size) of
    one kind, from a scoped queryset — a township ranked 12th is on neither board, whoever looks.
    `prefecture`: `in_prefecture()`, where each county ranks its own."""
    of_kind = scores.filter(evaluation=evaluation, kind=kind)
    top = list(of_kind.filter(rank__lte=size).order_by("rank", "name"))
    everyone = WeeklyScore.objects.filter(evaluation=evaluation, kind=kind).order_by()
    if kind == SubjectKind.COUNTY or not prefecture:
        # counties are ranked together, and so is everything in a single county: the last place
        # comes as a subquery of the bottom's own query
        last = Subquery(everyone.values("kind").annotate(last=Max("rank")).values("last"))
        bottom_q = Q(rank__gt=Greatest(Coalesce(last, 0) - size, Value(size)))
    else:  # each county ranks its own: its bottom is counted from its own last place
        bottom_q = Q(pk__in=[])
        last = everyone.values("county_id").annotate(last=Max("rank")).values_list("county_id", "last")
        for county_id, ranked in last:
            bottom_q |= Q(county_id=county_id, rank__gt=max(ranked - size, size))
    bottom = list(of_kind.filter(bottom_q).order_by("-rank", "name"))
    return top, bottom
