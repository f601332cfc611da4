"""Area scoping: the one way to get the rows a user may see or touch.

Permissions are granted with django-guardian on area nodes only. A grant on a node covers
its subtree: for areas it is a path-prefix filter, for business rows (which carry their
county / township / village / grid ids, see `area_fields`) an indexed equality filter.
`restrict(user, perm)` costs one query for all the user's grants, the first time any is asked
(cached on the user object), and adds a WHERE clause; `in_scope` checks one object in memory with no query.

A grant on a city (a prefecture in one installation) covers its counties: business rows carry
no city column, so such a grant carries the ids of the counties under it (`Grant.counties`, read
with one more query only when the user holds a city grant) and matches rows by `county_id`.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

VIEW = "view_area_records"
CHANGE = "change_area_records"
MANAGE_ASSIGNMENTS = "manage_assignments"
VIEW_IDENTITY = "view_identity"
VIEW_KEY_PERSONS = "view_key_persons"
VIEW_INSURANCE = "view_insurance_records"
VIEW_CREDIT = "view_credit_records"


CITY = "city"  # grids.levels.AreaLevel.CITY (levels imports nothing from here; kept plain)
COUNTY = "county"


@dataclass(frozen=True)
class Grant:
    area_id: int
    level: str
    path: str
    counties: tuple[int, ...] = ()  # a city's grant: the counties under it


def with_counties(grants: list[Grant]) -> list[Grant]:
    """`grants` with every city grant carrying the ids of its counties (one query, only when
    there is a city grant)."""
    cities = [g for g in grants if g.level == CITY]
    if not cities:
        return grants
    from .models import Area

    q = Q(pk__in=[])
    for g in cities:
        q |= Q(path__startswith=g.path)
    rows = Area.objects.filter(q, level=COUNTY).values_list("id", "path")
    return [
        Grant(g.area_id, g.level, g.path, tuple(i for i, p in rows if p.startswith(g.path)))
        if g.level == CITY
        else g
        for g in grants
    ]


def grant_covers(grant: Grant, area_fields: dict, obj) -> bool:
    """Whether one grant covers a loaded business row (by its area columns, in memory)."""
    if grant.level in area_fields:
        return getattr(obj, area_fields[grant.level]) == grant.area_id
    if grant.counties and COUNTY in area_fields:
        return getattr(obj, area_fields[COUNTY]) in grant.counties
    return False


def granted_areas(user, perm: str) -> list[Grant] | None:
    """The area nodes on which `user` holds `perm`, outermost only; None means everywhere."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_area_grants", {})  # (other kinds of grant beside: care's)
    if "area permissions" not in cache:
        cache["area permissions"] = _grants_by_perm(user)
    return cache["area permissions"].get(perm, [])


def _grants_by_perm(user) -> dict[str, list[Grant]]:
    """Every area permission of `user`, own and by group, with the outermost areas of each: one
    statement for all of them (a page asks for several: records, insurance, credit, approvals…),
    plus one when a grant is on a city. The union of two indexed lookups by user, each joined to
    its permission and area by primary key — not one OR over LEFT JOINs of both permission tables
    (17-35 ms on the demo county, on every request), nor semi-joins that walk every area (11 ms
    in a prefecture's 22,000)."""
    from .models import AreaGroupPermission, AreaUserPermission

    columns = ("permission__codename", "content_object_id", "content_object__level", "content_object__path")
    own = AreaUserPermission.objects.filter(user=user).values_list(*columns)
    groups = AreaGroupPermission.objects.filter(group__user=user).values_list(*columns)
    by_perm: dict[str, list[Grant]] = {}
    for codename, area_id, level, path in sorted(own.union(groups), key=lambda row: row[3]):
        grants = by_perm.setdefault(codename, [])
        if not any(path.startswith(g.path) for g in grants):  # by path: an ancestor comes before its subtree
            grants.append(Grant(area_id, level, path))
    counted = {g.area_id: g for g in with_counties(list({g for grants in by_perm.values() for g in grants}))}
    return {perm: [counted[g.area_id] for g in grants] for perm, grants in by_perm.items()}


def forget_grants(user) -> None:
    user.__dict__.pop("_area_grants", None)


def scope_q(model, grants: list[Grant], prefix: str = "") -> Q:
    """A Q object matching the rows of `model` inside any of `grants` (never call with None)."""
    q = Q(pk__in=[])
    area_fields = getattr(model, "area_fields", None)
    if area_fields is None:  # the Area model itself
        for g in grants:
            q |= Q(**{f"{prefix}path__startswith": g.path})
        return q
    by_level: dict[str, list[int]] = {}
    for g in grants:
        if g.level in area_fields:
            by_level.setdefault(g.level, []).append(g.area_id)
        elif g.counties and COUNTY in area_fields:  # a city: the rows of its counties
            by_level.setdefault(COUNTY, []).extend(g.counties)
    for level, ids in by_level.items():
        q |= Q(**{f"{prefix}{area_fields[level]}__in": ids})
    return q


def in_scope(user, perm: str, obj) -> bool:
    grants = granted_areas(user, perm)
    if grants is None:
        return True
    area_fields = getattr(obj, "area_fields", None)
    if area_fields is None:
        return any(obj.path.startswith(g.path) for g in grants)
    return any(grant_covers(g, area_fields, obj) for g in grants)


class ScopeMixin:
    def restrict(self, user, perm: str = VIEW):
        grants = granted_areas(user, perm)
        if grants is None:
            return self
        if not grants:
            return self.none()
        return self.filter(scope_q(self.model, grants))


class AreaScopedQuerySet(ScopeMixin, models.QuerySet):
    """QuerySet of a business model that carries `area_fields`."""


class AreaQuerySet(ScopeMixin, MP_NodeQuerySet):
    """QuerySet of the area tree (treebeard's, plus restrict)."""


class AreaManager(MP_NodeManager):
    def get_queryset(self):
        return AreaQuerySet(self.model).order_by("path")

    def restrict(self, user, perm: str = VIEW):
        return self.get_queryset().restrict(user, perm)
