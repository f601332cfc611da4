"""Neighbour help and watch units, with history.

- **家家帮** (Ankang): a household able to help is paired with an elderly, weak, sick or disabled
  one for a period [start_date, end_date); each help given is logged by kind (卫生保洁, 临时看护,
  代办业务 …) in an append-only table.
- **挨户防** units of about 15 households with a unit leader (户防长), and Jiashan's micro-grids of
  10–20 households with a micro-grid leader (微网格长): a household belongs to at most one unit
  of each kind at a time; members and leaders are kept as periods, so "who was the leader on
  day D" is `leader_on(unit, D)`. Appointing a new leader ends the previous term when the new
  one starts (terms are [start_date, end_date), like grid assignments).

All on one base grid: the pair's households and a unit's members live on the unit's village.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Household, Resident
from grids.scoping import CHANGE, in_scope

from .constants import NEIGHBOUR_ROLES, HelpKind, NeedKind, UnitKind
from .models import HelpLog, HelpPair, UnitLeader, UnitMember, WatchUnit
from .scoping import may_see

MAX_HOUSEHOLDS = 20  # 挨户防: about 15; micro-grid: 10–20


def _check_actor(actor, row) -> None:
    if not (actor.is_superuser or set(NEIGHBOUR_ROLES) & actor.role_names()) or not in_scope(actor, CHANGE, row):
        raise PermissionDenied(_("只有本村网格员、村网格站或乡镇可以登记。"))


def _households(actor, ids, field: str) -> list[Household]:
    found = Household.objects.select_for_update().in_bulk(ids)
    if len(found) != len(set(ids)) or not all(may_see(actor, h) for h in found.values()):
        raise ValidationError({field: _("户不存在。")})
    return [found[i] for i in ids]


def _area(row) -> dict:
    return {k: getattr(row, k) for k in ("county_id", "township_id", "village_id", "grid_id")}


@transaction.atomic
def pair(*, actor, helper_id: int, helped_id: int, need: str, start_date: dt.date | None = None) -> HelpPair:
    errors = {}
    if need not in NeedKind.values:
        errors["need"] = _("请选择受助原因。")
    if helper_id == helped_id:
        errors["helped"] = _("帮扶户和受助户不能是同一户。")
    if errors:
        raise ValidationError(errors)
    helper, helped = _households(actor, [helper_id, helped_id], "helped")
    if helper.village_id != helped.village_id:
        raise ValidationError({"helper": _("结对的两户须在同一个村/社区。")})
    _check_actor(actor, helped)
    row = HelpPair(
        helper=helper,
        helped=helped,
        need=need,
        start_date=start_date or timezone.localdate(),
        created_by=actor,
        **_area(helped),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"helped": _("这两户已经结对。")}) from None
    return row


def _locked(actor, model, pk):
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None or not may_see(actor, row):
        raise Http404
    _check_actor(actor, row)
    return row


@transaction.atomic
def end_pair(*, actor, pair_id: int, reason: str, end_date: dt.date | None = None) -> HelpPair:
    row = _locked(actor, HelpPair, pair_id)
    end_date = end_date or timezone.localdate()
    if row.end_date is not None:
        raise ValidationError({"pair": _("该结对已解除。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写解除原因。")})
    if end_date < row.start_date:
        raise ValidationError({"end_date": _("解除日期不能早于结对日期。")})
    row.end_date, row.end_reason = end_date, reason.strip()[:200]
    row.save(update_fields=["end_date", "end_reason"])
    return row


@transaction.atomic
def log_help(*, actor, pair_id: int, kind: str, helped_on: dt.date, note: str = "") -> HelpLog:
    row = _locked(actor, HelpPair, pair_id)
    errors = {}
    if kind not in HelpKind.values:
        errors["kind"] = _("请选择帮扶内容。")
    if helped_on is None or helped_on > timezone.localdate():
        errors["helped_on"] = _("日期不能晚于今天。")
    elif not (row.start_date <= helped_on and (row.end_date is None or helped_on < row.end_date)):
        errors["helped_on"] = _("日期不在结对期间内。")
    if errors:
        raise ValidationError(errors)
    return HelpLog.objects.create(
        pair=row, kind=kind, helped_on=helped_on, note=(note or "").strip()[:200], recorded_by=actor
    )


@transaction.atomic
def create_unit(
    *, actor, kind: str, name: str, household_ids: list[int], start_date: dt.date | None = None
) -> WatchUnit:
    """A unit with its first member households (all on one base grid)."""
    errors = {}
    if kind not in UnitKind.values:
        errors["kind"] = _("请选择单元类型。")
    if not (name or "").strip():
        errors["name"] = _("请填写单元名称。")
    if not household_ids:
        errors["households"] = _("请选择成员户。")
    if errors:
        raise ValidationError(errors)
    households = _households(actor, list(dict.fromkeys(household_ids)), "households")
    if len({h.grid_id for h in households}) > 1:
        raise ValidationError({"households": _("单元的成员户须在同一个网格。")})
    _check_actor(actor, households[0])
    unit = WatchUnit.objects.create(kind=kind, name=name.strip()[:50], created_by=actor, **_area(households[0]))
    _add(unit, households, start_date or timezone.localdate())
    return unit


def _add(unit, households, start_date) -> None:
    current = UnitMember.objects.filter(unit=unit, end_date__isnull=True).count()
    if current + len(households) > MAX_HOUSEHOLDS:
        raise ValidationError({"households": _("一个单元最多 %(n)d 户。") % {"n": MAX_HOUSEHOLDS}})
    if any(h.grid_id != unit.grid_id for h in households):
        raise ValidationError({"households": _("单元的成员户须在同一个网格。")})
    try:
        with transaction.atomic():
            UnitMember.objects.bulk_create(
                UnitMember(unit=unit, household=h, kind=unit.kind, start_date=start_date) for h in households
            )
    except IntegrityError:
        raise ValidationError({"households": _("有的户已在另一个同类单元中，请先让其退出。")}) from None


@transaction.atomic
def add_members(*, actor, unit_id: int, household_ids: list[int], start_date: dt.date | None = None) -> WatchUnit:
    unit = _locked(actor, WatchUnit, unit_id)
    _add(unit, _households(actor, list(dict.fromkeys(household_ids)), "households"), start_date or timezone.localdate())
    return unit


@transaction.atomic
def remove_member(*, actor, unit_id: int, household_id: int, end_date: dt.date | None = None) -> UnitMember:
    unit = _locked(actor, WatchUnit, unit_id)
    member = UnitMember.objects.filter(unit=unit, household_id=household_id, end_date__isnull=True).first()
    if member is None:
        raise ValidationError({"household": _("该户不在本单元。")})
    member.end_date = max(end_date or timezone.localdate(), member.start_date)
    member.save(update_fields=["end_date"])
    return member


@transaction.atomic
def appoint_leader(*, actor, unit_id: int, resident_id: int, start_date: dt.date | None = None) -> UnitLeader:
    """户防长 / 微网格长: a resident of a member household; the previous term ends as this one starts."""
    unit = _locked(actor, WatchUnit, unit_id)
    start_date = start_date or timezone.localdate()
    resident = Resident.objects.filter(pk=resident_id).first()
    members = UnitMember.objects.filter(unit=unit, end_date__isnull=True).values_list("household_id", flat=True)
    if resident is None or resident.household_id not in set(members):
        raise ValidationError({"resident": _("户防长/微网格长须是本单元成员户的居民。")})
    previous = UnitLeader.objects.select_for_update().filter(unit=unit, end_date__isnull=True).first()
    if previous is not None:
        if start_date <= previous.start_date:
            raise ValidationError({"start_date": _("新任期须晚于上一任的开始日期。")})
        previous.end_date = start_date
        previous.save(update_fields=["end_date"])
    return UnitLeader.objects.create(unit=unit, resident=resident, start_date=start_date, appointed_by=actor)


def leader_on(unit: WatchUnit, day: dt.date) -> UnitLeader | None:
    """Who led `unit` on `day` (history kept: ended terms count for their days)."""
    return (
        UnitLeader.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=day), unit=unit, start_date__lte=day)
        .select_related("resident")
        .order_by("-start_date")
        .first()
    )


def members_on(unit: WatchUnit, day: dt.date):
    return UnitMember.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day), unit=unit, start_date__lte=day
    ).select_related("household")
