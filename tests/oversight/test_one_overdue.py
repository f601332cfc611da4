"""One definition of 超期 (issue 22, point 1): on a known set of cases the dashboard (and its
per-township bars), the desk's queue, 日清's township and village rows and the township inbox
give the same overdue count, seen at the same moment."""

import datetime as dt

from incidents.constants import CaseStatus
from incidents.queues import queue_counts
from incidents.reviews.daily import run_daily_review
from incidents.reviews.models import DailyReview
from incidents.reviews.selectors import township_summary
from oversight.case_figures import headline, open_by_child_area
from oversight.scope import OversightScope


def test_dashboard_desk_inbox_and_daily_review_agree_on_overdue(known):
    world, now = known.world, known.now
    day = dt.timedelta(days=1)
    # what made them disagree: a case waiting at the centre for 立案 three days (urged by 日清, but
    # it has no deadline yet), a closed case past its deadline, a case due in an hour
    known.add("411425100", 1, status=CaseStatus.REPORTED, created_at=now - 3 * day)
    known.add("411425200", 2, status=CaseStatus.CLOSED, created_at=now - 9 * day, due_at=now - 2 * day,
              closed_at=now - day, closed_on_time=False)
    known.add("411425200", 3, status=CaseStatus.ACCEPTED, created_at=now - day, due_at=now + dt.timedelta(hours=1))
    run_daily_review(at=now)

    dashboard = headline(OversightScope(world.county), now)["overdue"]
    bars = {row["id"]: row["overdue"] for row in open_by_child_area(OversightScope(world.county), now)}
    desk = next(q["count"] for q in queue_counts(known.operator, now) if q["key"] == "overdue")
    rows = DailyReview.objects.filter(day=now.astimezone(dt.timezone(dt.timedelta(hours=8))).date())
    by_township = {r.area_id: r.overdue for r in rows.filter(level="township")}
    villages = sum(r.overdue for r in rows.filter(level="village"))

    assert dashboard == 2  # one accepted case in 城关镇, one in progress in 肖旗乡
    assert desk == dashboard == sum(by_township.values()) == villages == sum(bars.values())
    for town in world.towns:
        assert by_township.get(town.pk, 0) == bars.get(town.pk, 0) == headline(OversightScope(town), now)["overdue"]
        inbox = township_summary(world.officers[town.code])["daily"]
        assert [d.overdue for d in inbox] == [by_township[town.pk]]
