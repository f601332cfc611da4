"""Follow-up visits after a mediation (常回访) as due work for 日清 and 周评 (settings.REVIEW_DUE_WORK,
governance/duework.py): a pending visit is due on its day and overdue after it, counted on the
base grid of the mediated case."""

import datetime as dt

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from governance.duework import DueWork

from .constants import MediationStatus
from .models import FollowUp


def counts(day: dt.date, at: dt.datetime) -> dict[int, tuple[int, int]]:
    """Base grid → (visits due on `day`, visits whose day passed without a visit) — one query."""
    rows = (
        FollowUp.objects.filter(done_on__isnull=True, due_on__lte=day, mediation__status=MediationStatus.AGREED)
        .values(grid_id=F("mediation__grid_id"))
        .annotate(due=Count("id", filter=Q(due_on=day)), overdue=Count("id", filter=Q(due_on__lt=day)))
        .order_by()
    )
    return {r["grid_id"]: (r["due"], r["overdue"]) for r in rows}


FOLLOW_UPS = DueWork(key="disputes.follow_ups", label=_("调解回访"), counts=counts, url_name="disputes:home")
