"""/api/v1/households/: create with residents, masking vs full identity, ID search, filters,
updates, replacing residents, permissions, bad input and query counts."""

from datetime import date

import pytest

from governance.roles import Role
from grids import services
from grids.household_services import ResidentInput
from grids.identity import age_band, id_number_digest
from grids.models import Household, Resident
from tests.grids.conftest import make_id_number

URL = "/api/v1/households/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def messages_in(errors):
    """Every message in a (possibly nested) DRF error structure."""
    if isinstance(errors, str):
        return [errors]
    items = errors.values() if isinstance(errors, dict) else errors
    return [m for item in items for m in messages_in(item)]


def only_chinese_errors(response, field, item=None):
    """A 400 naming `field` (and the list `item` inside it, if given), every message in Chinese."""
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    if item is not None:
        assert set(errors[field]) == {str(item)}, errors
    flat = messages_in(errors[field])
    assert flat and all(is_chinese(m) for m in flat), errors


def new_household(grid):
    return {
        "grid": grid.id,
        "number": "411425100201001-0001",
        "head_name": "张大山",
        "address": "城关镇东关村3组12号",
        "phone": "13812345678",
        "colour": "yellow",
        "residents": [
            {"name": "张大山", "relation": "head", "id_number": make_id_number(1), "phone": "13812345678"},
            {
                "name": "李秀英",
                "relation": "spouse",
                "id_number": make_id_number(2, birth="19450305"),
                "tags": ["elderly_alone", "disabled"],
            },
        ],
    }


# ---------------------------------------------------------------------------- create


