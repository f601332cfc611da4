"""The desk's work queues: each a filter over the cases the user may see."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .constants import OPEN_STATES, CaseStatus, UnitKind
from .units import UNIT_ROLES


def _due_soon(now) -> Q:
    return Q(status__in=OPEN_STATES, due_at__gte=now, due_at__lt=now + dt.timedelta(hours=2))


# Each queue: its label and the Q of its cases at `now`. Every queue holds open cases only, so the
# counts are one aggregate over the user's open cases (the status index), not a COUNT per queue.
QUEUES = {
    "new": (_("待立案"), lambda now: Q(status=CaseStatus.REPORTED)),
    "unrouted": (
        _("待人工分拨"),
        lambda now: Q(status__in=[CaseStatus.REPORTED, CaseStatus.REGISTERED], suggested_unit__isnull=True),
    ),
    "registered": (_("待派遣"), lambda now: Q(status=CaseStatus.REGISTERED)),
    "returned": (_("被退回"), lambda now: Q(status=CaseStatus.RETURNED)),
    "overdue": (_("已超期"), selectors.overdue_q),
    "due_soon": (_("2小时内到期"), _due_soon),
    "verify": (_("待核查"), lambda now: Q(status=CaseStatus.DISPOSED)),
}


def queue_counts(user, now=None) -> list[dict]:
    """Every queue's count in one query over the user's open cases."""
    now = now or timezone.now()
    counts = (
        selectors.cases_for(user)
        .filter(status__in=OPEN_STATES)
        .aggregate(**{key: Count("pk", filter=q(now)) for key, (_label, q) in QUEUES.items()})
    )
    return [{"key": key, "label": label, "count": counts[key]} for key, (label, _q) in QUEUES.items()]


def inbox_for(user):
    """A township's or village's inbox: cases sent to a unit the user acts for, still with them,
    and (for township officers) their villages' results waiting for verification."""
    kinds = [
        kind
        for kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE, UnitKind.DEPARTMENT)
        if set(UNIT_ROLES[kind]) & user.role_names()
    ]
    township = UnitKind.TOWNSHIP in kinds
    units = selectors.units_for(user, [*kinds, UnitKind.VILLAGE] if township else kinds).filter(
        Q(kind=UnitKind.DEPARTMENT, members=user) | ~Q(kind=UnitKind.DEPARTMENT)
    )
    rows = list(units.values_list("id", "kind"))
    working = Q(
        handling_unit_id__in=[pk for pk, kind in rows if kind in kinds],
        status__in=[CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.DISPOSED],
    )
    if township:  # the villages' results by their units' ids: a join to the unit table here cost
        # the planner ≈ 30 ms (bitmap paths over the case table's indexes), the query itself 1 ms
        villages = [pk for pk, kind in rows if kind == UnitKind.VILLAGE]
        working |= Q(status=CaseStatus.DISPOSED, handling_unit_id__in=villages)
    return selectors.cases_for(user).filter(working)
