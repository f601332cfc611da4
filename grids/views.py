"""The grid worker's field-work page on the phone: patrol check-in with the phone's position and
household visits, posted to the field-work endpoints with an Idempotency-Key
(static/js/fieldwork.js), with today's tallies against the daily visit target."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone

from governance.roles import Role

from .levels import AreaLevel
from .models import Assignment, HouseholdVisit, PatrolCheckIn, PointsRules
from .selectors import households_for

HOUSEHOLDS_SHOWN = 300


@login_required
def fieldwork(request):
    user = request.user
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    grids = [
        a.area
        for a in Assignment.objects.filter(
            user=user, role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID
        ).select_related("area")
    ]
    visited_today = HouseholdVisit.objects.filter(worker=user, household=OuterRef("pk"), at__gte=today)
    households = (
        households_for(user)
        .filter(grid__in=grids)
        .annotate(visited_today=Exists(visited_today))
        .only("id", "number", "head_name", "address", "grid__name", "township__name", "village__name")
        .order_by("number")[:HOUSEHOLDS_SHOWN]
    )
    return render(
        request,
        "grids/fieldwork.html",
        {
            "grids": grids,
            "households": households,
            "checkins_today": PatrolCheckIn.objects.filter(worker=user, at__gte=today).count(),
            "visits_today": HouseholdVisit.objects.filter(worker=user, at__gte=today).count(),
            "visit_target": PointsRules.current().daily_visit_target,
        },
    )
