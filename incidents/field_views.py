"""The reporting pages: the grid worker's phone (report in three taps, my reports) and the
command centre's intake form (hotline, walk-in, video, petition).

Both pages post to the one intake endpoint (POST /api/v1/cases/) from the browser with an
Idempotency-Key kept with the draft, so a retry after a dropped connection never makes a second
case and a failed send keeps what was typed (static/js/report.js)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from governance.roles import Role
from grids.levels import AreaLevel
from grids.models import Assignment

from . import deadlines, selectors
from .constants import Source

FIELD_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER, Role.GRID_POLICE, Role.VILLAGE_HEAD}
# What the centre's form offers: the channels a person at the desk takes reports from.
DESK_SOURCES = [Source.HOTLINE, Source.WALK_IN, Source.VIDEO, Source.PETITION]


def _category_groups():
    """Leaf categories under their parents, for one <select> with optgroups."""
    groups: dict = {}
    for category in selectors.categories().filter(parent__isnull=False).order_by("parent__code", "code"):
        groups.setdefault(category.parent.name, []).append(category)
    return groups


@login_required
def report(request):
    """上报事件: the phone layout for people in the field, the desk layout for the centre."""
    in_field = bool(request.user.role_names() & FIELD_ROLES)
    own_grids = (
        Assignment.objects.filter(user=request.user, end_date__isnull=True, area__level=AreaLevel.GRID)
        .select_related("area")
        .order_by("start_date")
    )
    return render(
        request,
        "incidents/report.html",
        {
            "in_field": in_field,
            "category_groups": _category_groups(),
            "own_grids": [a.area for a in own_grids],
            "sources": [(s.value, s.label) for s in DESK_SOURCES],
            "townships": selectors.townships_for(request.user),
        },
    )


@login_required
def my_reports(request):
    """我的上报: the cases I reported, newest first, with where each one stands."""
    cases = list(selectors.cases_for(request.user).filter(reporter=request.user).order_by("-id")[:100])
    for case in cases:
        case.colour = deadlines.colour(case, timezone.now())
    return render(request, "incidents/my_reports.html", {"cases": cases})
