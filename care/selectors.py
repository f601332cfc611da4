"""Every read of key people and visits, cut to the caller's care scope (`scoping.restrict_care`)."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils import timezone

from grids.models import Household, HouseholdColour

from .models import (
    CarePlan,
    CareVisit,
    ColourChange,
    ColourChangeEvent,
    HelpLog,
    HelpPair,
    PlanEvent,
    PlanKeeper,
    PointsMovement,
    ShopItem,
    UnitLeader,
    UnitMember,
    Volunteer,
    WatchUnit,
)
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


def visited_on(day: dt.date) -> Exists:
    """A plan (the outer row) with a visit on the local date `day`."""
    since = dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())
    return Exists(CareVisit.objects.filter(plan=OuterRef("pk"), at__gte=since, at__lt=since + dt.timedelta(days=1)))


def figures(user, day: dt.date | None = None) -> dict:
    """The care scope's figures: in care, due today, visited today, overdue, incomplete 一人四管 —
    one query."""
    day = day or timezone.localdate()
    return plans_for(user).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        due_today=Count("id", filter=Q(is_active=True, next_due=day)),
        done_today=Count("id", filter=Q(visited_on(day), is_active=True)),
        overdue=Count("id", filter=Q(is_active=True, next_due__lt=day)),
        keepers_missing=Count("id", filter=Q(is_active=True, keepers_complete=False)),
    )


def by_village(user, day: dt.date | None = None) -> list[dict]:
    """Per village in scope: plans, due today, visited today, overdue — one query."""
    day = day or timezone.localdate()
    return list(
        active(plans_for(user))
        .values("village_id", "village__name", "township__name")
        .annotate(
            plans=Count("id"),
            due_today=Count("id", filter=Q(next_due=day)),
            done_today=Count("id", filter=Q(visited_on(day))),
            overdue=Count("id", filter=Q(next_due__lt=day)),
            keepers_missing=Count("id", filter=Q(keepers_complete=False)),
        )
        .order_by("township__name", "village__name")
    )


def by_category(user) -> list[dict]:
    return list(active(plans_for(user)).values("category", "risk_level").annotate(n=Count("id")).order_by())


def colour_changes_for(user):
    return restrict_care(ColourChange.objects.all(), user).select_related(
        "household", "village", "proposed_by", "decided_by"
    )


def colour_change_detail_queryset(user):
    events = ColourChangeEvent.objects.select_related("actor").order_by("created_at", "id")
    return colour_changes_for(user).prefetch_related(Prefetch("events", queryset=events))


def households_in_care(user):
    return restrict_care(Household.objects.all(), user)


def colours_by_village(user) -> list[dict]:
    """Per village in the care scope: households green / yellow / red — one query."""
    return list(
        households_in_care(user)
        .values("village_id", "village__name", "township__name")
        .annotate(**{c: Count("id", filter=Q(colour=c)) for c in HouseholdColour.values})
        .order_by("township__name", "village__name")
    )


def volunteers_for(user):
    return restrict_care(Volunteer.objects.filter(is_active=True), user).select_related("resident", "village")


def shop_items_for(user):
    """The point shops' goods of the villages in the user's care scope."""
    return ShopItem.objects.filter(
        is_active=True, village_id__in=volunteers_for(user).values("village_id").distinct()
    ).order_by("village_id", "points")


def volunteer_figures(user) -> list[dict]:
    """Per village: volunteers, hours served, points in circulation — one query."""
    return list(
        volunteers_for(user)
        .values("village_id", "village__name")
        .annotate(volunteers=Count("id"), hours=Sum("hours"), balance=Sum("balance"))
        .order_by("village__name")
    )


def recent_movements(user, limit: int = 50):
    return (
        restrict_care(PointsMovement.objects.all(), user)
        .select_related("volunteer__resident", "item")
        .order_by("-id")[:limit]
    )


def pairs_for(user):
    logs = HelpLog.objects.order_by("-helped_on", "-id")
    return (
        restrict_care(HelpPair.objects.all(), user)
        .select_related("helper", "helped", "village")
        .prefetch_related(Prefetch("logs", queryset=logs))
    )


def units_for(user):
    members = UnitMember.objects.filter(end_date__isnull=True).select_related("household").order_by("household_id")
    leaders = UnitLeader.objects.select_related("resident").order_by("-start_date")
    return (
        restrict_care(WatchUnit.objects.all(), user)
        .select_related("village", "grid")
        .prefetch_related(
            Prefetch("members", queryset=members, to_attr="current_members"),
            Prefetch("leaders", queryset=leaders, to_attr="terms"),
            Prefetch("current_members__household__residents"),
        )
    )


def neighbour_figures(user) -> dict:
    """Active pairs and units of each kind in the care scope — two queries."""
    return {
        "pairs": restrict_care(HelpPair.objects.filter(end_date__isnull=True), user).count(),
        **restrict_care(WatchUnit.objects.all(), user).aggregate(
            watch=Count("id", filter=Q(kind="watch")), micro=Count("id", filter=Q(kind="micro"))
        ),
    }
