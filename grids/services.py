"""Every write to areas and assignments: one transaction each, checked, with grants kept in
step. Households live in `household_services`.

The rules themselves are the public `check_*` functions: pure (the caller brings any facts from
the database), reporting every problem at once as ValidationError({field: [messages]}). The
services and the spreadsheet import (`grids.transfer.importers`) both call them, so a rule and
its message live in one place."""

import functools
import operator
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.roles import Role

from . import spatial
from .codes import validate_area_code
from .levels import ROOT_LEVELS, AreaLevel, child_level
from .models import Area, AreaNameChange, AreaUserPermission, Assignment
from .permissions import ROLE_AREA_PERMISSIONS, ROLE_LEVELS
from .scoping import forget_grants


def _raise(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    for key, messages in exc.message_dict.items():
        errors.setdefault(key, []).extend(messages)


def check_geometry(boundary, center_lat, center_lng) -> None:
    """A boundary (GeoJSON Polygon/MultiPolygon of [lng, lat] number pairs inside −180…180 /
    −90…90, a valid polygon) and a centre (both coordinates or neither, in range). Raises
    ValidationError with every field's messages."""
    errors: dict[str, list] = {}
    problem = spatial.coordinate_problem(boundary) if boundary is not None else None
    if problem:
        errors["boundary"] = [problem]
    elif boundary is not None:
        try:
            min_lng, min_lat, max_lng, max_lat = spatial.shape_of(boundary).bounds
        except ValueError as exc:
            errors["boundary"] = [str(exc)]
        else:
            if min_lng < -180 or max_lng > 180 or min_lat < -90 or max_lat > 90:
                errors["boundary"] = [_("边界坐标超出范围（经度 -180～180，纬度 -90～90）。")]
    if (center_lat is None) != (center_lng is None):
        errors["center_lat"] = [_("中心点的纬度和经度须同时填写。")]
    elif center_lat is not None:
        # written so that NaN fails too
        if not -90 <= center_lat <= 90:
            errors["center_lat"] = [_("中心点坐标超出范围。")]
        if not -180 <= center_lng <= 180:
            errors["center_lng"] = [_("中心点坐标超出范围。")]
    _raise(errors)


def check_new_area(
    *,
    level: str | None,
    code: str,
    name: str,
    parent_level: str | None = None,
    parent_code: str | None = None,
    code_taken: bool = False,
    boundary=None,
    center_lat=None,
    center_lng=None,
) -> None:
    """Every rule a new area must pass, without touching the database: the caller says whether
    `code` is taken. `parent_code` empty means a root (only a county may be one); a parent that is
    named but not known (`parent_level` None: the caller reports why) and a level that is not known
    (`level` None) skip the checks that need them. Raises ValidationError with every field's
    messages (keys: parent, level, code, name, boundary, center_lat, center_lng)."""
    errors: dict[str, list] = {}
    if level is not None:
        if not parent_code and level not in ROOT_LEVELS:
            errors["parent"] = [_("只有市级或县级区域可以没有上级。")]
        elif parent_level is not None and child_level(parent_level) != level:
            child = child_level(parent_level)
            errors["level"] = [
                _("%(parent)s下只能建%(child)s。")
                % {
                    "parent": AreaLevel(parent_level).label,
                    "child": AreaLevel(child).label if child else _("（无下级）"),
                }
            ]
    if not code:
        errors["code"] = [_("区划代码不能为空。")]
    elif code_taken:
        errors["code"] = [_("区划代码 %(code)s 已存在。") % {"code": code}]
    elif level in AreaLevel.values and (level in ROOT_LEVELS or parent_code):
        try:
            validate_area_code(level, code, parent_code or None)
        except ValidationError as exc:
            _merge(errors, exc)
    if not (name or "").strip():
        errors["name"] = [_("名称不能为空。")]
    try:
        check_geometry(boundary, center_lat, center_lng)
    except ValidationError as exc:
        _merge(errors, exc)
    _raise(errors)


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
    check_new_area(
        level=level,
        code=code,
        name=name,
        parent_level=parent.level if parent else None,
        parent_code=parent.code if parent else None,
        code_taken=Area.objects.filter(code=code).exists(),
        boundary=boundary,
        center_lat=center_lat,
        center_lng=center_lng,
    )
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
    check_geometry(area.boundary, area.center_lat, area.center_lng)
    area.save(update_fields=list(changes))
    if "boundary" in changes:
        transaction.on_commit(spatial.invalidate)
    return area


@transaction.atomic
def rename_area(*, area: Area, name: str, reason: str, actor) -> Area:
    """更正名称: an admin corrects an area's name, with the reason (the source of the right
    spelling); the change is kept in the append-only AreaNameChange record."""
    name, reason = (name or "").strip(), (reason or "").strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("请填写新名称。")]
    elif len(name) > Area._meta.get_field("name").max_length:
        errors["name"] = [_("名称不能超过 100 个字。")]
    if not reason:
        errors["reason"] = [_("请写明更正的依据（如民政部区划信息查询平台的名称）。")]
    _raise(errors)
    area = Area.objects.select_for_update().defer("boundary").get(pk=area.pk)
    if name == area.name:
        _raise({"name": [_("新名称与现名称相同。")]})
    AreaNameChange.objects.create(area=area, old_name=area.name, new_name=name, reason=reason, actor=actor)
    area.name = name
    area.save(update_fields=["name"])
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


