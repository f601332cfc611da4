"""Every read of areas, assignments and households, scoped to the caller's areas."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from governance.roles import Role

from .identity import id_number_digest, parse_id_number
from .levels import LEVEL_ORDER, AreaLevel
from .models import Area, Assignment, Household, Resident, SpotCheck
from .scoping import CHANGE, VIEW, granted_areas, scope_q


def areas_for(user, perm: str = VIEW):
    return Area.objects.restrict(user, perm)


def subtree(area: Area, *, include_self: bool = True):
    """Everything under `area`, at any depth: one indexed path-prefix query."""
    qs = Area.objects.filter(path__startswith=area.path)
    return qs if include_self else qs.exclude(pk=area.pk)


def active_on(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


def responsible_on(grid: Area, day: date, role: str = Role.GRID_WORKER) -> Assignment | None:
    """Who held `role` on `grid` on `day` (history kept: ended assignments count for their days)."""
    return (
        Assignment.objects.filter(active_on(day), area=grid, role=role)
        .select_related("user")
        .order_by("-start_date")
        .first()
    )


def vacant_grids(user):
    """Base grids in the user's scope with no active grid worker."""
    staffed = Assignment.objects.filter(area=OuterRef("pk"), role=Role.GRID_WORKER, end_date__isnull=True)
    return areas_for(user).filter(level=AreaLevel.GRID).exclude(Exists(staffed))


def assignments_for(user, perm: str = VIEW):
    """Assignments on areas inside the user's scope."""
    grants = granted_areas(user, perm)
    qs = Assignment.objects.select_related("user", "area", "assigned_by")
    if grants is None:
        return qs
    return qs.filter(scope_q(Area, grants, prefix="area__")) if grants else qs.none()


def workers_to_spot_check(user):
    """The posts of grid workers in post on a base grid the user may change (whom they may
    spot-check), never the user's own."""
    return (
        assignments_for(user, CHANGE)
        .filter(role=Role.GRID_WORKER, end_date__isnull=True, area__level=AreaLevel.GRID)
        .exclude(user=user)
        .defer("area__boundary")
    )


def spot_checks_for(user):
    """抽查 rows inside the user's areas, with the people and the grid (no N+1)."""
    return (
        SpotCheck.objects.restrict(user, VIEW)
        .select_related("worker", "checked_by", "grid")
        .defer("grid__boundary")
    )


def people_for(user):
    """People who hold or held an assignment inside the user's scope, each with those assignments
    (`scoped_assignments`, oldest first, areas without boundaries) and groups prefetched."""
    held = assignments_for(user).filter(user=OuterRef("pk"))
    in_scope_assignments = assignments_for(user).defer("area__boundary").order_by("start_date", "id")
    return (
        get_user_model()
        .objects.filter(Exists(held))
        .prefetch_related(
            "groups", Prefetch("assignments", queryset=in_scope_assignments, to_attr="scoped_assignments")
        )
    )


def households_for(user, perm: str = VIEW):
    return Household.objects.restrict(user, perm).select_related("township", "village", "grid")


def residents_by_id_number(user, raw: str):
    """Exact-match search by ID number (through the keyed hash), within the user's scope."""
    digest = id_number_digest(parse_id_number(raw).value)
    grants = granted_areas(user, VIEW)
    qs = Resident.objects.filter(id_number_digest=digest).select_related("household")
    if grants is None:
        return qs
    return qs.filter(scope_q(Household, grants, prefix="household__")) if grants else qs.none()


def check_row_grid(grid: Area) -> None:
    """A household or a case is filed under a base grid or a micro-grid; ValidationError({"grid": …})."""
    if grid.level not in (AreaLevel.GRID, AreaLevel.MICRO_GRID):
        raise ValidationError({"grid": _("必须选择基础网格或微网格。")})


def lineage(grid: Area) -> list[Area]:
    """`grid`'s ancestors from the top, then `grid` itself: one query, without the polygons."""
    return [*Area.objects.get_ancestors(grid).defer("boundary"), grid]


def lineage_of(area_id) -> list[Area]:
    """`lineage` of the area `area_id`, the area itself read in the same query (an ancestor's path
    is a prefix of its own, one per level, matched on the path's index); [] when there is none."""
    own = Subquery(Area.objects.filter(pk=area_id).values("path"))
    prefixes = [Substr(own, 1, Area.steplen * depth) for depth in range(1, len(LEVEL_ORDER) + 1)]
    return list(Area.objects.filter(path__in=prefixes).defer("boundary").order_by("depth"))


def area_columns(grid: Area, lineage_of_grid: list[Area] | None = None) -> dict:
    """The area columns a row under `grid` carries (county, township, village, grid, micro);
    `lineage_of_grid` (see `lineage`) when the caller has it already."""
    check_row_grid(grid)
    ancestors = {a.level: a for a in (lineage_of_grid or lineage(grid))[:-1]}
    micro = grid if grid.level == AreaLevel.MICRO_GRID else None
    base = ancestors[AreaLevel.GRID] if micro else grid
    return {
        "county": ancestors[AreaLevel.COUNTY],
        "township": ancestors[AreaLevel.TOWNSHIP],
        "village": ancestors[AreaLevel.VILLAGE],
        "grid": base,
        "micro_grid": micro,
    }
