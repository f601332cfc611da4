"""The desk's work queues: each a filter over the cases the user may see."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .constants import OPEN_STATES, CaseStatus, UnitKind
from .units import UNIT_ROLES


def _due_soon(qs, now):
    return qs.filter(status__in=OPEN_STATES, due_at__gte=now, due_at__lt=now + dt.timedelta(hours=2))


QUEUES = {
    "new": (_("待立案"), lambda qs, now: qs.filter(status=CaseStatus.REPORTED)),
    "unrouted": (
        _("待人工分拨"),
        lambda qs, now: qs.filter(status__in=[CaseStatus.REPORTED, CaseStatus.REGISTERED], suggested_unit__isnull=True),
    ),
    "registered": (_("待派遣"), lambda qs, now: qs.filter(status=CaseStatus.REGISTERED)),
    "returned": (_("被退回"), lambda qs, now: qs.filter(status=CaseStatus.RETURNED)),
    "overdue": (_("已超期"), lambda qs, now: selectors.overdue(qs, now)),
    "due_soon": (_("2小时内到期"), _due_soon),
    "verify": (_("待核查"), lambda qs, now: qs.filter(status=CaseStatus.DISPOSED)),
}


def queue_counts(user, now=None) -> list[dict]:
    """One COUNT per queue, each served by an index (status or the partial due_at index)."""
    now = now or timezone.now()
    base = selectors.cases_for(user)
    return [{"key": key, "label": label, "count": fn(base, now).count()} for key, (label, fn) in QUEUES.items()]


def inbox_for(user):
    """A township's or village's inbox: cases sent to a unit the user acts for, still with them,
    and (for township officers) their villages' results waiting for verification."""
    kinds = [
        kind
        for kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE, UnitKind.DEPARTMENT)
        if set(UNIT_ROLES[kind]) & user.role_names()
    ]
    units = selectors.units_for(user, kinds).filter(
        Q(kind=UnitKind.DEPARTMENT, members=user) | ~Q(kind=UnitKind.DEPARTMENT)
    )
    unit_ids = list(units.values_list("id", flat=True))
    working = Q(
        handling_unit_id__in=unit_ids,
        status__in=[CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.DISPOSED],
    )
    if UnitKind.TOWNSHIP in kinds:
        working |= Q(status=CaseStatus.DISPOSED, handling_unit__kind=UnitKind.VILLAGE)
    return selectors.cases_for(user).filter(working)
