"""Browser pages: the wall-screen dashboard (一屏观全域) and the grid map (一张图指挥).

Thin: the scope comes from `scope.resolve_scope` (403 for a role without these pages, 404 for an
area outside the viewer's scope), the figures from the panels (cached), the map's layers from
the JSON endpoints in `oversight.api`.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from grids.levels import AreaLevel

from . import panels
from .scope import resolve_scope, switchable_areas


@login_required
def dashboard(request):
    scope = resolve_scope(request.user, request.GET.get("area"))
    shown = [{"panel": p, "content": p.content(scope)} for p in panels.visible(request.user, scope)]
    return render(
        request,
        "oversight/dashboard.html",
        {
            "scope": scope,
            "panels": shown,
            "areas": switchable_areas(request.user),
            "wall": request.GET.get("wall") == "1",
        },
    )


@login_required
def panel(request, key):
    """One panel's body, for the page's HTMX polling."""
    scope = resolve_scope(request.user, request.GET.get("area"))
    found = panels.find(request.user, scope, key)
    if found is None:
        raise Http404
    return render(
        request, "oversight/_panel_body.html", {"scope": scope, "panel": found, "content": found.content(scope)}
    )


@login_required
def grid_map(request):
    scope = resolve_scope(request.user, request.GET.get("area"))
    levels = [AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GRID]
    shown_levels = levels[levels.index(scope.child_level) :] if scope.child_level in levels else [AreaLevel.GRID]
    if scope.is_city:  # a city's map: counties, townships, villages (tens of thousands of grids are a county's)
        shown_levels = shown_levels[:3]
    config = {
        "area": scope.area.id,
        "levels": [{"level": lv, "label": str(AreaLevel(lv).label)} for lv in shown_levels],
        "areasUrl": reverse("oversight-map-areas"),
        "casesUrl": reverse("oversight-map-cases"),
        "center": [scope.area.center_lat, scope.area.center_lng] if scope.area.center_lat is not None else None,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileCrs": settings.MAP_TILE_CRS,
        "boundaryCrs": settings.BOUNDARY_CRS,
    }
    return render(
        request,
        "oversight/map.html",
        {"scope": scope, "config": config, "areas": switchable_areas(request.user)},
    )
