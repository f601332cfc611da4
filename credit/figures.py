"""Figures per village or township (GROUP BY in the database, scoped) and the quarterly
red/black list (红黑榜)."""

import datetime as dt

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import VIEW_CREDIT

from .constants import FactStatus, ItemKind, MovementKind, RoundStatus
from .models import CreditLine, EvaluationRound, Fact, LoanMovement, Rating
from .selectors import is_evaluator

LEVEL_FIELDS = {"township": "township", "village": "village"}
HONOUR_SIZE = 20


def figures(user, *, level: str = "township", day: dt.date | None = None) -> list[dict]:
    """Per area of `level`: subjects rated in effect, grade distribution, vetoed, lines granted
    (count, sum) and drawn (sum of drawdowns), for the caller's scope."""
    day = day or timezone.localdate()
    key = LEVEL_FIELDS[level]
    rows: dict[int, dict] = {}

    def row(area_id, name):
        return rows.setdefault(
            area_id,
            {
                "area": area_id,
                "name": name,
                "rated": 0,
                "vetoed": 0,
                "grades": {},
                "lines": 0,
                "granted": 0,
                "drawn": 0,
            },
        )

    ratings = (
        Rating.objects.restrict(user, VIEW_CREDIT)
        .filter(round__status=RoundStatus.EFFECTIVE, valid_from__lte=day, valid_until__gt=day)
        .values(f"{key}_id", f"{key}__name", "grade", "vetoed")
        .annotate(n=Count("id"))
    )
    for r in ratings:
        target = row(r[f"{key}_id"], r[f"{key}__name"])
        target["rated"] += r["n"]
        if r["vetoed"]:
            target["vetoed"] += r["n"]
        else:
            label = r["grade"] or "未评级"
            target["grades"][label] = target["grades"].get(label, 0) + r["n"]
    lines = (
        CreditLine.objects.restrict(user, VIEW_CREDIT)
        .values(f"{key}_id", f"{key}__name")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for r in lines:
        target = row(r[f"{key}_id"], r[f"{key}__name"])
        target["lines"], target["granted"] = r["n"], r["total"] or 0
    draws = (
        LoanMovement.objects.filter(kind=MovementKind.DRAW, line__in=CreditLine.objects.restrict(user, VIEW_CREDIT))
        .values(area=F(f"line__{key}_id"), area_name=F(f"line__{key}__name"))
        .annotate(total=Sum("amount"))
    )
    for r in draws:
        row(r["area"], r["area_name"])["drawn"] = r["total"] or 0
    return sorted(rows.values(), key=lambda r: r["name"])


def townships_not_evaluated(user) -> list[str]:
    """The townships in the caller's scope where no evaluation round was ever opened: the overview
    names them, so that a township missing from its rows reads as "not begun", not as "nobody rated"."""
    evaluated = EvaluationRound.objects.restrict(user, VIEW_CREDIT).values("township_id")
    return list(
        Area.objects.restrict(user, VIEW_CREDIT)
        .filter(level=AreaLevel.TOWNSHIP)
        .exclude(pk__in=evaluated)
        .values_list("name", flat=True)
    )


def area_summary(area_filter: dict, day: dt.date) -> dict:
    """The wall-screen dashboard's credit figures of one area (`area_filter`: {"county_id" |
    "township_id" | "village_id": id}), counts and sums only — no subject, score or veto reason —
    so any viewer of the area's dashboard may share them. Four aggregate queries.

    - grades: ratings in effect on `day` per grade (best first), vetoed ones apart;
    - lines: credit lines granted (count, sum) and drawn (sum of drawdowns, before repayments);
    - pending: proposed facts waiting for the evaluation group (待评定).
    """
    in_effect = Rating.objects.filter(
        round__status=RoundStatus.EFFECTIVE, valid_from__lte=day, valid_until__gt=day, **area_filter
    )
    grades: dict[str, int] = {}
    vetoed = 0
    for r in in_effect.values("grade", "vetoed").annotate(n=Count("id"), best=Max("score")).order_by("-best"):
        if r["vetoed"]:
            vetoed += r["n"]
        else:
            label = r["grade"] or str(_("未评级"))
            grades[label] = grades.get(label, 0) + r["n"]
    lines = CreditLine.objects.filter(**area_filter).aggregate(lines=Count("id"), granted=Coalesce(Sum("amount"), 0))
    drawn = LoanMovement.objects.filter(
        kind=MovementKind.DRAW, **{f"line__{column}": value for column, value in area_filter.items()}
    ).aggregate(drawn=Coalesce(Sum("amount"), 0))["drawn"]
    pending = Fact.objects.filter(status=FactStatus.PROPOSED, **area_filter).count()
    return {"grades": grades, "vetoed": vetoed, **lines, "drawn": drawn, "pending": pending}


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end


def honour_roll(user, *, year: int, quarter: int) -> dict:
    """红榜: the best-scored ratings that took effect in the quarter; 黑榜: subjects whose veto or
    deduction was applied for something that happened in the quarter. Evaluation roles only."""
    if not is_evaluator(user):
        return {"red": [], "black": []}
    start, end = quarter_bounds(year, quarter)
    red = (
        Rating.objects.restrict(user, VIEW_CREDIT)
        .filter(
            round__status=RoundStatus.EFFECTIVE,
            round__effective_on__gte=start,
            round__effective_on__lt=end,
            vetoed=False,
        )
        .exclude(grade="")
        .order_by("-score", "id")
        .values("subject_id", "subject__name", "village__name", "grade", "score")[:HONOUR_SIZE]
    )
    black = (
        Fact.objects.restrict(user, VIEW_CREDIT)
        .filter(
            status=FactStatus.APPLIED,
            kind__in=[ItemKind.VETO, ItemKind.DEDUCTION],
            occurred_on__gte=start,
            occurred_on__lt=end,
        )
        .values("subject_id", "subject__name", "village__name")
        .annotate(
            vetoes=Count("id", filter=Q(kind=ItemKind.VETO)), deductions=Count("id", filter=Q(kind=ItemKind.DEDUCTION))
        )
        .order_by("-vetoes", "-deductions", "subject_id")[:HONOUR_SIZE]
    )
    return {"red": list(red), "black": list(black), "start": start, "end": end}
