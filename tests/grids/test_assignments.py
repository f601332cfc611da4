import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.roles import Role
from grids import selectors, services
from grids.models import AreaUserPermission, Assignment
from grids.scoping import CHANGE, VIEW, granted_areas
from tests.factories import UserFactory

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        yield


def test_one_active_grid_worker_per_grid(world):
    grid = world.grids["411425100"][0]
    services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER)
    with pytest.raises(ValidationError) as exc:
        services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER)
    assert "已有在任网格员" in exc.value.message_dict["area"][0]
    assert Assignment.objects.filter(area=grid, role=Role.GRID_WORKER).count() == 1


def test_database_enforces_one_active_worker(world):
    grid = world.grids["411425100"][0]
    services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=UserFactory(), area=grid, role=Role.GRID_WORKER, start_date=TODAY)


def test_grid_worker_only_on_a_base_grid(world):
    with pytest.raises(ValidationError) as exc:
        services.assign(user=UserFactory(), area=world.villages["411425100"][0], role=Role.GRID_WORKER)
    assert "area" in exc.value.message_dict


def test_history_answers_who_was_responsible_on_a_date(world):
    grid = world.grids["411425100"][0]
    first, second = UserFactory(full_name="张三"), UserFactory(full_name="李四")
    a = services.assign(user=first, area=grid, role=Role.GRID_WORKER, start_date=dt.date(2025, 1, 1))
    services.end_assignment(assignment=a, end_date=dt.date(2026, 3, 1), reason="辞职")
    services.assign(user=second, area=grid, role=Role.GRID_WORKER, start_date=dt.date(2026, 3, 1))
    assert selectors.responsible_on(grid, dt.date(2024, 12, 31)) is None
    assert selectors.responsible_on(grid, dt.date(2025, 6, 1)).user == first
    assert selectors.responsible_on(grid, dt.date(2026, 2, 28)).user == first
    assert selectors.responsible_on(grid, dt.date(2026, 3, 1)).user == second  # end date is exclusive
    assert selectors.responsible_on(grid, TODAY).user == second


def test_new_assignment_may_not_overlap_history(world):
    grid = world.grids["411425100"][0]
    a = services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER, start_date=dt.date(2025, 1, 1))
    services.end_assignment(assignment=a, end_date=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER, start_date=dt.date(2026, 2, 1))
    assert "重叠" in exc.value.message_dict["start_date"][0]


def test_dates_checked(world):
    grid = world.grids["411425100"][0]
    with pytest.raises(ValidationError) as exc:
        services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER, start_date=dt.date(2026, 7, 1))
    assert "start_date" in exc.value.message_dict
    a = services.assign(user=UserFactory(), area=grid, role=Role.GRID_WORKER, start_date=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        services.end_assignment(assignment=a, end_date=dt.date(2026, 5, 1))
    services.end_assignment(assignment=a)
    with pytest.raises(ValidationError) as exc:
        services.end_assignment(assignment=a)
    assert "已经结束" in exc.value.message_dict["end_date"][0]


def test_vacant_grids_listed(world):
    grids = world.grids["411425100"] + world.grids["411425200"]
    services.assign(user=UserFactory(), area=grids[0], role=Role.GRID_WORKER)
    ended = services.assign(user=UserFactory(), area=grids[1], role=Role.GRID_WORKER, start_date=dt.date(2026, 1, 1))
    services.end_assignment(assignment=ended)
    vacant = set(selectors.vacant_grids(world.admin).values_list("id", flat=True))
    assert vacant == {g.id for g in grids[1:]}
    officer_b = world.officers["411425200"]
    assert set(selectors.vacant_grids(officer_b).values_list("id", flat=True)) == {g.id for g in grids[4:]}


def test_assignment_grants_and_ending_revokes(world):
    grid = world.grids["411425200"][0]
    worker = UserFactory()
    a = services.assign(user=worker, area=grid, role=Role.GRID_WORKER)
    assert [g.area_id for g in granted_areas(worker, CHANGE)] == [grid.id]
    assert worker.groups.filter(name=Role.GRID_WORKER).exists()
    services.end_assignment(assignment=a)
    worker = type(worker).objects.get(pk=worker.pk)  # the next request's user: grants are cached per user object
    assert granted_areas(worker, VIEW) == []
    assert not AreaUserPermission.objects.filter(user=worker).exists()
    assert not worker.groups.filter(name=Role.GRID_WORKER).exists()


def test_transfer_moves_the_grant_and_keeps_history(world):
    old, new = world.grids["411425100"][0], world.grids["411425200"][0]
    worker = UserFactory()
    a = services.assign(user=worker, area=old, role=Role.GRID_WORKER, start_date=dt.date(2026, 1, 1))
    b = services.transfer(assignment=a, to_area=new)
    a.refresh_from_db()
    assert a.end_date == TODAY and b.start_date == TODAY and b.area == new
    assert "调整至" in a.end_reason
    worker.refresh_from_db()
    assert [g.area_id for g in granted_areas(worker, VIEW)] == [new.id]
    assert selectors.responsible_on(old, dt.date(2026, 6, 14)).user == worker
    assert selectors.responsible_on(old, TODAY) is None


def test_two_roles_keep_their_grants_apart(world):
    """Ending one assignment keeps what another active one grants."""
    person = UserFactory()
    village = world.villages["411425100"][0]
    head = services.assign(user=person, area=village, role=Role.VILLAGE_HEAD)
    services.assign(user=person, area=world.grids["411425100"][0], role=Role.GRID_WORKER)
    services.end_assignment(assignment=head)
    person.refresh_from_db()
    assert [g.area_id for g in granted_areas(person, VIEW)] == [world.grids["411425100"][0].id]
    assert set(person.groups.values_list("name", flat=True)) == {Role.GRID_WORKER}
