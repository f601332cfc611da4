"""Many hands on the same cases at once, on real PostgreSQL row locks (threads with their own
connections, committed data): an action that waited for another's lock sees the row as that
one committed it, and after a storm of parallel actions every case's event log replays to its
state and version."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connections, transaction
from django.db.models import F

from governance.errors import Conflict
from incidents import services
from incidents.constants import CaseStatus
from incidents.models import Case, CaseEvent

TOWN = "411425200"


def in_thread(fn):
    """Run `fn` with a connection of the thread's own, closed afterwards."""

    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return run


@pytest.mark.django_db(transaction=True)
def test_an_action_that_waited_for_the_lock_sees_the_committed_row(loop, report):
    case = report()
    services.register(case_id=case.pk, actor=loop.operator)
    services.dispatch(case_id=case.pk, actor=loop.operator, unit=loop.town_unit(TOWN))
    police = loop.unit("dept-police")
    locked, release = threading.Event(), threading.Event()

    @in_thread
    def hand_over_while_holding_the_lock():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            Case.objects.filter(pk=case.pk).update(handling_unit=police, version=F("version") + 1)
            locked.set()
            release.wait(10)

    holder = threading.Thread(target=hand_over_while_holding_the_lock)
    holder.start()
    locked.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while the comment below waits on the lock
    seen = {}
    updated, _event = services.act(
        "comment",
        case_id=case.pk,
        actor=loop.operator,
        note="电话核实",
        apply=lambda c, t: seen.update(unit=c.handling_unit),
    )
    holder.join()
    assert seen["unit"] == police  # the joined row as committed, not as first read
    assert updated.version == Case.objects.get(pk=case.pk).version == 5


ACTIONS = ["register", "dispatch", "accept", "start", "dispose", "verify", "close", "urge", "comment"]


def _try(action, case_id, loop, unit):
    people = {"accept": None, "start": None, "dispose": None}
    actor = people.get(action, loop.operator) or loop.village_heads[TOWN]
    kwargs = {"case_id": case_id, "actor": actor}
    if action == "dispatch":
        kwargs["unit"] = unit
    elif action == "dispose":
        kwargs["result"] = "已清理"
    elif action == "comment":
        kwargs["note"] = "跟进"
    try:
        getattr(services, action)(**kwargs)
        return action
    except (Conflict, PermissionDenied, ValidationError) as error:  # the losers' answers; anything else fails
        return type(error).__name__


@pytest.mark.django_db(transaction=True)
def test_parallel_actions_leave_every_event_log_consistent_with_its_case(loop, report):
    cases = [report().pk for _ in range(4)]
    unit = loop.unit(f"area-{loop.world.villages[TOWN][0].code}")
    rng = random.Random(18)
    jobs = [(rng.choice(ACTIONS), rng.choice(cases)) for _ in range(120)]

    @in_thread
    def run(job):
        close_old_connections()
        return _try(job[0], job[1], loop, unit)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(run, jobs))
    assert time.monotonic() - started < 120
    assert set(outcomes) & {"register", "dispatch"}  # the storm did move cases

    for case in Case.objects.filter(pk__in=cases):
        events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
        state = ""
        for event in events:
            assert event.from_state == state, (case.pk, [(e.action, e.from_state, e.to_state) for e in events])
            state = event.to_state or state
        assert state == case.status
        assert case.version == len(events)  # every change is one event (the report is version 1)
        if case.status not in (CaseStatus.REPORTED, CaseStatus.REGISTERED):
            assert case.handling_unit_id == unit.pk
