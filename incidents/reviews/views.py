"""Browser pages of 日清周评: the day's review and the week's ranking, within the user's areas."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..sections import weekly_sections
from . import selectors, weekly
from .api import xlsx_response
from .models import ReviewRules, SubjectKind


def _date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def daily(request):
    day = _date(request.GET.get("day", "")) or selectors.latest_review_day(request.user)
    rows = list(selectors.daily_reviews_for(request.user).filter(day=day).order_by("area__path")) if day else []
    return render(
        request,
        "reviews/daily.html",
        {"day": day, "rows": rows, "previous": day - dt.timedelta(days=1) if day else None},
    )


@login_required
def weekly_page(request):
    evaluations = selectors.evaluations().order_by("-week_start")
    week = _date(request.GET.get("week", ""))
    evaluation = (evaluations.filter(week_start=week) if week else evaluations).first()
    kind = request.GET.get("kind")
    kind = kind if kind in SubjectKind.values else SubjectKind.TOWNSHIP
    context = {"evaluation": evaluation, "kind": kind, "kinds": SubjectKind.choices, "weeks": evaluations[:12]}
    if evaluation:
        scores = selectors.scores_for(request.user, evaluation)
        context["rows"] = list(scores.filter(kind=kind).order_by("rank", "name"))
        context["top"], context["bottom"] = weekly.board(evaluation, kind, scores)
        context["formulas"] = weekly.FORMULAS
        context["rules"] = ReviewRules.current()
        context["sections"] = weekly_sections(request, evaluation)
    return render(request, "reviews/weekly.html", context)


@login_required
def weekly_export(request, pk):
    evaluation = get_object_or_404(selectors.evaluations(), pk=pk)
    scores = selectors.scores_for(request.user, evaluation)
    if not scores.exists():
        raise Http404
    return xlsx_response(evaluation, scores)