def test_officer_registers_a_household(world, as_user, officer_a):
    grid = world.grids["411425100"][0]
    response = as_user(officer_a).post(URL, new_household(grid), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert (household.township, household.village, household.grid) == (world.a, world.villages["411425100"][0], grid)
    assert body["warnings"] == []
    assert body["colour"] == "yellow" and body["colour_label"] == "关心户（黄）"
    head, spouse = body["residents"]
    # A township officer may change records but not read identities: masked.
    assert head["id_number"] == make_id_number(1)[:6] + "********" + make_id_number(1)[-4:]
    assert head["phone"] == "138****5678" and body["phone"] == "138****5678"
    assert body["identity_visible"] is False
    # Without view_identity no birth date (the mask hides exactly it), only an age band.
    assert spouse["birth_date"] is None and spouse["age_band"] == age_band(date(1945, 3, 5))
    assert spouse["sex"] == "female" and head["sex"] == "male"
    assert {t["code"] for t in spouse["tags"]} == {"elderly_alone", "disabled"}
    assert spouse["relation_label"] == "配偶"
    stored = Resident.objects.get(pk=head["id"])
    assert stored.phone == "+8613812345678" and make_id_number(1) not in stored.id_number_encrypted


def test_create_returns_warnings(world, as_user, officer_a):
    body = new_household(world.grids["411425100"][0])
    body["residents"][0]["id_number"] = "440524188001010014"  # an abolished county's code
    response = as_user(officer_a).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    [warning] = response.json()["warnings"]
    assert "张大山" in warning and "440524" in warning


@pytest.mark.parametrize(
    "changes,field,item",
    [
        ({"head_name": " "}, "head_name", None),
        ({"address": ""}, "address", None),
        ({"colour": "purple"}, "colour", None),
        ({"register_status": "nowhere"}, "register_status", None),
        ({"register_status": "living_here_only"}, "registered_place", None),
        ({"phone": "12345"}, "phone", None),
        ({"grid": 99999999}, "grid", None),
        ({"grid": "VILLAGE"}, "grid", None),  # a household belongs to a base grid
        ({"number": "EXISTING"}, "number", None),
        ({"number": "x" * 25}, "number", None),
        ({"residents": "nobody"}, "residents", None),
        ({"residents": [{"name": "王五", "relation": "cousin"}]}, "residents", 0),
        ({"residents": [{"name": "王五", "tags": "elderly"}]}, "residents", 0),
        ({"residents": [{"name": "王五", "id_number": "110105198001010011"}]}, "residents", 0),  # check digit
        ({"residents": [{"name": "王五", "id_number": "110105198002300015"}]}, "residents", 0),  # no 30 Feb
        ({"residents": [{"name": "王五"}, {"name": "赵六", "tags": ["vip"]}]}, "residents", 1),
        ({"residents": [{"name": "王五", "phone": "999"}]}, "residents", 0),
        ({"residents": [{"name": ""}]}, "residents", 0),
    ],
)
def test_create_bad_input_is_400(world, as_user, officer_a, make_household, changes, field, item):
    existing = make_household(world.grids["411425100"][1])
    grid = world.grids["411425100"][0]
    replacements = {"VILLAGE": world.villages["411425100"][0].id, "EXISTING": existing.number}
    changes = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    response = as_user(officer_a).post(URL, {**new_household(grid), **changes}, format="json")
    only_chinese_errors(response, field, item)
    assert Household.objects.count() == 1 and Resident.objects.count() == 0


def test_create_needs_change_rights(world, as_user, operator):
    response = as_user(operator).post(URL, new_household(world.grids["411425100"][0]), format="json")
    assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert not Household.objects.exists()


# ---------------------------------------------------------------------------- read and masking


@pytest.fixture
def households(world, make_household, make_resident):
    a0, a1, b0 = world.grids["411425100"][0], world.grids["411425100"][2], world.grids["411425200"][0]
    return {
        "zhang": make_household(
            a0,
            head_name="张大山",
            phone="13812345678",
            residents=[make_resident("张大山", seq=1), make_resident("张老太", seq=2, tags=["elderly_alone"])],
        ),
        "li": make_household(
            a1,
            head_name="李四",
            colour="red",
            register_status="living_here_only",
            registered_place="河南省商丘市",
            residents=[make_resident("李四", seq=3, tags=["mental"])],
        ),
        "zhao": make_household(b0, head_name="赵五", residents=[make_resident("赵五", seq=4)]),
    }


def test_full_identity_with_view_identity(world, as_user, households):
    zhang = households["zhang"]
    body = as_user(world.admin).get(f"{URL}{zhang.id}/").json()
    assert body["identity_visible"] is True
    assert body["phone"] == "+8613812345678"
    assert [r["id_number"] for r in body["residents"]] == [make_id_number(1), make_id_number(2)]
    assert body["residents"][0]["phone"] == "+8613812345678"


def test_masked_identity_without_view_identity(world, as_user, households, officer_a):
    zhang = households["zhang"]
    body = as_user(officer_a).get(f"{URL}{zhang.id}/").json()
    assert body["identity_visible"] is False and body["phone"] == "138****5678"
    numbers = [r["id_number"] for r in body["residents"]]
    assert numbers == [
        make_id_number(1)[:6] + "********" + make_id_number(1)[-4:],
        Resident.objects.get(name="张老太").id_number_masked,
    ]
    assert all("*" in n for n in numbers)
    listed = {row["id"]: row for row in as_user(officer_a).get(URL).json()["results"]}
    assert listed[zhang.id]["phone"] == "138****5678" and "residents" not in listed[zhang.id]


def test_grid_worker_sees_full_identity_only_on_their_grid(world, as_user, households, make_worker):
    worker = make_worker(world.grids["411425100"][0])
    client = as_user(worker)
    assert ids(client.get(URL)) == {households["zhang"].id}
    assert client.get(f"{URL}{households['zhang'].id}/").json()["residents"][0]["id_number"] == make_id_number(1)
    assert client.get(f"{URL}{households['li'].id}/").status_code == 404


def test_filters(world, as_user, households):
    client = as_user(world.admin)
    zhang, li, zhao = households["zhang"].id, households["li"].id, households["zhao"].id
    assert ids(client.get(URL)) == {zhang, li, zhao}
    assert ids(client.get(URL, {"township": world.a.id})) == {zhang, li}
    assert ids(client.get(URL, {"village": world.villages["411425100"][1].id})) == {li}
    assert ids(client.get(URL, {"grid": world.grids["411425100"][0].id})) == {zhang}
    assert ids(client.get(URL, {"colour": "red"})) == {li}
    assert ids(client.get(URL, {"register_status": "living_here_only"})) == {li}
    assert ids(client.get(URL, {"tag": "elderly_alone"})) == {zhang}
    assert ids(client.get(URL, {"tag": "mental", "township": world.a.id})) == {li}
    assert ids(client.get(URL, {"tag": "correction"})) == set()
    assert ids(client.get(URL, {"head_name": "大山"})) == {zhang}


@pytest.mark.parametrize("level", ["county", "township", "village", "grid"])
def test_under_any_level(world, as_user, households, level):
    area = {
        "county": world.county,
        "township": world.b,
        "village": world.villages["411425200"][0],
        "grid": world.grids["411425200"][0],
    }[level]
    expected = {h.id for h in households.values()} if level == "county" else {households["zhao"].id}
    assert ids(as_user(world.admin).get(URL, {"under": area.id})) == expected


def test_search_by_id_number(world, as_user, households, officer_a):
    client = as_user(world.admin)
    assert ids(client.get(URL, {"id_number": make_id_number(2)})) == {households["zhang"].id}
    assert ids(client.get(URL, {"id_number": make_id_number(2).lower()})) == {households["zhang"].id}
    assert ids(client.get(URL, {"id_number": make_id_number(4)})) == {households["zhao"].id}
    assert ids(client.get(URL, {"id_number": make_id_number(9)})) == set()  # valid, nobody has it
    # Officer A's search stops at their township: 赵五 lives in township B.
    assert ids(as_user(officer_a).get(URL, {"id_number": make_id_number(4)})) == set()
    assert Resident.objects.filter(id_number_digest=id_number_digest(make_id_number(4))).exists()


def test_search_by_legacy_15_digit_number(world, as_user, make_household):
    # 15-digit 110105491231002 is 11010519491231002X today.
    household = make_household(
        world.grids["411425100"][0], residents=[ResidentInput(name="老人", id_number="11010519491231002X")]
    )
    assert ids(as_user(world.admin).get(URL, {"id_number": "110105491231002"})) == {household.id}


@pytest.mark.parametrize("raw", ["12345", "110105198001010011", "ABCDEFGHIJKLMNOPQR", "110105198002300015"])
def test_malformed_id_number_is_400(world, as_user, raw):
    only_chinese_errors(as_user(world.admin).get(URL, {"id_number": raw}), "id_number")


@pytest.mark.parametrize(
    "params,field",
    [({"colour": "blue"}, "colour"), ({"tag": "vip"}, "tag"), ({"grid": "x"}, "grid"), ({"under": "1e3"}, "under")],
)
def test_bad_filters_are_400(world, as_user, params, field):
    only_chinese_errors(as_user(world.admin).get(URL, params), field)


# ---------------------------------------------------------------------------- update


def test_update_household(world, as_user, households, officer_a):
    li = households["li"]
    target = world.grids["411425100"][1]
    response = as_user(officer_a).patch(
        f"{URL}{li.id}/", {"colour": "green", "phone": "0370-4123456", "grid": target.id}, format="json"
    )
    assert response.status_code == 200, response.content
    li.refresh_from_db()
    assert (li.colour, li.phone, li.grid, li.village) == (
        "green",
        "+863704123456",
        target,
        world.villages["411425100"][0],
    )
    assert response.json()["grid"] == target.id and len(response.json()["residents"]) == 1


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"number": "NEW-1"}, "number"),
        ({"residents": []}, "residents"),
        ({"township": 1}, "township"),
        ({"nickname": "x"}, "nickname"),
        ({"colour": "blue"}, "colour"),
        ({"phone": "abc"}, "phone"),
        ({"head_name": ""}, "head_name"),
        ({"register_status": "living_here_only", "registered_place": ""}, "registered_place"),
        ({"grid": "VILLAGE"}, "grid"),
        ({"grid": 99999999}, "grid"),
        ({"grid": "OTHER_TOWNSHIP"}, "grid"),  # outside officer A's scope: as if it did not exist
    ],
)
def test_update_bad_input_is_400(world, as_user, households, officer_a, changes, field):
    zhang = households["zhang"]
    replacements = {"VILLAGE": world.villages["411425100"][0].id, "OTHER_TOWNSHIP": world.grids["411425200"][1].id}
    changes = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    only_chinese_errors(as_user(officer_a).patch(f"{URL}{zhang.id}/", changes, format="json"), field)
    fresh = Household.objects.get(pk=zhang.pk)
    assert (fresh.number, fresh.colour, fresh.grid_id, fresh.head_name) == (
        zhang.number,
        zhang.colour,
        zhang.grid_id,
        zhang.head_name,
    )


