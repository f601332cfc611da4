"""/api/v1/assignments/ and /api/v1/people/: history, one grid worker per grid, end, transfer,
permissions, masking of phones, account creation, bad input and query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from governance.models import User
from governance.roles import Role
from grids import selectors, services
from grids.models import Assignment
from tests.factories import UserFactory

URL = "/api/v1/assignments/"
PEOPLE = "/api/v1/people/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def only_chinese_errors(response, field):
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert all(is_chinese(m) for m in response.json()[field]), response.json()


@pytest.fixture
def history(world):
    """Grid A0: 老王 from 40 to 20 days ago, then 小李 until today; grid B0: 小赵 from today."""
    today = timezone.localdate()
    grid_a, grid_b = world.grids["411425100"][0], world.grids["411425200"][0]
    wang, li, zhao = (UserFactory(full_name=n) for n in ("老王", "小李", "小赵"))
    old = services.assign(user=wang, area=grid_a, role=Role.GRID_WORKER, start_date=today - timedelta(days=40))
    services.end_assignment(assignment=old, end_date=today - timedelta(days=20), reason="辞职")
    current = services.assign(user=li, area=grid_a, role=Role.GRID_WORKER, start_date=today - timedelta(days=20))
    other = services.assign(user=zhao, area=grid_b, role=Role.GRID_WORKER)
    return {"old": old, "current": current, "other": other, "today": today}


# ---------------------------------------------------------------------------- list and filters


def test_list_fields(world, as_user, history):
    response = as_user(world.admin).get(URL, {"user": history["old"].user_id})
    [row] = response.json()["results"]
    old = history["old"]
    assert row["user_name"] == "老王" and row["area"] == old.area_id and row["area_code"] == old.area.code
    assert row["role"] == "grid_worker" and row["role_label"] == "网格员"
    assert row["active"] is False and row["end_reason"] == "辞职"
    assert row["end_date"] == (history["today"] - timedelta(days=20)).isoformat()
    assert row["assigned_by"] is None


def test_filters(world, as_user, history):
    client = as_user(world.admin)
    everyone = ids(client.get(URL))
    assert len(everyone) == 6  # admin, two officers, three grid workers
    workers = {history[k].id for k in ("old", "current", "other")}
    assert ids(client.get(URL, {"role": "grid_worker"})) == workers
    assert ids(client.get(URL, {"role": "grid_worker", "active": "true"})) == {
        history["current"].id,
        history["other"].id,
    }
    assert ids(client.get(URL, {"active": "false"})) == {history["old"].id}
    assert ids(client.get(URL, {"area": world.grids["411425100"][0].id})) == {history["old"].id, history["current"].id}
    a_officer = Assignment.objects.get(user=world.officers["411425100"])
    assert ids(client.get(URL, {"under": world.a.id})) == {history["old"].id, history["current"].id, a_officer.id}
    assert ids(client.get(URL, {"under": world.county.id})) == everyone
    assert ids(client.get(URL, {"user": world.admin.id})) == {Assignment.objects.get(user=world.admin).id}


def test_active_on_a_past_date(world, as_user, history):
    client = as_user(world.admin)
    today, grid = history["today"], world.grids["411425100"][0].id
    on = {"area": grid, "active_on": (today - timedelta(days=30)).isoformat()}
    assert ids(client.get(URL, on)) == {history["old"].id}
    on["active_on"] = (today - timedelta(days=20)).isoformat()  # the day 老王 stopped, 小李 started
    assert ids(client.get(URL, on)) == {history["current"].id}
    on["active_on"] = (today - timedelta(days=41)).isoformat()
    assert ids(client.get(URL, on)) == set()


@pytest.mark.parametrize(
    "params,field",
    [
        ({"active_on": "2024-13-01"}, "active_on"),
        ({"role": "chief"}, "role"),
        ({"area": "one"}, "area"),
        ({"user": "0"}, "user"),
    ],
)
def test_bad_filters_are_400(world, as_user, params, field):
    only_chinese_errors(as_user(world.admin).get(URL, params), field)


# ---------------------------------------------------------------------------- assign


def test_assign_a_grid_worker(world, as_user):
    worker = UserFactory(full_name="新网格员")
    grid = world.grids["411425200"][3]
    client = as_user(world.admin)
    response = client.post(URL, {"user": worker.id, "area": grid.id, "role": "grid_worker"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["active"] and body["start_date"] == timezone.localdate().isoformat()
    assert body["assigned_by"] == world.admin.id
    assert selectors.responsible_on(grid, timezone.localdate()).user == worker
    assert worker.has_role(Role.GRID_WORKER)
    # The grant follows the assignment: the new worker now sees their grid through the API.
    assert ids(as_user(worker).get("/api/v1/areas/")) == {grid.id}


def test_second_active_grid_worker_is_400(world, as_user, make_worker):
    grid = world.grids["411425100"][2]
    first = make_worker(grid)
    second = UserFactory()
    response = as_user(world.admin).post(
        URL, {"user": second.id, "area": grid.id, "role": "grid_worker"}, format="json"
    )
    only_chinese_errors(response, "area")
    assert "已有在任网格员" in response.json()["area"][0]
    assert list(Assignment.objects.filter(area=grid).values_list("user", flat=True)) == [first.id]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"role": "mayor"}, "role"),
        ({"role": None}, "role"),
        ({"area": 99999999}, "area"),
        ({"area": "abc"}, "area"),
        ({"area": True}, "area"),
        ({"user": 99999999}, "user"),
        ({"user": 2**70}, "user"),
        ({"start_date": "2024-02-30"}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_date"),  # in the future
        ({"area": "VILLAGE"}, "area"),  # a grid worker cannot sit on a village
    ],
)
def test_assign_bad_input_is_400(world, as_user, changes, field):
    body = {"user": UserFactory().id, "area": world.grids["411425100"][3].id, "role": "grid_worker", **changes}
    if body["area"] == "VILLAGE":
        body["area"] = world.villages["411425100"][0].id
    only_chinese_errors(as_user(world.admin).post(URL, body, format="json"), field)
    assert not Assignment.objects.filter(role=Role.GRID_WORKER).exists()


def test_assign_needs_manage_assignments(world, as_user, officer_a):
    body = {"user": UserFactory().id, "area": world.grids["411425100"][0].id, "role": "grid_worker"}
    response = as_user(officer_a).post(URL, body, format="json")
    assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert not Assignment.objects.filter(role=Role.GRID_WORKER).exists()


@pytest.fixture
def manager_of_a(world):
    """Sees the whole county (command operator) but manages assignments in township A only."""
    user = UserFactory()
    services.assign(user=user, area=world.county, role=Role.COMMAND_OPERATOR)
    assign_perm("grids.manage_assignments", user, world.a)
    return user


def test_assign_needs_manage_assignments_on_that_area(world, as_user, manager_of_a):
    client = as_user(manager_of_a)
    body = {"user": UserFactory().id, "role": "grid_worker"}
    refused = client.post(URL, {**body, "area": world.grids["411425200"][0].id}, format="json")
    assert refused.status_code == 403 and is_chinese(refused.json()["detail"])
    assert client.post(URL, {**body, "area": world.grids["411425100"][0].id}, format="json").status_code == 201


def test_transfer_needs_manage_assignments_on_the_target(world, as_user, manager_of_a, history):
    client = as_user(manager_of_a)
    current = history["current"]  # on grid A0
    to_b = client.post(f"{URL}{current.id}/transfer/", {"to_area": world.grids["411425200"][3].id}, format="json")
    assert to_b.status_code == 403
    current.refresh_from_db()
    assert current.end_date is None
    to_a = client.post(f"{URL}{current.id}/transfer/", {"to_area": world.grids["411425100"][3].id}, format="json")
    assert to_a.status_code == 201
    assert client.post(f"{URL}{history['other'].id}/end/", {}, format="json").status_code == 403  # B0


# ---------------------------------------------------------------------------- end and transfer


def test_end_an_assignment(world, as_user, history):
    current = history["current"]
    client = as_user(world.admin)
    response = client.post(f"{URL}{current.id}/end/", {"reason": "调离"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False and response.json()["end_reason"] == "调离"
    assert response.json()["ended_by"] == world.admin.id
    current.refresh_from_db()
    assert current.end_date == timezone.localdate()
    assert world.grids["411425100"][0].id in ids(client.get("/api/v1/areas/vacant/"))
    again = client.post(f"{URL}{current.id}/end/", {}, format="json")
    only_chinese_errors(again, "end_date")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"end_date": "yesterday"}, "end_date"),
        ({"end_date": "2000-01-01"}, "end_date"),  # before the start
        ({"end_date": "2999-01-01"}, "end_date"),  # in the future
        ({"reason": "很" * 201}, "reason"),
    ],
)
def test_end_bad_input_is_400(world, as_user, history, body, field):
    only_chinese_errors(as_user(world.admin).post(f"{URL}{history['current'].id}/end/", body, format="json"), field)
    history["current"].refresh_from_db()
    assert history["current"].end_date is None


def test_transfer_to_another_grid(world, as_user, history):
    current, target = history["current"], world.grids["411425100"][3]
    response = as_user(world.admin).post(
        f"{URL}{current.id}/transfer/", {"to_area": target.id, "reason": "工作需要"}, format="json"
    )
    assert response.status_code == 201, response.content
    new = Assignment.objects.get(pk=response.json()["id"])
    assert (new.user_id, new.area_id, new.role, new.end_date) == (current.user_id, target.id, "grid_worker", None)
    current.refresh_from_db()
    assert current.end_date == timezone.localdate() and current.end_reason == "工作需要"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"to_area": "TAKEN"}, "to_area"),  # grid B0 has 小赵 already
        ({"to_area": 99999999}, "to_area"),
        ({}, "to_area"),
        ({"to_area": "FREE", "on": "2000-01-01"}, "on"),  # before the current assignment started
        ({"to_area": "FREE", "on": "01/02/2025"}, "on"),
    ],
)
def test_transfer_bad_input_is_400_and_changes_nothing(world, as_user, history, body, field):
    slots = {"TAKEN": world.grids["411425200"][0].id, "FREE": world.grids["411425100"][3].id}
    body = {k: slots.get(v, v) for k, v in body.items()}
    current = history["current"]
    only_chinese_errors(as_user(world.admin).post(f"{URL}{current.id}/transfer/", body, format="json"), field)
    current.refresh_from_db()
    assert current.end_date is None
    assert Assignment.objects.filter(user=current.user).count() == 1


def test_end_and_transfer_need_manage_assignments(world, as_user, history, officer_a):
    current = history["current"]  # inside officer A's township: visible, not manageable
    client = as_user(officer_a)
    assert client.get(f"{URL}{current.id}/").status_code == 200
    assert client.post(f"{URL}{current.id}/end/", {}, format="json").status_code == 403
    target = world.grids["411425100"][3].id
    assert client.post(f"{URL}{current.id}/transfer/", {"to_area": target}, format="json").status_code == 403
    current.refresh_from_db()
    assert current.end_date is None


# ---------------------------------------------------------------------------- people


def test_people_list_and_detail(world, as_user, history):
    client = as_user(world.admin)
    people = {row["username"]: row for row in client.get(PEOPLE).json()["results"]}
    assert len(people) == 6
    li = people[history["current"].user.username]
    assert li["full_name"] == "小李" and li["roles"] == [{"role": "grid_worker", "label": "网格员"}]
    assert [a["area"] for a in li["active_assignments"]] == [world.grids["411425100"][0].id]
    wang = client.get(f"{PEOPLE}{history['old'].user_id}/").json()
    assert wang["active_assignments"] == [] and wang["roles"] == []  # held an assignment once


def test_people_filters(world, as_user, history):
    client = as_user(world.admin)
    user_of = {k: history[k].user_id for k in ("old", "current", "other")}
    assert ids(client.get(PEOPLE, {"role": "grid_worker"})) == set(user_of.values())
    assert ids(client.get(PEOPLE, {"role": "grid_worker", "active": "true"})) == {user_of["current"], user_of["other"]}
    assert ids(client.get(PEOPLE, {"active": "false"})) == {user_of["old"]}
    officer_a = world.officers["411425100"].id
    assert ids(client.get(PEOPLE, {"under": world.a.id})) == {officer_a, user_of["old"], user_of["current"]}
    assert ids(client.get(PEOPLE, {"under": world.a.id, "role": "township_officer"})) == {officer_a}
    only_chinese_errors(client.get(PEOPLE, {"role": "boss"}), "role")


def test_people_phone_is_masked_without_view_identity(world, as_user, history, officer_a):
    li = history["current"].user
    li.phone = "+8613812345678"
    li.save()
    officer_a.phone = "+8613700001234"
    officer_a.save()
    assert as_user(world.admin).get(f"{PEOPLE}{li.id}/").json()["phone"] == "+8613812345678"
    officers_view = as_user(officer_a)
    assert officers_view.get(f"{PEOPLE}{li.id}/").json()["phone"] == "138****5678"
    assert officers_view.get(f"{PEOPLE}{officer_a.id}/").json()["phone"] == "+8613700001234"  # their own


def test_admin_creates_an_account(world, as_user):
    body = {"username": "wangwu", "full_name": "王五", "phone": "138 1234 5678", "password": "Grid-worker-2025!"}
    response = as_user(world.admin).post(PEOPLE, body, format="json")
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    user = User.objects.get(username="wangwu")
    assert user.phone == "+8613812345678" and user.check_password("Grid-worker-2025!")


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"password": "short"}, "password"),
        ({"password": "123456789012345"}, "password"),  # entirely numeric
        ({"username": "grid-worker-wangwu", "password": "gridworkerwangwu"}, "password"),  # like the user name
        ({"phone": "12345"}, "phone"),
        ({"username": "admin1"}, "username"),  # taken
        ({"username": "bad name!"}, "username"),
    ],
)
def test_create_account_bad_input_is_400(world, as_user, changes, field):
    body = {"username": "wangwu", "full_name": "王五", "phone": "13812345678", "password": "Grid-worker-2025!"}
    response = as_user(world.admin).post(PEOPLE, {**body, **changes}, format="json")
    only_chinese_errors(response, field)
    assert not User.objects.filter(full_name="王五").exists()


def test_only_platform_admins_create_accounts(world, as_user, officer_a):
    body = {"username": "wangwu", "full_name": "王五", "password": "Grid-worker-2025!"}
    assert as_user(officer_a).post(PEOPLE, body, format="json").status_code == 403
    assert not User.objects.filter(username="wangwu").exists()


# ---------------------------------------------------------------------------- query counts


def _staff(world, grid_indexes):
    """For each grid: a worker who served, stopped, came back, and also polices a village."""
    today = timezone.localdate()
    grids = world.grids["411425100"] + world.grids["411425200"]
    for i in grid_indexes:
        user = UserFactory(phone="+8613900002222")
        old = services.assign(user=user, area=grids[i], role=Role.GRID_WORKER, start_date=today - timedelta(days=9))
        services.end_assignment(assignment=old, end_date=today - timedelta(days=3))
        services.assign(user=user, area=grids[i], role=Role.GRID_WORKER, start_date=today - timedelta(days=3))
        services.assign(user=user, area=world.villages["411425200"][i % 2], role=Role.GRID_POLICE)


@pytest.mark.parametrize(
    "url,params",
    [
        (URL, {}),
        (URL, {"under": "COUNTY", "active_on": "TODAY"}),
        (PEOPLE, {}),
        (PEOPLE, {"role": "grid_worker", "under": "COUNTY", "active": "true"}),
    ],
)
@pytest.mark.parametrize("who", ["admin", "officer"])
def test_list_queries_do_not_grow_with_data(world, as_user, count_queries, url, params, who):
    client = as_user(world.admin if who == "admin" else world.officers["411425200"])
    values = {"COUNTY": world.county.id, "TODAY": timezone.localdate().isoformat()}
    params = {k: values.get(v, v) for k, v in params.items()}
    if who == "officer" and "under" in params:
        params["under"] = world.b.id

    def fetch():
        response = client.get(url, params)
        assert response.status_code == 200
        return len(response.json()["results"])

    _staff(world, [4])  # a grid of township B: both callers see it
    small, small_queries = count_queries(fetch)
    assert small >= 1
    _staff(world, [0, 1, 2, 3, 5, 6, 7])
    large, large_queries = count_queries(fetch)
    assert large > small
    assert large_queries == small_queries
