"""Which area an oversight page (the dashboard, the map) shows, and who may open one.

A page shows one area — the county for the command centre, a township for its officer, the city
for a city's command centre (a prefecture) — and every figure on it is a filter on that area's
column of the case table (`county_id`, `township_id`, `village_id`: an indexed equality; a city's
is `county_id IN (its counties)`, and its children are the counties). The area comes from `?area=<id>` or, by
default, from the viewer's outermost grant; an area outside the viewer's scope is a 404.
"""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from grids.levels import AreaLevel, child_level
from grids.models import Area
from grids.scoping import VIEW, granted_areas

from .links import cases_url

# Who opens the dashboard and the map: the command centre, township officers, village station heads
# (their village) and admins — settings.OVERSIGHT_ROLES, which the navigation uses too.
OVERSIGHT_ROLES = tuple(settings.OVERSIGHT_ROLES)

# Levels a page can show (a grid is too small for a dashboard; its cases are one list).
SHOWN_LEVELS = (AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)

GENERATION_KEY = "oversight:generation"
CASE_COLUMN = {AreaLevel.COUNTY: "county_id", AreaLevel.TOWNSHIP: "township_id", AreaLevel.VILLAGE: "village_id"}
CHILD_COLUMN = {
    AreaLevel.CITY: "county_id",
    AreaLevel.COUNTY: "township_id",
    AreaLevel.TOWNSHIP: "village_id",
    AreaLevel.VILLAGE: "grid_id",
}


def counties_of(city: Area) -> tuple[int, ...]:
    return tuple(
        Area.objects.filter(path__startswith=city.path, level=AreaLevel.COUNTY).order_by("path").values_list(
            "id", flat=True
        )
    )


@dataclass(frozen=True)
class OversightScope:
    """The area a page shows; `cases_filter` and `child_filter` are keyword filters on Case (and
    on every row with area columns: policies, claims, credit, care)."""

    area: Area
    counties: tuple[int, ...] = ()  # a city's: the ids of its counties

    @classmethod
    def of(cls, area: Area) -> "OversightScope":
        return cls(area, counties_of(area) if area.level == AreaLevel.CITY else ())

    @property
    def is_city(self) -> bool:
        return self.area.level == AreaLevel.CITY

    @property
    def cases_filter(self) -> dict:
        if self.is_city:
            return {"county_id__in": list(self.counties)}
        return {CASE_COLUMN[self.area.level]: self.area.id}

    @property
    def child_column(self) -> str:
        return CHILD_COLUMN[self.area.level]

    @property
    def child_level(self) -> str:
        return child_level(self.area.level)

    def cases_url(self, **filters) -> str:
        """The desk's list of this area's cases with `filters`."""
        return cases_url(self.area.level, self.area.id, **filters)

    @cached_property
    def cache_key(self) -> str:
        """The area, under the current generation of cached figures (see `forget_cached_figures`)."""
        return f"g{cache.get_or_set(GENERATION_KEY, 1, timeout=None)}:area{self.area.id}"


def forget_cached_figures() -> None:
    """Make every cached figure, count and boundary of the oversight pages stale at once (after a
    bulk import, and between tests) without touching the rest of the cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value starts a new generation
        cache.set(GENERATION_KEY, 2, timeout=None)


def may_oversee(user) -> bool:
    return user.is_superuser or bool(set(OVERSIGHT_ROLES) & user.role_names())


def _default_area(user) -> Area:
    grants = granted_areas(user, VIEW)
    if grants is None:
        area = Area.objects.filter(level__in=SHOWN_LEVELS).defer("boundary").order_by("path").first()
    else:
        shown = [g for g in grants if g.level in SHOWN_LEVELS]
        area = Area.objects.defer("boundary").get(pk=shown[0].area_id) if shown else None
    if area is None:
        raise Http404(_("没有可显示的区域。"))
    return area


def resolve_scope(user, area_id=None) -> OversightScope:
    """The scope of an oversight page for `user`: 403 for a role that has no such page, 404 for
    an area that does not exist, is not a county/township/village, or lies outside the scope."""
    if not may_oversee(user):
        raise PermissionDenied(_("您的角色无权查看全域监管页面。"))
    if area_id in (None, ""):
        return OversightScope.of(_default_area(user))
    try:
        pk = int(area_id)
    except (TypeError, ValueError):
        raise Http404(_("区域不存在。")) from None
    area = Area.objects.restrict(user, VIEW).filter(pk=pk, level__in=SHOWN_LEVELS).defer("boundary").first()
    if area is None:
        raise Http404(_("区域不存在。"))
    return OversightScope.of(area)


def switchable_areas(user):
    """Areas the viewer may switch the page to: their scope's city/counties/townships (small list)."""
    return (
        Area.objects.restrict(user, VIEW)
        .filter(level__in=[AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP])
        .only("id", "name", "level", "path")
    )
