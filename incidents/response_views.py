"""The "115" urgent response on the pages (docs/urgent.md): the desk's live countdowns, and the
compliance rate per township and handling unit in 日清 (the day) and 周评 (the week)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import response, selectors
from .reviews.daily import day_bounds
from .sections import Section

DESK_TIMERS = 12  # the most pressing running timers the desk shows


@login_required
def desk_timers(request):
    """The desk's 115 strip: loaded by HTMX right after the desk (the desk's own queries stay as
    they were), then every 10 s; the countdowns tick in the browser."""
    timers = list(response.running_for(selectors.cases_for(request.user))[:DESK_TIMERS])
    return render(request, "incidents/_response_timers.html", {"timers": timers})


def compliance_context(user, start: dt.datetime, end: dt.datetime, period: str) -> dict:
    cases = selectors.cases_for(user)
    towns = response.compliance(cases, start, end, "township")
    units = response.compliance(cases, start, end, "unit")
    return {"period": period, "tables": [("按乡镇", towns), ("按处置单位", units)], "total": response.total(towns)}


def daily_compliance(user, day: dt.date) -> dict:
    """日清: the urgent cases received on `day`."""
    start, end = day_bounds(day)
    return compliance_context(user, start, end, day.strftime("%Y-%m-%d"))


def weekly_section(request, evaluation) -> list[Section]:
    """周评 (settings.WEEKLY_REVIEW_SECTIONS): the urgent cases received in the evaluated week."""
    start, _end = day_bounds(evaluation.week_start)
    end = start + dt.timedelta(days=7)
    period = f"{evaluation.week_start:%Y-%m-%d} 至 {evaluation.week_start + dt.timedelta(days=6):%Y-%m-%d}"
    context = compliance_context(request.user, start, end, period)
    if not context["total"]["received"]:
        return []
    return [Section("incidents/_response_compliance.html", context)]
