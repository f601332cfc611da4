"""平安志愿者 and the points exchange (Wucheng): register, log service hours (points per hour in
`VolunteerRules`), exchange points for goods at the village's point shop.

The ledger: every movement is a `PointsMovement` row that is never edited (a PostgreSQL trigger
refuses UPDATE and DELETE) and records the balance after it; the volunteer's `balance` is the
running total. A movement locks the volunteer's row (SELECT … FOR UPDATE) before reading the
balance, so two concurrent spends of the last points run one after the other and the second
sees the lowered balance and is refused; check constraints (balance ≥ 0, stock ≥ 0) are the
database's own backstop.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.contributions import Contribution
from grids.models import Resident
from grids.scoping import CHANGE, in_scope

from .constants import VOLUNTEER_ROLES, MovementKind
from .models import PointsMovement, ShopItem, Volunteer, VolunteerRules
from .scoping import may_see

CREDIT_ITEM = "volunteer"  # the credit rule item 微治理志愿者 (credit/rules.py)


def _check_actor(actor, row) -> None:
    if not (actor.is_superuser or set(VOLUNTEER_ROLES) & actor.role_names()) or not in_scope(actor, CHANGE, row):
        raise PermissionDenied(_("只有本村网格员、村网格站或乡镇可以办理志愿者事务。"))


@transaction.atomic
def register(*, actor, resident_id: int, skills: str = "") -> Volunteer:
    resident = Resident.objects.select_related("household").filter(pk=resident_id).first()
    if resident is None or not may_see(actor, resident.household):
        raise ValidationError({"resident": _("居民不存在。")})
    household = resident.household
    _check_actor(actor, household)
    volunteer = Volunteer(
        resident=resident,
        household=household,
        skills=(skills or "").strip()[:200],
        registered_by=actor,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        grid_id=household.grid_id,
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise ValidationError({"resident": _("该居民已是志愿者。")}) from None
    return volunteer


def _locked(actor, volunteer_id) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
    if volunteer is None or not may_see(actor, volunteer):
        raise Http404
    _check_actor(actor, volunteer)
    if not volunteer.is_active:
        raise ValidationError({"volunteer": _("该志愿者已不在册。")})
    return volunteer


def _movement(volunteer, **fields) -> PointsMovement:
    return PointsMovement.objects.create(
        volunteer=volunteer,
        balance_after=volunteer.balance,
        county_id=volunteer.county_id,
        township_id=volunteer.township_id,
        village_id=volunteer.village_id,
        grid_id=volunteer.grid_id,
        **fields,
    )


@transaction.atomic
def log_service(*, actor, volunteer_id: int, hours: Decimal, served_on: dt.date, note: str) -> PointsMovement:
    """服务登记: hours served on a day earn points (hours × points per hour, rounded down)."""
    errors = {}
    if hours is None or not Decimal("0.5") <= hours <= Decimal(24):
        errors["hours"] = _("服务时长须在 0.5–24 小时之间。")
    if served_on is None or served_on > timezone.localdate():
        errors["served_on"] = _("服务日期不能晚于今天。")
    if not (note or "").strip():
        errors["note"] = _("请填写服务内容。")
    if errors:
        raise ValidationError(errors)
    volunteer = _locked(actor, volunteer_id)
    points = int(hours * VolunteerRules.current().points_per_hour)
    if points < 1:
        raise ValidationError({"hours": _("服务时长太短，不计积分。")})
    volunteer.balance += points
    volunteer.hours += hours
    volunteer.save(update_fields=["balance", "hours"])
    return _movement(
        volunteer,
        kind=MovementKind.EARN,
        points=points,
        hours=hours,
        served_on=served_on,
        note=note.strip()[:200],
        actor=actor,
    )


@transaction.atomic
def exchange(*, actor, volunteer_id: int, item_id: int) -> PointsMovement:
    """兑换: the item's points leave the balance and one piece leaves the stock — or nothing
    happens (too few points, out of stock, another village's shop)."""
    volunteer = _locked(actor, volunteer_id)
    item = ShopItem.objects.select_for_update().filter(pk=item_id, is_active=True).first()
    if item is None or item.village_id != volunteer.village_id:
        raise ValidationError({"item": _("本村积分超市没有这件商品。")})
    if item.stock < 1:
        raise ValidationError({"item": _("该商品已兑完。")})
    if volunteer.balance < item.points:
        raise ValidationError(
            {"item": _("积分不足：余额 %(b)d 分，需要 %(p)d 分。") % {"b": volunteer.balance, "p": item.points}}
        )
    volunteer.balance -= item.points
    volunteer.save(update_fields=["balance"])
    ShopItem.objects.filter(pk=item.pk).update(stock=F("stock") - 1)
    return _movement(
        volunteer,
        kind=MovementKind.SPEND,
        points=-item.points,
        item=item,
        note=_("兑换：%(n)s") % {"n": item.name},
        actor=actor,
    )


def credit_contributions(since: dt.date, until: dt.date) -> list[Contribution]:
    """For governance credit (settings.CREDIT_CONTRIBUTIONS): a household whose volunteers served
    at least `credit_hours_per_year` hours in a calendar year proposes the 微治理志愿者 bonus once
    for that year (the key makes a rerun harmless). One aggregate query per year in the window."""
    threshold = VolunteerRules.current().credit_hours_per_year
    found = []
    for year in range(since.year, until.year + 1):
        rows = (
            PointsMovement.objects.filter(kind=MovementKind.EARN, served_on__year=year, served_on__lt=until)
            .values("volunteer__household_id")
            .annotate(hours=Sum("hours"))
            .filter(hours__gte=threshold)
            .order_by()
        )
        for r in rows:
            found.append(
                Contribution(
                    household_id=r["volunteer__household_id"],
                    item_code=CREDIT_ITEM,
                    occurred_on=dt.date(year, 12, 31) if year < until.year else until - dt.timedelta(days=1),
                    key=f"care.volunteer:{r['volunteer__household_id']}:{year}",
                    note=_("%(y)d 年平安志愿服务 %(h)s 小时") % {"y": year, "h": r["hours"]},
                )
            )
    return found
