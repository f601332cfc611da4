"""The 115 sweep through a real Celery worker on Redis (not eager): 马上办 pushes and dispatches
an urgent case on the worker, then the beat's task alerts the police and the centre that the
arrival timer has run out and marks it lapsed."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from governance.models import Notification
from incidents.models import UrgentResponse
from incidents.tasks import watch_urgent_timers


def wait_for(check, what):
    deadline = time.monotonic() + 25
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_on_a_real_worker(real_worker, loop, report):
    case = report("XA03", description="村民家中电动车被盗")  # 马上办 goes to the broker on commit
    wait_for(lambda: UrgentResponse.objects.get(case=case).stage == "arrive", "马上办 did not dispatch")
    UrgentResponse.objects.filter(case=case).update(due_at=timezone.now() - dt.timedelta(seconds=1))

    watch_urgent_timers.delay()
    wait_for(lambda: Notification.objects.filter(kind="urgent", title__startswith="115 超时").exists(), "no alert")

    assert UrgentResponse.objects.get(case=case).lapsed_stage == "arrive"
    told = set(Notification.objects.filter(title__startswith="115 超时").values_list("recipient", flat=True))
    assert told == {loop.police.pk, loop.operator.pk}
