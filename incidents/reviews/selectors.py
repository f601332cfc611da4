"""Reads of the rhythm's records, always scoped to the caller's areas (outside → not there)."""

from django.db.models import Max

from grids.levels import AreaLevel
from grids.scoping import VIEW

from .models import DailyReview, SubjectKind, WeeklyEvaluation, WeeklyScore

MAX_SHOWN = 3  # the inbox shows the user's own township (a county user sees the first few)


def daily_reviews_for(user):
    return DailyReview.objects.restrict(user, VIEW).select_related("area")


def latest_review_day(user):
    return daily_reviews_for(user).aggregate(day=Max("day"))["day"]


def evaluations():
    """Published weekly evaluations (a week is not an area: every signed-in user sees the list)."""
    return WeeklyEvaluation.objects.filter(published_at__isnull=False)


def scores_for(user, evaluation):
    return WeeklyScore.objects.restrict(user, VIEW).filter(evaluation=evaluation)


def township_summary(user) -> dict:
    """The inbox's figures: the latest day's review and week's score of the top areas in scope —
    the townships (a county user sees the first few), or a village head's own village."""
    day = latest_review_day(user)
    top_first = daily_reviews_for(user).filter(day=day).order_by("area__depth", "area__path")
    rows = list(top_first[:MAX_SHOWN]) if day else []
    daily = [r for r in rows if r.level == rows[0].level]
    kind = SubjectKind.VILLAGE if daily and daily[0].level == AreaLevel.VILLAGE else SubjectKind.TOWNSHIP
    evaluation = evaluations().order_by("-week_start").first()
    weekly = (
        list(scores_for(user, evaluation).filter(kind=kind).order_by("rank")[:MAX_SHOWN]) if evaluation else []
    )
    return {"day": day, "daily": daily, "evaluation": evaluation, "weekly": weekly}