def test_update_needs_change_rights(world, as_user, households, operator):
    zhang = households["zhang"]
    client = as_user(operator)
    assert client.get(f"{URL}{zhang.id}/").status_code == 200  # the operator sees it
    assert client.patch(f"{URL}{zhang.id}/", {"colour": "red"}, format="json").status_code == 403
    assert client.put(f"{URL}{zhang.id}/residents/", {"residents": []}, format="json").status_code == 403
    assert (
        Household.objects.get(pk=zhang.pk).colour == "green" and Resident.objects.filter(household=zhang).count() == 2
    )


@pytest.fixture
def worker_and_leader(world, make_worker):
    """Grid worker on grid A0 (may change it) and grid leader of village A1 (sees A0 and A1, changes neither)."""
    user = make_worker(world.grids["411425100"][0])
    services.assign(user=user, area=world.villages["411425100"][0], role=Role.GRID_LEADER)
    return user


def test_moving_needs_change_rights_on_the_new_grid(world, as_user, households, worker_and_leader):
    zhang, seen_only = households["zhang"], world.grids["411425100"][1]
    client = as_user(worker_and_leader)
    assert client.get(f"/api/v1/areas/{seen_only.id}/").status_code == 200
    response = client.patch(f"{URL}{zhang.id}/", {"grid": seen_only.id}, format="json")
    assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert Household.objects.get(pk=zhang.pk).grid_id == world.grids["411425100"][0].id
    unseen = world.grids["411425100"][2]  # another village: not even visible → as if missing
    only_chinese_errors(client.patch(f"{URL}{zhang.id}/", {"grid": unseen.id}, format="json"), "grid")


