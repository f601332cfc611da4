"""Who acts for a handling unit, and who hears about it.

Township and village units are manned by whoever is assigned there (the assignment record is
the truth); departments list their members; the command centre is its operators and leaders.
"""

from governance.roles import Role
from grids.models import Assignment
from grids.scoping import VIEW, in_scope

from .constants import UnitKind

UNIT_ROLES = {
    UnitKind.COMMAND_CENTRE: (Role.COMMAND_OPERATOR, Role.COMMAND_LEADER),
    UnitKind.TOWNSHIP: (Role.TOWNSHIP_OFFICER,),
    UnitKind.VILLAGE: (Role.VILLAGE_HEAD, Role.GRID_LEADER),
    UnitKind.DEPARTMENT: (Role.DEPARTMENT_OFFICER,),
}
COMMAND_ROLES = UNIT_ROLES[UnitKind.COMMAND_CENTRE]
HANDLER_ROLES = (Role.TOWNSHIP_OFFICER, Role.VILLAGE_HEAD, Role.GRID_LEADER, Role.DEPARTMENT_OFFICER)


def member_unit_ids(user) -> set[int]:
    """Department units the user is a member of (one query, cached on the user object)."""
    if "_unit_ids" not in user.__dict__:
        user.__dict__["_unit_ids"] = set(user.units.values_list("id", flat=True))
    return user.__dict__["_unit_ids"]


def acts_for(user, unit) -> bool:
    """True when `user` may act on behalf of `unit` (sign for, handle, return its cases)."""
    if unit is None:
        return False
    if user.is_superuser:
        return True
    if not set(UNIT_ROLES[unit.kind]) & user.role_names():
        return False
    if unit.kind == UnitKind.DEPARTMENT:
        return unit.id in member_unit_ids(user)
    return in_scope(user, VIEW, unit.area)


def people_of(unit):
    """The users who hear about a unit's cases (active assignments on its area, or members)."""
    from governance.models import User

    if unit is None:
        return User.objects.none()
    if unit.kind == UnitKind.DEPARTMENT:
        return unit.members.filter(is_active=True)
    user_ids = Assignment.objects.filter(
        area_id=unit.area_id, role__in=UNIT_ROLES[unit.kind], end_date__isnull=True
    ).values("user_id")
    return User.objects.filter(pk__in=user_ids, is_active=True)


def people_of_units(units) -> dict[int, list[int]]:
    """unit id → ids of the active users who hear about it, for many units in two queries."""
    from .models import Unit

    units = [u for u in units if u is not None]
    found: dict[int, list[int]] = {u.id: [] for u in units}
    by_area = {(u.area_id, role): u.id for u in units if u.kind != UnitKind.DEPARTMENT for role in UNIT_ROLES[u.kind]}
    if by_area:
        rows = Assignment.objects.filter(
            area_id__in={a for a, _r in by_area},
            role__in={r for _a, r in by_area},
            end_date__isnull=True,
            user__is_active=True,
        ).values_list("area_id", "role", "user_id")
        for area_id, role, user_id in rows:
            if (area_id, role) in by_area:
                found[by_area[area_id, role]].append(user_id)
    departments = [u.id for u in units if u.kind == UnitKind.DEPARTMENT]
    if departments:
        members = Unit.members.through.objects.filter(unit_id__in=departments, user__is_active=True)
        for unit_id, user_id in members.values_list("unit_id", "user_id"):
            found[unit_id].append(user_id)
    return found


def centre_of(county_id):
    """The command centre of a county (a prefecture has one per county); where the county has
    none, the installation's first one (a single county whose centre sits elsewhere)."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import Unit

    return (
        Unit.objects.filter(kind=UnitKind.COMMAND_CENTRE)
        .annotate(own=Case(When(area_id=county_id, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "id")
        .first()
    )