def can_hold(role: str, level: str) -> bool:
    """Whether `role` may be held on an area of `level` (see ROLE_LEVELS)."""
    return level in ROLE_LEVELS.get(role, ())


def check_start_date(start_date: date) -> None:
    """An assignment starts today or earlier."""
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("开始日期不能晚于今天。")})


def check_assignment(
    *,
    role: str,
    area_level: str,
    area_name: str = "",
    start_date: date | None = None,
    holds_already: bool = False,
    sitting_worker=None,
    last_end: date | None = None,
) -> None:
    """Every rule a new assignment must pass, without touching the database. The caller gives
    the facts about the area's assignments: whether this person already holds the role there
    (`holds_already`), its active grid worker (`sitting_worker`, a user or None) and the latest
    end date of its grid workers' ended assignments (`last_end`). `start_date` None: not known
    (the caller reports why). Raises ValidationError with every field's messages (keys: role,
    area, start_date, user); when the role does not fit the area the facts are not looked at."""
    errors: dict[str, list] = {}
    if role not in Role.values:
        errors["role"] = [_("未知角色。")]
    elif not can_hold(role, area_level):
        errors["area"] = [
            _("%(role)s不能任职于%(level)s。") % {"role": Role(role).label, "level": AreaLevel(area_level).label}
        ]
    if start_date is not None:
        try:
            check_start_date(start_date)
        except ValidationError as exc:
            _merge(errors, exc)
    if "role" in errors or "area" in errors:
        _raise(errors)
    if holds_already:
        errors["user"] = [_("此人已在该区域担任该角色。")]
    if role == Role.GRID_WORKER:
        if sitting_worker is not None:
            errors["area"] = [
                _("网格“%(area)s”已有在任网格员 %(user)s，请先结束或改用调整。")
                % {"area": area_name, "user": sitting_worker}
            ]
        elif last_end is not None and start_date is not None and last_end > start_date:
            errors.setdefault("start_date", []).append(_("开始日期与该网格已有的任职记录重叠。"))
    _raise(errors)


@transaction.atomic
def assign(*, user, area: Area, role: str, start_date: date | None = None, actor=None) -> Assignment:
    """Put `user` in `role` on `area` from `start_date` (default today, never in the future)."""
    start_date = start_date or timezone.localdate()
    # what needs no lock first; then the facts, read under the area's lock (it serialises assignments of one area)
    check_assignment(role=role, area_level=area.level, area_name=area.name, start_date=start_date)
    area = Area.objects.select_for_update().get(pk=area.pk)
    same_role = Assignment.objects.filter(area=area, role=role)
    sitting_worker = last_end = None
    if role == Role.GRID_WORKER:
        current = same_role.filter(end_date__isnull=True).select_related("user").first()
        sitting_worker = current.user if current else None
        last_end = same_role.aggregate(last=Max("end_date"))["last"]
    check_assignment(
        role=role,
        area_level=area.level,
        area_name=area.name,
        start_date=start_date,
        holds_already=same_role.filter(user=user, end_date__isnull=True).exists(),
        sitting_worker=sitting_worker,
        last_end=last_end,
    )
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
