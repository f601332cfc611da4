"""Follow-up visits after an agreement (常回访) are due work in 日清 and 周评 (settings.REVIEW_DUE_WORK):
due on their day, overdue after it, counted on the mediated case's grid, gone once visited."""

import datetime as dt

import time_machine
from django.utils import timezone

from disputes import duework, services
from disputes.models import FollowUp
from incidents.reviews import daily
from incidents.reviews.models import DailyReview


def _agreed(d):
    m = d.open()
    services.record_session(
        mediation_id=m.pk,
        actor=d.village_head,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="调解",
        mediator_ids=[d.elder.pk],
    )
    return services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="协议")[0]


def test_follow_ups_due_and_overdue_in_the_daily_review(disputes):
    d = disputes
    m = _agreed(d)
    grid = m.grid_id
    today = timezone.localdate()
    first = FollowUp.objects.filter(mediation=m).order_by("due_on").first()
    assert duework.counts(today, timezone.now()) == {}
    assert duework.counts(first.due_on, timezone.now()) == {grid: (1, 0)}
    assert duework.counts(first.due_on + dt.timedelta(days=1), timezone.now()) == {grid: (0, 1)}

    later = timezone.now() + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        daily.run_daily_review(at=later)
    row = DailyReview.objects.get(area=d.village, day=timezone.localdate(later))
    assert (row.work_due, row.work_overdue) == (0, 1)
    township = DailyReview.objects.get(area=d.world.a, day=timezone.localdate(later))
    assert township.work_overdue == 1

    services.record_follow_up(mediation_id=m.pk, follow_up_id=first.pk, actor=d.village_head, finding="已履行")
    assert duework.counts(first.due_on + dt.timedelta(days=1), timezone.now()) == {}
