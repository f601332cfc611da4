"""Due work for 日清, 周评 and the monthly points (settings.REVIEW_DUE_WORK, governance/duework.py):
key people's visits, and the 三色 households' contacts (every colour's rhythm)."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.duework import DueWork

from . import colours, services
from .models import CarePlan, CareVisit, VisitUrge


def counts(day: dt.date, at: dt.datetime) -> dict[int, tuple[int, int]]:
    """Base grid → (plans due on `day`, plans overdue: due before `day` and not visited)."""
    rows = (
        CarePlan.objects.filter(is_active=True, next_due__lte=day)
        .values("grid_id")
        .annotate(due=Count("id", filter=Q(next_due=day)), overdue=Count("id", filter=Q(next_due__lt=day)))
        .order_by()
    )
    return {r["grid_id"]: (r["due"], r["overdue"]) for r in rows}


def worker_counts(start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """User → (visits made in [start, end), overdue plans urged while they were the grid's worker)."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tz)
    until = dt.datetime.combine(end, dt.time.min, tz)
    done = dict(
        CareVisit.objects.filter(at__gte=since, at__lt=until)
        .values("visitor_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("visitor_id", "n")
    )
    missed = dict(
        VisitUrge.objects.filter(day__gte=start, day__lt=end, grid_worker__isnull=False)
        .values("grid_worker_id")
        .annotate(n=Count("plan_id", distinct=True))
        .order_by()
        .values_list("grid_worker_id", "n")
    )
    return {user_id: (done.get(user_id, 0), missed.get(user_id, 0)) for user_id in done.keys() | missed.keys()}


VISITS = DueWork(
    key="care.visits",
    label=_("重点人员走访"),
    counts=counts,
    urge=services.urge_overdue,
    worker_counts=worker_counts,
    url_name="care:home",
)


def contact_counts(day: dt.date, at: dt.datetime) -> dict[int, tuple[int, int]]:
    return colours.contact_counts(day)


# A contact is logged as grids' 入户走访, which the monthly points already count as a visit: this
# source adds the due / overdue figures to 日清 and 周评, not a second count of the same work.
CONTACTS = DueWork(
    key="care.contacts",
    label=_("三色户联系"),
    counts=contact_counts,
    url_name="care:today",
)
