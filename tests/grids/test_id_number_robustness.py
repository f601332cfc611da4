"""Issue 23 (3): a well-formed ID number with an unknown county code under a known province
(419999…) answered 500 on household create, residents update, the id_number filter and the import;
now it is accepted with a warning everywhere. An ID number already registered in another household
is flagged; the same number twice in one household is refused."""

import pytest

from grids.identity import check_character
from grids.models import Household, Resident
from grids.transfer.importers import import_file
from tests.grids.test_import_export import HOUSEHOLD_HEADER, csv_bytes, household_row

URL = "/api/v1/households/"


def unknown_county_number(seq: int = 6) -> str:
    first17 = f"41999919700101{seq:03d}"
    return first17 + check_character(first17)


def known_number(seq: int) -> str:
    first17 = f"41142519800101{seq:03d}"
    return first17 + check_character(first17)


def body(grid, number="H-419999", **resident):
    return {
        "grid": grid.id,
        "number": number,
        "head_name": "张三",
        "address": "一组",
        "residents": [{"name": "张三", "relation": "head", **resident}],
    }


def test_create_update_and_search_accept_an_unknown_county_with_a_warning(world, as_user):
    client = as_user(world.admin)
    grid = world.grids["411425100"][0]
    created = client.post(URL, body(grid, id_number=unknown_county_number()), format="json")
    assert created.status_code == 201, created.content
    assert any("419999" in w for w in created.json()["warnings"])
    hid = created.json()["id"]
    members = {"residents": [{"name": "李四", "id_number": unknown_county_number(7)}]}
    replaced = client.put(f"{URL}{hid}/residents/", members, format="json")
    assert replaced.status_code == 200, replaced.content
    assert any("419999" in w for w in replaced.json()["warnings"])
    found = client.post(f"{URL}search/", {"id_number": unknown_county_number(7)}, format="json")
    assert found.status_code == 200 and [h["id"] for h in found.json()["results"]] == [hid]


def test_an_import_row_with_an_unknown_county_is_a_warning_and_the_rest_is_written(world):
    grid = world.grids["411425100"][0].code
    rows = [
        household_row("H101", grid, "张三", member=("张三", "户主", known_number(1), "", "")),
        household_row("H102", grid, "李四", member=("李四", "户主", unknown_county_number(), "", "")),
        household_row("H103", grid, "王五", member=("王五", "户主", known_number(2), "", "")),
    ]
    report = import_file("households", csv_bytes(HOUSEHOLD_HEADER, rows), "h.csv")
    assert report.ok and report.written, report.errors
    assert [(w.line, w.column) for w in report.warnings] == [(3, "身份证号")]
    assert "419999" in report.warnings[0].message
    assert set(Household.objects.values_list("number", flat=True)) >= {"H101", "H102", "H103"}


def test_an_id_number_in_another_household_is_flagged(world, as_user):
    client = as_user(world.admin)
    grids = world.grids["411425100"]
    first = client.post(URL, body(grids[0], "H-DUP-1", id_number=known_number(5)), format="json")
    assert first.status_code == 201 and first.json()["warnings"] == []
    second = client.post(URL, body(grids[1], "H-DUP-2", id_number=known_number(5)), format="json")
    assert second.status_code == 201, second.content
    [warning] = second.json()["warnings"]
    assert "已在其他户登记" in warning and "H-DUP-1" not in warning
    # Re-entering the first household's own list is not a duplicate of itself.
    again = client.put(
        f"{URL}{first.json()['id']}/residents/",
        {"residents": [{"name": "张三", "id_number": known_number(5)}]},
        format="json",
    )
    assert [w for w in again.json()["warnings"] if "其他户" in w] == [
        "张三：该身份证号已在其他户登记，请核对是否重复。"
    ]


@pytest.mark.parametrize("endpoint", ["create", "residents"])
def test_the_same_id_number_twice_in_one_household_is_refused(world, as_user, endpoint):
    client = as_user(world.admin)
    grid = world.grids["411425100"][0]
    twice = [{"name": "甲", "id_number": known_number(8)}, {"name": "乙", "id_number": known_number(8)}]
    if endpoint == "create":
        response = client.post(URL, {**body(grid, "H-TWICE"), "residents": twice}, format="json")
    else:
        hid = client.post(URL, body(grid, "H-TWICE"), format="json").json()["id"]
        response = client.put(f"{URL}{hid}/residents/", {"residents": twice}, format="json")
    assert response.status_code == 400, response.content
    assert "第 1 位成员" in str(response.json()["residents"]["1"])
    assert not Resident.objects.filter(name="乙").exists()
