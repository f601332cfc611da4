"""Reads of the rhythm's records, always scoped to the caller's areas (outside → not there)."""

from django.db.models import Max

from grids.scoping import VIEW

from .models import DailyReview, WeeklyEvaluation, WeeklyScore


def daily_reviews_for(user):
    return DailyReview.objects.restrict(user, VIEW).select_related("area")


def latest_review_day(user):
    return daily_reviews_for(user).aggregate(day=Max("day"))["day"]


def evaluations():
    """Published weekly evaluations (a week is not an area: every signed-in user sees the list)."""
    return WeeklyEvaluation.objects.filter(published_at__isnull=False)


def scores_for(user, evaluation):
    return WeeklyScore.objects.restrict(user, VIEW).filter(evaluation=evaluation)
