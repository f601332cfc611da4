"""Browser pages of the safe-area assessment and the stability index.

Thin like the API: reads through oversight.selectors (outside the user's areas is 404), writes
through oversight.assessment.services with the API's serializers parsing the form."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as InputError

from governance.actions import action_view, failure_context, form_data, run_for_page
from grids.scoping import CHANGE, in_scope

from .. import selectors
from ..constants import Metric, RatingStatus, StabilityGroup
from ..models import ASSESSED_LEVELS
from . import actions
from .api.views import parse_week
from .workflow import EVIDENCE_WORKFLOW, RATING_WORKFLOW

PAGE_SIZE = 100
TREND_WEEKS = 8


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


def _rating_page(request, rating, failure=None, failed_evidence=None):
    evidence = selectors.evidence_for(request.user).filter(area=rating.area_id, year=rating.year).order_by("-id")
    entered = selectors.indicators(rating.level).filter(metric=Metric.ENTERED)
    return render(
        request,
        "oversight/rating.html",
        {
            "rating": rating,
            "actions": RATING_WORKFLOW.available(request.user, rating),
            "evidence": [(e, EVIDENCE_WORKFLOW.available(request.user, e)) for e in evidence],
            "entered": entered,
            "may_enter": in_scope(request.user, CHANGE, rating) and rating.status != RatingStatus.APPROVED,
            **failure_context(failure),
            "failed_evidence": failed_evidence,
        },
    )


@login_required
def rating(request, pk):
    """One rating: the breakdown per indicator, the evidence, the record and the actions."""
    return _rating_page(request, get_object_or_404(selectors.rating_detail_queryset(request.user), pk=pk))


def _rating_of(request, evidence_pk):
    """The rating whose page shows the evidence `evidence_pk`, or None."""
    evidence = get_object_or_404(selectors.evidence_for(request.user), pk=evidence_pk)
    return selectors.rating_detail_queryset(request.user).filter(area=evidence.area_id, year=evidence.year).first()


def _evidence_page(request, pk, failure):
    rating = _rating_of(request, pk)
    if rating is None:
        raise Http404
    return _rating_page(request, rating, failure, failed_evidence=pk)


def _after_evidence(request, pk):
    rating = _rating_of(request, pk)
    return reverse("oversight:rating", args=[rating.pk]) if rating else reverse("oversight:ratings")


# 认定 / 撤销认定 and 采信 / 退回: the kernel's page action view (governance.actions).
rating_action = action_view(
    actions.RATING_ACTIONS,
    page=lambda request, pk, failure: _rating_page(
        request, get_object_or_404(selectors.rating_detail_queryset(request.user), pk=pk), failure
    ),
    next_url=lambda request, pk: reverse("oversight:rating", args=[pk]),
)
evidence_action = action_view(actions.EVIDENCE_ACTIONS, page=_evidence_page, next_url=_after_evidence)


@login_required
@require_POST
def submit_evidence(request, pk):
    obj = get_object_or_404(selectors.ratings_for(request.user), pk=pk)
    data = form_data(request)
    data.update({"area": obj.area_id, "year": obj.year})
    run_for_page(request, lambda: actions.enter_evidence(actor=request.user, data=data), _("佐证已录入，待上级审核。"))
    return redirect("oversight:rating", pk=pk)


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
