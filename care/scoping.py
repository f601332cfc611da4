"""Who may see key people: the area grants say where (grids' `restrict`), the care roles say
whether. A user sees a plan only inside the areas of their active assignments in one of
`CARE_ROLES`, so an insurer, the credit cooperative, a credit group or a department never does,
even where they hold other grants. Anything outside answers 404, like a missing record."""

from grids.levels import AreaLevel
from grids.models import Assignment
from grids.scoping import VIEW, Grant, grant_covers, granted_areas, in_scope, scope_q, with_counties

from .constants import CARE_ROLES


def care_grants(user) -> list[Grant] | None:
    """The outermost areas of the user's care-role assignments; None means everywhere."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_area_grants", {})
    if "care" not in cache:
        rows = (
            Assignment.objects.filter(user=user, role__in=CARE_ROLES, end_date__isnull=True)
            .exclude(area__level=AreaLevel.MICRO_GRID)
            .values_list("area_id", "area__level", "area__path")
            .order_by("area__path")
        )
        grants: list[Grant] = []
        for area_id, level, path in rows:
            if not any(path.startswith(g.path) for g in grants):
                grants.append(Grant(area_id, level, path))
        cache["care"] = with_counties(grants)
    return cache["care"]


def restrict_care(queryset, user):
    """`queryset` (of a model with area columns) cut to the user's care scope."""
    grants = care_grants(user)
    if grants is None:
        return queryset
    if not grants or not granted_areas(user, VIEW):
        return queryset.none()
    return queryset.restrict(user, VIEW).filter(scope_q(queryset.model, grants))


def may_see(user, obj) -> bool:
    grants = care_grants(user)
    if grants is None:
        return True
    fields = obj.area_fields
    return in_scope(user, VIEW, obj) and any(grant_covers(g, fields, obj) for g in grants)
