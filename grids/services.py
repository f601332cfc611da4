"""Every write to areas and assignments: one transaction each, checked, with grants kept in
step. Households live in `household_services`."""

import functools
import operator
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.roles import Role

from . import spatial
from .codes import validate_area_code
from .levels import AreaLevel, child_level
from .models import Area, AreaUserPermission, Assignment
from .permissions import ROLE_AREA_PERMISSIONS
from .scoping import forget_grants

# The roles a level can hold: a grid worker sits on a base grid (or micro-grid), a village
# head / grid leader / grid police officer on a village, officers on a township or the county.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.GRID_WORKER: {AreaLevel.GRID, AreaLevel.MICRO_GRID},
    Role.GRID_LEADER: {AreaLevel.VILLAGE, AreaLevel.GRID},
    Role.GRID_POLICE: {AreaLevel.VILLAGE, AreaLevel.GRID},
    Role.VILLAGE_HEAD: {AreaLevel.VILLAGE},
    Role.TOWNSHIP_OFFICER: {AreaLevel.TOWNSHIP},
    Role.COMMAND_OPERATOR: {AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
    Role.COMMAND_LEADER: {AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
    Role.DEPARTMENT_OFFICER: {AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
    Role.ADMIN: {AreaLevel.COUNTY},
    Role.INSURER: {AreaLevel.COUNTY},
    Role.CREDIT_COOPERATIVE: {AreaLevel.COUNTY, AreaLevel.TOWNSHIP},
    Role.CREDIT_COMMITTEE: {AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE},
}


def _validate_geometry(boundary, center_lat, center_lng):
    errors = {}
    if boundary is not None:
        try:
            spatial.shape_of(boundary)
        except ValueError as exc:
            errors["boundary"] = str(exc)
    if (center_lat is None) != (center_lng is None):
        errors["center_lat"] = _("中心点的纬度和经度须同时填写。")
    elif center_lat is not None and not (-90 <= center_lat <= 90 and -180 <= center_lng <= 180):
        errors["center_lat"] = _("中心点坐标超出范围。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_area(
    *,
    parent: Area | None,
    level: str,
    code: str,
    name: str,
    boundary=None,
    center_lat=None,
    center_lng=None,
    population: int = 0,
    household_count: int = 0,
) -> Area:
    """Add a node under `parent` (or a county root). Raises ValidationError with field messages."""
    if parent is None and level != AreaLevel.COUNTY:
        raise ValidationError({"parent": _("只有县级区域可以没有上级。")})
    if parent is not None and child_level(parent.level) != level:
        raise ValidationError(
            {
                "level": _("%(parent)s下只能建%(child)s。")
                % {
                    "parent": parent.get_level_display(),
                    "child": AreaLevel(child_level(parent.level)).label
                    if child_level(parent.level)
                    else _("（无下级）"),
                }
            }
        )
    if not name.strip():
        raise ValidationError({"name": _("名称不能为空。")})
    validate_area_code(level, code, parent.code if parent else None)
    if Area.objects.filter(code=code).exists():
        raise ValidationError({"code": _("区划代码 %(code)s 已存在。") % {"code": code}})
    _validate_geometry(boundary, center_lat, center_lng)
    fields = dict(
        code=code,
        name=name.strip(),
        level=level,
        boundary=boundary,
        center_lat=center_lat,
        center_lng=center_lng,
        population=population,
        household_count=household_count,
    )
    if parent is None:
        area = Area.objects.add_root(fields)
    else:
        area = Area.objects.add_child(Area.objects.select_for_update().get(pk=parent.pk), fields)
    if boundary is not None:
        transaction.on_commit(spatial.invalidate)
    return area


@transaction.atomic
def update_area(*, area: Area, **changes) -> Area:
    """Change name, boundary, centre or counts (never code or place in the tree)."""
    allowed = {"name", "boundary", "center_lat", "center_lng", "population", "household_count"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: _("该字段不能修改。") for f in unknown})
    area = Area.objects.select_for_update().get(pk=area.pk)
    for field, value in changes.items():
        setattr(area, field, value)
    _validate_geometry(area.boundary, area.center_lat, area.center_lng)
    area.save(update_fields=list(changes))
    if "boundary" in changes:
        transaction.on_commit(spatial.invalidate)
    return area


def sync_grants(user) -> None:
    """Make the user's guardian rows on area nodes equal what their active assignments give."""
    wanted: set[tuple[int, int]] = set()
    active = list(Assignment.objects.filter(user=user, end_date__isnull=True).values_list("area_id", "role"))
    codenames = {c for _area, role in active for c in ROLE_AREA_PERMISSIONS.get(role, ())}
    perm_ids = dict(
        Permission.objects.filter(content_type__app_label="grids", codename__in=codenames).values_list("codename", "id")
    )
    for area_id, role in active:
        wanted |= {(area_id, perm_ids[c]) for c in ROLE_AREA_PERMISSIONS.get(role, ())}
    have = set(AreaUserPermission.objects.filter(user=user).values_list("content_object_id", "permission_id"))
    stale = have - wanted
    if stale:
        AreaUserPermission.objects.filter(user=user).filter(
            functools.reduce(operator.or_, (Q(content_object_id=a, permission_id=p) for a, p in stale))
        ).delete()
    AreaUserPermission.objects.bulk_create(
        [AreaUserPermission(user=user, content_object_id=a, permission_id=p) for a, p in wanted - have]
    )
    roles = {role for _area, role in active}
    user.groups.remove(*Group.objects.filter(name__in=set(Role.values) - roles))
    user.groups.add(*Group.objects.filter(name__in=roles))
    user.__dict__.pop("_role_names", None)
    forget_grants(user)


@transaction.atomic
def assign(*, user, area: Area, role: str, start_date: date | None = None, actor=None) -> Assignment:
    """Put `user` in `role` on `area` from `start_date` (default today, never in the future)."""
    today = timezone.localdate()
    start_date = start_date or today
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if area.level not in ROLE_LEVELS[role]:
        raise ValidationError(
            {"area": _("%(role)s不能任职于%(level)s。") % {"role": Role(role).label, "level": area.get_level_display()}}
        )
    if start_date > today:
        raise ValidationError({"start_date": _("开始日期不能晚于今天。")})
    area = Area.objects.select_for_update().get(pk=area.pk)  # serialises assignments of one area
    if Assignment.objects.filter(user=user, area=area, role=role, end_date__isnull=True).exists():
        raise ValidationError({"user": _("此人已在该区域担任该角色。")})
    if role == Role.GRID_WORKER:
        current = Assignment.objects.filter(area=area, role=role, end_date__isnull=True).first()
        if current:
            raise ValidationError(
                {
                    "area": _("网格“%(area)s”已有在任网格员 %(user)s，请先结束或改用调整。")
                    % {"area": area.name, "user": current.user}
                }
            )
        if Assignment.objects.filter(area=area, role=role, end_date__gt=start_date).exists():
            raise ValidationError({"start_date": _("开始日期与该网格已有的任职记录重叠。")})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                user=user, area=area, role=role, start_date=start_date, assigned_by=actor
            )
    except IntegrityError:
        raise ValidationError({"area": _("该网格已有在任网格员。")}) from None
    sync_grants(user)
    return assignment


@transaction.atomic
def end_assignment(*, assignment: Assignment, end_date: date | None = None, reason: str = "", actor=None) -> Assignment:
    """End an assignment: from `end_date` (default today) the person is no longer responsible."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    end_date = end_date or timezone.localdate()
    if assignment.end_date is not None:
        raise ValidationError({"end_date": _("该任职已经结束。")})
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("结束日期不能晚于今天。")})
    assignment.end_date, assignment.ended_by, assignment.end_reason = end_date, actor, reason
    assignment.save(update_fields=["end_date", "ended_by", "end_reason"])
    sync_grants(assignment.user)
    return assignment


@transaction.atomic
def transfer(
    *, assignment: Assignment, to_area: Area, on: date | None = None, reason: str = "", actor=None
) -> Assignment:
    """Move a person to another area in the same role: end the old, start the new, same day."""
    on = on or timezone.localdate()
    end_assignment(
        assignment=assignment, end_date=on, reason=reason or _("调整至%(area)s") % {"area": to_area.name}, actor=actor
    )
    return assign(user=assignment.user, area=to_area, role=assignment.role, start_date=on, actor=actor)
