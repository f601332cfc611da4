"""Browser pages of the safe-area assessment and the stability index.

Thin like the API: reads through oversight.selectors (outside the user's areas is 404), writes
through oversight.assessment.services with the API's serializers parsing the form."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as InputError

from governance.errors import Conflict
from grids.scoping import CHANGE, in_scope

from . import selectors
from .api.assessment_views import parse_week
from .assessment import actions
from .assessment.workflow import EVIDENCE_WORKFLOW, RATING_WORKFLOW
from .constants import Metric, RatingStatus, StabilityGroup
from .models import ASSESSED_LEVELS

PAGE_SIZE = 100
TREND_WEEKS = 8


def _flatten(errors) -> str:
    if isinstance(errors, dict):
        return "；".join(_flatten(v) for v in errors.values())
    if isinstance(errors, list):
        return "；".join(_flatten(v) for v in errors)
    return str(errors)


def _run(request, call, success: str = "") -> None:
    """Call a service from a form post; its errors become a Chinese message on the next page."""
    try:
        call()
    except InputError as e:
        messages.error(request, _flatten(e.detail))
    except ValidationError as e:
        messages.error(request, _flatten(e.message_dict if hasattr(e, "error_dict") else e.messages))
    except PermissionDenied as e:
        messages.error(request, str(e) or _("您无权执行该操作。"))
    except Conflict as e:
        messages.error(request, e.message)
    else:
        messages.success(request, success or _("已提交。"))


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else timezone.localdate().year - 1


@login_required
def ratings(request):
    """年度平安评定: every rating in the user's areas for a year, by level, with the totals."""
    year, level = _year(request), request.GET.get("level") or "village"
    qs = selectors.ratings_for(request.user).filter(year=year, level=level)
    totals = {row["result"]: row["n"] for row in qs.order_by().values("result").annotate(n=Count("id"))}
    after = request.GET.get("after", "")
    page = qs.filter(pk__gt=int(after)) if after.isdigit() else qs
    rows = list(page.order_by("id")[: PAGE_SIZE + 1])
    return render(
        request,
        "oversight/ratings.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "level": level,
            "levels": ASSESSED_LEVELS,
            "ratings": rows[:PAGE_SIZE],
            "next_after": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
            "totals": totals,
        },
    )


@login_required
def rating(request, pk):
    """One rating: the breakdown per indicator, the evidence, the record and the actions."""
    obj = get_object_or_404(selectors.rating_detail_queryset(request.user), pk=pk)
    evidence = selectors.evidence_for(request.user).filter(area=obj.area_id, year=obj.year).order_by("-id")
    entered = selectors.indicators(obj.level).filter(metric=Metric.ENTERED)
    return render(
        request,
        "oversight/rating.html",
        {
            "rating": obj,
            "actions": RATING_WORKFLOW.available(request.user, obj),
            "evidence": [(e, EVIDENCE_WORKFLOW.available(request.user, e)) for e in evidence],
            "entered": entered,
            "may_enter": in_scope(request.user, CHANGE, obj) and obj.status != RatingStatus.APPROVED,
        },
    )


@login_required
@require_POST
def rating_action(request, pk, action):
    get_object_or_404(selectors.ratings_for(request.user), pk=pk)
    _run(request, lambda: actions.decide("rating", pk=pk, action=action, actor=request.user, data=request.POST))
    return redirect("oversight:rating", pk=pk)


@login_required
@require_POST
def submit_evidence(request, pk):
    obj = get_object_or_404(selectors.ratings_for(request.user), pk=pk)

    def call():
        data = {**request.POST.dict(), "area": obj.area_id, "year": obj.year}
        if "file" in request.FILES:
            data["file"] = request.FILES["file"]
        actions.enter_evidence(actor=request.user, data=data)

    _run(request, call, _("佐证已录入，待上级审核。"))
    return redirect("oversight:rating", pk=pk)


@login_required
@require_POST
def evidence_action(request, pk, action):
    evidence = get_object_or_404(selectors.evidence_for(request.user), pk=pk)
    _run(request, lambda: actions.decide("evidence", pk=pk, action=action, actor=request.user, data=request.POST))
    rating = selectors.ratings_for(request.user).filter(area=evidence.area_id, year=evidence.year).first()
    return redirect("oversight:rating", pk=rating.pk) if rating else redirect("oversight:ratings")


@login_required
def stability(request):
    """社会稳定指数: one row per township for a week, its colour and its 四情 scores."""
    try:
        week = parse_week(request.GET.get("week"))
    except InputError:
        week = None
    week = week or selectors.latest_week(request.user)
    rows = list(selectors.indices_for(request.user).filter(week_start=week).order_by("index", "township__code"))
    weeks = [week - dt.timedelta(days=7 * i) for i in range(TREND_WEEKS - 1, -1, -1)] if week else []
    trend = selectors.colour_trend(request.user, weeks)
    for row in rows:
        by_group = {g["group"]: g["score"] for g in row.breakdown.get("groups", [])}
        row.group_scores = [by_group.get(g.value) for g in StabilityGroup]
        row.trend = [(w, trend.get((row.township_id, w), "")) for w in weeks]
    return render(
        request,
        "oversight/stability.html",
        {
            "week": week,
            "previous": week - dt.timedelta(days=7) if week else None,
            "next": week + dt.timedelta(days=7) if week else None,
            "rows": rows,
            "groups": [(g.value, g.label) for g in StabilityGroup],
        },
    )
