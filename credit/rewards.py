"""三个10% safe-village rewards (Longyan), as data other departments query.

- A village designated 平安村 for a year (by the safe-area assessment through
  `designate_safe_village`, or by an admin) flags its households for the two 10% subsidies
  until the designation is withdrawn (`withdraw_safe_village`: the assessment revoked it):
  新农合 individual contribution subsidised 10%, basic pension of residents over 60 raised 10%.
  The pension raise goes to residents aged 60 or more on the day — age from the birth date of
  their ID number — who are enrolled in 新农保 (a `PensionEnrolment` on record).
- A law-abiding family (守法家庭) follows the household's current standing: its newest rating in
  effect on the day is neither vetoed nor has any deduction, and no veto weighs on it since
  (`standing.vetoes_in_force`) — an older, clean rating still valid does not make a vetoed
  household law-abiding. It gets its medical reimbursement ratio raised by 10 points.
The flags are computed in the database for a whole page of households (subqueries).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.safe_villages import SafeVillageSink
from grids.levels import AreaLevel
from grids.models import Area, Household, Resident
from grids.scoping import CHANGE, VIEW, in_scope

from . import rules
from .models import PensionEnrolment, SafeVillage
from .standing import confirmed_vetoes, current_ratings, vetoes_in_force
from .subjects import village_columns

SUBSIDY_PERCENT = 10
MEDICAL_BONUS_POINTS = 10


@transaction.atomic
def designate_safe_village(village: Area, year: int, source: str, actor=None) -> SafeVillage:
    """Record that `village` is a 平安村 for `year` (idempotent: a second call keeps the first
    record). The oversight app's safe-area assessment calls this; `actor` None means the platform."""
    if actor is not None and not actor.is_platform_admin:
        raise PermissionDenied(_("只有系统管理员可以登记平安村。"))
    errors = {}
    if village.level != AreaLevel.VILLAGE:
        errors["village"] = [_("请选择村或社区。")]
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("年度无效。")]
    if not (source or "").strip():
        errors["source"] = [_("请填写依据。")]
    if errors:
        raise ValidationError(errors)
    record, _created = SafeVillage.objects.filter(withdrawn_at__isnull=True).get_or_create(
        village=village,
        year=year,
        defaults={"source": source.strip()[:100], "designated_by": actor, **village_columns(village)},
    )
    return record


@transaction.atomic
def withdraw_safe_village(*, village: Area, year: int, source: str, reason: str, actor=None) -> int:
    """Withdraw the 平安村 record of `year` that `source` fed (a revoked assessment rating): its
    households lose the rewards at once. The record stays, with who withdrew it, when and why; a
    record another source made (an admin's) is left alone; a later designation is a new record.
    Returns how many records were withdrawn (0 or 1)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写撤销原因。")]})
    return SafeVillage.objects.filter(
        village=village, year=year, source=source.strip()[:100], withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason.strip()[:200])


SAFE_VILLAGE_SINK = SafeVillageSink(designate=designate_safe_village, withdraw=withdraw_safe_village)


PENSION_AGE = 60


def _sixty_on(day: dt.date) -> dt.date:
    """The latest birth date of someone aged PENSION_AGE or more on `day` (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - PENSION_AGE)
    except ValueError:
        return day.replace(year=day.year - PENSION_AGE, day=28)


def check_pension_enrolment(*, actor, resident: Resident, enrolled_on: dt.date | None) -> None:
    """Who may record it (changes the household's records) and a date not in the future."""
    if not in_scope(actor, CHANGE, resident.household):
        raise PermissionDenied(_("您无权登记该居民的参保情况。"))
    if enrolled_on is None or enrolled_on > timezone.localdate():
        raise ValidationError({"enrolled_on": [_("参保日期不能晚于今天。")]})


@transaction.atomic
def record_pension_enrolment(*, actor, resident: Resident, enrolled_on: dt.date) -> PensionEnrolment:
    """Record that a resident is enrolled in 新农保, by someone who may change the household's
    records (village staff, township, admin); a second record replaces the date."""
    check_pension_enrolment(actor=actor, resident=resident, enrolled_on=enrolled_on)
    household = resident.household
    enrolment, _created = PensionEnrolment.objects.update_or_create(
        resident=resident,
        defaults={
            "enrolled_on": enrolled_on,
            "recorded_by": actor,
            "county_id": household.county_id,
            "township_id": household.township_id,
            "village_id": household.village_id,
        },
    )
    return enrolment


def households_with_rewards(user, *, year: int, day: dt.date):
    """Households in the user's scope (view_area_records: departments query this) annotated with
    `safe_village`, `pension_raised` (residents 60+ enrolled in 新农保, counted only in a safe
    village) and `law_abiding` for `year` / `day`."""
    safe = SafeVillage.objects.filter(village_id=OuterRef("village_id"), year=year, withdrawn_at__isnull=True)
    newest = current_ratings(day).filter(subject__household_id=OuterRef("pk")).order_by("-valid_from", "-id")
    clean = newest.annotate(
        clean=ExpressionWrapper(Q(vetoed=False, deduction_points=0), output_field=BooleanField())
    ).values("clean")[:1]
    version = rules.current_version()
    vetoed_since = confirmed_vetoes(version).filter(vetoes_in_force(version, day), subject__household_id=OuterRef("pk"))
    elders = (
        Resident.objects.filter(
            household_id=OuterRef("pk"),
            birth_date__lte=_sixty_on(day),
            pension_enrolment__enrolled_on__lte=day,
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Household.objects.restrict(user, VIEW)
        .select_related("village", "township")
        .annotate(
            safe_village=Exists(safe),
            law_abiding=ExpressionWrapper(
                Q(Coalesce(Subquery(clean, output_field=BooleanField()), Value(False))) & ~Q(Exists(vetoed_since)),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            pension_raised=Case(
                When(safe_village=True, then=Coalesce(Subquery(elders), Value(0))),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
