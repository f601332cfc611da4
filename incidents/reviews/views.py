"""Browser pages of 日清周评: the day's review and the week's ranking, within the user's areas."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from grids.levels import AreaLevel

from ..response_views import daily_compliance
from ..sections import weekly_sections
from . import selectors, weekly
from .api import xlsx_response
from .models import ReviewRules, SubjectKind


def _date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _grouped(rows: list) -> list[dict]:
    """The day's rows as township groups, each with its villages (a village head's scope holds
    villages only: one group without a township row)."""
    groups: dict[int, dict] = {}
    for row in rows:
        group = groups.setdefault(row.township_id, {"township": None, "villages": []})
        if row.level == AreaLevel.TOWNSHIP:
            group["township"] = row
        else:
            group["villages"].append(row)
    return list(groups.values())


@login_required
def daily(request):
    """日清: one row per township with its villages folded under it; `township` and `q` (a
    village's name) narrow the list and unfold what they find."""
    day = _date(request.GET.get("day", "")) or selectors.latest_review_day(request.user)
    reviews = selectors.daily_reviews_for(request.user).filter(day=day) if day else None
    townships = list(reviews.filter(level=AreaLevel.TOWNSHIP).order_by("area__path")) if day else []
    township, q = request.GET.get("township", ""), request.GET.get("q", "").strip()
    rows = []
    if day:
        if township.isdigit():
            reviews = reviews.filter(township_id=int(township))
        if q:
            reviews = reviews.filter(Q(level=AreaLevel.TOWNSHIP) | Q(area__name__contains=q))
        rows = list(reviews.order_by("area__path"))
    groups = _grouped(rows)
    if q:
        groups = [g for g in groups if g["villages"]]
    context = {
        "day": day,
        "groups": groups,
        "townships": townships,
        "township": township,
        "q": q,
        "unfolded": bool(q or township.isdigit()),
        "previous": day - dt.timedelta(days=1) if day else None,
        "response": daily_compliance(request.user, day) if day else None,
    }
    return render(request, "reviews/daily.html", context)


@login_required
def weekly_page(request):
    evaluations = selectors.evaluations().order_by("-week_start")
    weeks = list(evaluations[:12])
    week = _date(request.GET.get("week", ""))
    if week:  # one of the last twelve weeks, or an older one asked for by its date
        shown = next((e for e in weeks if e.week_start == week), None)
        evaluation = shown or evaluations.filter(week_start=week).first()
    else:
        evaluation = weeks[0] if weeks else None
    prefecture = weekly.in_prefecture()
    kind = request.GET.get("kind")
    kinds = weekly.shown_kinds(prefecture)
    kind = kind if kind in dict(kinds) else SubjectKind.TOWNSHIP
    context = {"evaluation": evaluation, "kind": kind, "kinds": kinds, "weeks": weeks}
    if evaluation:
        scores = selectors.scores_for(request.user, evaluation)
        rules = ReviewRules.current()
        # a city's viewer: each county's ranking in turn (each county ranks its own)
        context["rows"] = list(scores.filter(kind=kind).order_by("county__code", "rank", "name"))
        context["top"], context["bottom"] = weekly.board(
            evaluation, kind, scores, size=rules.board_size, prefecture=prefecture
        )
        context["formulas"] = weekly.FORMULAS
        context["rules"] = rules
        context["sections"] = weekly_sections(request, evaluation)
    return render(request, "reviews/weekly.html", context)


@login_required
def weekly_export(request, pk):
    evaluation = get_object_or_404(selectors.evaluations(), pk=pk)
    scores = selectors.scores_for(request.user, evaluation)
    if not scores.exists():
        raise Http404
    return xlsx_response(evaluation, scores)
