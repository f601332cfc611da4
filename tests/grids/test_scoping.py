import pytest

from governance.roles import Role
from grids import selectors, services
from grids.household_services import ResidentInput, create_household
from grids.models import Area, Household
from grids.scoping import CHANGE, VIEW, in_scope
from tests.factories import UserFactory


def _household(grid, n):
    household, _ = create_household(
        grid=grid,
        number=f"{grid.code}{n:04d}",
        head_name=f"户主{n}",
        address="测试地址",
        residents=[ResidentInput(name=f"户主{n}", relation="head")],
    )
    return household


def test_township_officer_sees_only_their_subtree(world):
    officer = world.officers["411425100"]
    codes = set(selectors.areas_for(officer).values_list("code", flat=True))
    assert codes == {a.code for a in selectors.subtree(world.a)}
    assert "411425200" not in codes and "411425" not in codes


def test_grant_on_node_covers_business_rows_below(world):
    households = [_household(g, i) for i, g in enumerate(world.grids["411425100"] + world.grids["411425200"])]
    officer = world.officers["411425200"]
    visible = set(Household.objects.restrict(officer).values_list("id", flat=True))
    assert visible == {h.id for h in households[4:]}
    assert in_scope(officer, VIEW, households[5]) and not in_scope(officer, VIEW, households[0])


def test_grid_worker_scope_is_their_grid(world):
    grid = world.grids["411425200"][2]
    worker = UserFactory()
    services.assign(user=worker, area=grid, role=Role.GRID_WORKER)
    mine, other = _household(grid, 1), _household(world.grids["411425200"][3], 2)
    assert list(Household.objects.restrict(worker, CHANGE)) == [mine]
    assert in_scope(worker, CHANGE, mine) and not in_scope(worker, CHANGE, other)
    assert list(selectors.areas_for(worker).values_list("id", flat=True)) == [grid.id]


def test_user_without_assignment_sees_nothing(world):
    _household(world.grids["411425100"][0], 1)
    nobody = UserFactory()
    assert not Household.objects.restrict(nobody).exists()
    assert not selectors.areas_for(nobody).exists()


def test_group_grant_on_a_node_covers_its_subtree(world):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    department = Group.objects.create(name="城管局")
    assign_perm("grids.view_area_records", department, world.b)
    member = UserFactory()
    member.groups.add(department)
    assert set(selectors.areas_for(member).values_list("id", flat=True)) == {a.id for a in selectors.subtree(world.b)}


def test_restrict_costs_one_query_for_grants_whatever_the_rows(world, django_assert_num_queries):
    officer = world.officers["411425100"]
    officer = type(officer).objects.get(pk=officer.pk)
    for i, g in enumerate(world.grids["411425100"]):
        _household(g, i)
    with django_assert_num_queries(2):  # grants once, then the rows
        assert len(list(Household.objects.restrict(officer))) == 4
    with django_assert_num_queries(1):  # grants are cached on the user object
        assert len(list(Area.objects.restrict(officer))) == 7


@pytest.mark.parametrize("perm", [VIEW, CHANGE])
def test_superuser_is_unrestricted(world, perm):
    root = UserFactory(is_superuser=True)
    assert Area.objects.restrict(root, perm).count() == Area.objects.count()
