"""Every read of ratings, evidence and stability indices, scoped to the caller's areas."""

from grids.scoping import VIEW

from .models import AreaRating, Evidence, Indicator, StabilityIndex


def ratings_for(user):
    return AreaRating.objects.restrict(user, VIEW).select_related("area", "township")


def rating_detail_queryset(user):
    return ratings_for(user).prefetch_related("events__actor")


def evidence_for(user):
    return Evidence.objects.restrict(user, VIEW).select_related("area", "indicator", "submitted_by")


def indicators(level=None):
    qs = Indicator.objects.filter(is_active=True)
    return qs.filter(level=level) if level else qs


def indices_for(user):
    return StabilityIndex.objects.restrict(user, VIEW).select_related("township")


def latest_week(user):
    """The most recent week with an index the user may see, or None."""
    return indices_for(user).order_by("-week_start").values_list("week_start", flat=True).first()


def colour_trend(user, weeks) -> dict:
    """{(township id, week): colour} for the given weeks (one query)."""
    rows = indices_for(user).filter(week_start__in=weeks).values_list("township_id", "week_start", "colour")
    return {(township, week): colour for township, week, colour in rows}


def township_colours(user, week=None) -> dict:
    """The stability colour of each township the user may see for `week` (a Monday; default the
    latest computed week) — what the dashboard and the map colour townships by."""
    week = week or latest_week(user)
    rows = (
        indices_for(user)
        .filter(week_start=week)
        .order_by("township__code")
        .values_list("township_id", "township__code", "township__name", "index", "colour")
    )
    return {
        "week_start": week,
        "townships": [
            {"township": pk, "code": code, "name": name, "index": float(index), "colour": colour}
            for pk, code, name, index, colour in rows
        ],
    }
