"""Every read of key people and visits, cut to the caller's care scope (`scoping.restrict_care`)."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import CarePlan, CareVisit, PlanEvent, PlanKeeper
from .scoping import restrict_care


def plans_for(user):
    return restrict_care(CarePlan.objects.all(), user).select_related("resident", "household", "village", "grid")


def plan_detail_queryset(user):
    return plans_for(user).prefetch_related(
        Prefetch("keepers", queryset=PlanKeeper.objects.select_related("user").order_by("role", "id")),
        Prefetch("events", queryset=PlanEvent.objects.select_related("actor").order_by("-created_at", "-id")),
        Prefetch("visits", queryset=CareVisit.objects.select_related("visitor", "case").order_by("-at")),
    )


def visits_for(user):
    return restrict_care(CareVisit.objects.all(), user).select_related("plan", "visitor", "case")


def active(qs):
    return qs.filter(is_active=True)


def overdue(qs, day: dt.date):
    """Active plans whose visit was due before `day` and has not happened."""
    return qs.filter(is_active=True, next_due__lt=day)


def due_on(qs, day: dt.date):
    return qs.filter(is_active=True, next_due=day)


def figures(user, day: dt.date | None = None) -> dict:
    """The care scope's figures: in care, due today, overdue, incomplete 一人四管 — one query."""
    day = day or timezone.localdate()
    return plans_for(user).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        due_today=Count("id", filter=Q(is_active=True, next_due=day)),
        overdue=Count("id", filter=Q(is_active=True, next_due__lt=day)),
        keepers_missing=Count("id", filter=Q(is_active=True, keepers_complete=False)),
    )


def by_village(user, day: dt.date | None = None) -> list[dict]:
    """Per village in scope: plans, due today, overdue, visits done today — one query."""
    day = day or timezone.localdate()
    return list(
        active(plans_for(user))
        .values("village_id", "village__name", "township__name")
        .annotate(
            plans=Count("id"),
            due_today=Count("id", filter=Q(next_due=day)),
            overdue=Count("id", filter=Q(next_due__lt=day)),
            keepers_missing=Count("id", filter=Q(keepers_complete=False)),
        )
        .order_by("township__name", "village__name")
    )


def by_category(user) -> list[dict]:
    return list(active(plans_for(user)).values("category", "risk_level").annotate(n=Count("id")).order_by())