def test_create_needs_change_rights_on_that_grid(world, as_user, worker_and_leader):
    client = as_user(worker_and_leader)
    refused = client.post(URL, new_household(world.grids["411425100"][1]), format="json")
    assert refused.status_code == 403
    assert client.post(URL, new_household(world.grids["411425100"][0]), format="json").status_code == 201


# ---------------------------------------------------------------------------- residents


def test_replace_residents(world, as_user, households, officer_a):
    zhang = households["zhang"]
    body = {
        "residents": [
            {"name": "张大山", "relation": "head", "id_number": make_id_number(1)},
            {"name": "张小山", "relation": "child", "id_number": "440524188001010014", "tags": ["left_behind_child"]},
            {"name": "张小妹", "relation": "child"},
        ]
    }
    response = as_user(officer_a).put(f"{URL}{zhang.id}/residents/", body, format="json")
    assert response.status_code == 200, response.content
    assert [r["name"] for r in response.json()["residents"]] == ["张大山", "张小山", "张小妹"]
    assert len(response.json()["warnings"]) == 1 and "440524" in response.json()["warnings"][0]
    assert not Resident.objects.filter(name="张老太").exists()
    assert ids(as_user(world.admin).get(URL, {"tag": "left_behind_child"})) == {zhang.id}


@pytest.mark.parametrize(
    "body,item",
    [
        ({}, None),
        ({"residents": {"name": "x"}}, None),
        ({"residents": [{"name": "王五", "id_number": "123"}]}, 0),
        ({"residents": [{"name": "甲"}, {"name": "王五", "relation": "boss"}]}, 1),
        ({"residents": [{"name": "王五", "tags": ["unknown-tag"]}]}, 0),
    ],
)
def test_replace_residents_bad_input_is_400(world, as_user, households, officer_a, body, item):
    zhang = households["zhang"]
    response = as_user(officer_a).put(f"{URL}{zhang.id}/residents/", body, format="json")
    only_chinese_errors(response, "residents", item)
    assert Resident.objects.filter(household=zhang).count() == 2  # nothing replaced


# ---------------------------------------------------------------------------- query counts


def _populate(world, make_household, make_resident, start, n):
    grids = world.grids["411425100"] + world.grids["411425200"]
    for i in range(start, start + n):
        make_household(
            grids[i % len(grids)],
            phone="13812345678",
            residents=[
                make_resident(f"户主{i}", seq=i, tags=["elderly_alone", "disabled"]),
                make_resident(f"家属{i}", seq=500 + i),
            ],
        )


@pytest.mark.parametrize("who", ["admin", "officer", "grid_worker"])
@pytest.mark.parametrize("params", [{}, {"under": "TOWN_A", "tag": "elderly_alone"}, {"id_number": "SEQ0"}])
def test_list_queries_do_not_grow_with_data(
    world, as_user, count_queries, make_household, make_resident, make_worker, who, params
):
    user = {
        "admin": world.admin,
        "officer": world.officers["411425100"],
        "grid_worker": make_worker(world.grids["411425100"][0]),
    }[who]
    client = as_user(user)
    # A grid worker sees only their grid: filter under it instead of under the township.
    under = world.grids["411425100"][0] if who == "grid_worker" else world.a
    values = {"TOWN_A": under.id, "SEQ0": make_id_number(0)}
    params = {k: values.get(v, v) for k, v in params.items()}

    def fetch():
        response = client.get(URL, params)
        assert response.status_code == 200
        return len(response.json()["results"])

    _populate(world, make_household, make_resident, 0, 1)
    small, small_queries = count_queries(fetch)
    assert small == 1
    _populate(world, make_household, make_resident, 1, 24)
    if "id_number" in params:  # more households share the searched number now
        _populate(world, make_household, make_resident, 1000, 8)  # seq 1000 % 1000 == 0
    large, large_queries = count_queries(fetch)
    assert large > small
    assert large_queries == small_queries


def test_detail_queries_do_not_grow_with_residents(world, as_user, count_queries, make_household, make_resident):
    grid = world.grids["411425100"][0]
    few = make_household(grid, residents=[make_resident("甲", seq=1, tags=["disabled"])])
    many = make_household(
        grid, residents=[make_resident(f"乙{i}", seq=i, tags=["disabled", "mental"]) for i in range(12)]
    )
    client = as_user(world.admin)
    _r, few_queries = count_queries(lambda: client.get(f"{URL}{few.id}/"))
    response, many_queries = count_queries(lambda: client.get(f"{URL}{many.id}/"))
    assert len(response.json()["residents"]) == 12
    assert few_queries == many_queries
