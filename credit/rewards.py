"""三个10% safe-village rewards (Longyan), as data other departments query.

- A village designated 平安村 for a year (by the safe-area assessment through
  `designate_safe_village`, or by an admin) flags its households for the two 10% subsidies:
  新农合 individual contribution subsidised 10%, basic pension of residents over 60 raised 10%.
- A law-abiding family (守法家庭) — a household whose rating in effect on the day is neither
  vetoed nor has any deduction — gets its medical reimbursement ratio raised by 10 points.
Both flags are computed in the database for a whole page of households (Exists subqueries).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from grids.levels import AreaLevel
from grids.models import Area, Household
from grids.scoping import VIEW

from .models import SafeVillage
from .standing import current_ratings
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
    record, _created = SafeVillage.objects.get_or_create(
        village=village,
        year=year,
        defaults={"source": source.strip()[:100], "designated_by": actor, **village_columns(village)},
    )
    return record


def households_with_rewards(user, *, year: int, day: dt.date):
    """Households in the user's scope (view_area_records: departments query this) annotated with
    `safe_village` and `law_abiding` for `year` / `day`."""
    safe = SafeVillage.objects.filter(village_id=OuterRef("village_id"), year=year)
    law_abiding = current_ratings(day).filter(subject__household_id=OuterRef("pk"), vetoed=False, deduction_points=0)
    return (
        Household.objects.restrict(user, VIEW)
        .select_related("village", "township")
        .annotate(safe_village=Exists(safe), law_abiding=Exists(law_abiding))
    )
