"""Care's figures for one area (the wall-screen dashboard's panel): counts only — no names, no
categories per person — so any viewer of the area's dashboard may see them."""

import datetime as dt

from django.db.models import Count, Q, Sum

from grids.models import Household, HouseholdColour

from .models import CarePlan, ColourChange, HelpPair, Volunteer, WatchUnit
from .selectors import visited_on


def area_figures(area_filter: dict, day: dt.date) -> dict:
    """`area_filter`: {"county_id" | "township_id" | "village_id": id}. Six aggregate queries."""
    plans = CarePlan.objects.filter(is_active=True, **area_filter).aggregate(
        plans=Count("id"),
        due_today=Count("id", filter=Q(next_due=day)),
        done_today=Count("id", filter=Q(visited_on(day))),
        overdue=Count("id", filter=Q(next_due__lt=day)),
        keepers_missing=Count("id", filter=Q(keepers_complete=False)),
    )
    colours = Household.objects.filter(**area_filter).aggregate(
        **{c: Count("id", filter=Q(colour=c)) for c in HouseholdColour.values}
    )
    volunteers = Volunteer.objects.filter(is_active=True, **area_filter).aggregate(
        volunteers=Count("id"), hours=Sum("hours")
    )
    pending = ColourChange.objects.filter(status="proposed", **area_filter).count()
    pairs = HelpPair.objects.filter(end_date__isnull=True, **area_filter).count()
    units = WatchUnit.objects.filter(**area_filter).aggregate(
        watch=Count("id", filter=Q(kind="watch")), micro=Count("id", filter=Q(kind="micro"))
    )
    return {**plans, "colours": colours, **volunteers, "colour_changes_pending": pending, "pairs": pairs, **units}
