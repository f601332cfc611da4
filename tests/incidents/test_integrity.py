"""Concurrency, stale actions and the append-only timeline, on real PostgreSQL connections."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from governance.workflow import Conflict
from incidents import intake, services
from incidents.catalogue import ensure_catalogue
from incidents.constants import CaseStatus
from incidents.models import Case, CaseEvent, Category
from tests.factories import build_world


def test_stale_version_is_a_conflict_and_changes_nothing(loop, report):
    case = report()
    loaded_version = case.version
    services.register(case_id=case.pk, actor=loop.operator, version=loaded_version)
    with pytest.raises(Conflict) as exc:
        services.reject(case_id=case.pk, actor=loop.operator, note="重复", version=loaded_version)
    assert "已被他人处理" in exc.value.message and exc.value.current_state == CaseStatus.REGISTERED
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED and case.events.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_cannot_both_win():
    world = build_world()
    ensure_catalogue(world.county)
    from governance.roles import Role
    from grids import services as grid_services
    from tests.factories import UserFactory

    a, b = UserFactory(), UserFactory()
    for user in (a, b):
        grid_services.assign(user=user, area=world.county, role=Role.COMMAND_OPERATOR)
    case = intake.submit_report(
        reporter=a,
        source="hotline",
        category=Category.objects.get(code="HJ01"),
        description="并发",
        grid_id=world.grids["411425200"][0].id,
    )
    outcomes = []
    barrier = threading.Barrier(2)

    def act(user, fn):
        try:
            barrier.wait()
            fn(user)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(a, lambda u: services.register(case_id=case.pk, actor=u, version=1))),
        threading.Thread(
            target=act, args=(b, lambda u: services.reject(case_id=case.pk, actor=u, note="否", version=1))
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    case.refresh_from_db()
    assert case.version == 2 and case.events.count() == 2


def test_events_refuse_update_and_delete_in_postgresql(loop, report):
    case = report()
    event = case.events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(note="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_caseevent SET note = 'raw' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.note == ""


def test_status_cannot_be_set_outside_the_workflow_by_api_design(loop, report):
    """The only writer of Case.status is governance.workflow.perform (and intake's initial state;
    the demo generator builds historical cases in memory for a bulk insert)."""
    import pathlib

    offenders = []
    for path in pathlib.Path("incidents").rglob("*.py"):
        text = path.read_text()
        if ".status =" in text and path.name != "intake.py" and "demo" not in path.parts:
            offenders.append(str(path))
    assert offenders == []
    assert Case.objects.filter(pk=report().pk, status=CaseStatus.REPORTED).exists()
