"""Residents' key-person tags (社区矫正对象, 严重精神障碍患者 …) are shown only to the roles that manage
those people (`view_key_persons`): for every other role they are absent from the household API,
its `?tag=` filter, the ID-number search and the exports; a managing role is the control."""

import pytest

from governance.roles import Role
from grids.apps import KEY_PERSON_TAGS
from grids.household_services import ResidentInput
from grids.permissions import ROLE_AREA_PERMISSIONS
from grids.scoping import CHANGE, VIEW_KEY_PERSONS
from tests.grids.conftest import make_id_number
from tests.grids.test_identity_masking import EXPORT, HOUSEHOLDS, person_in, streamed, xlsx_text

OUTSIDE = sorted(role for role, perms in ROLE_AREA_PERMISSIONS.items() if VIEW_KEY_PERSONS not in perms)
TAG_NAMES = [name for _code, name in KEY_PERSON_TAGS]
SEARCH = f"{HOUSEHOLDS}search/"


@pytest.fixture
def tagged(world, make_household):
    """A household in 城关镇 whose two members carry every key-person tag between them."""
    codes = [code for code, _name in KEY_PERSON_TAGS]
    number = make_id_number(seq=7, birth="19600202")
    residents = [
        ResidentInput(name="甲", id_number=number, tags=codes[:2]),
        ResidentInput(name="乙", id_number=make_id_number(seq=8), tags=codes[2:]),
    ]
    return make_household(world.grids["411425100"][0], residents=residents), number


def everything_seen(client, world, household, number) -> tuple[str, list[dict]]:
    """Every household, resident, filter, search and export response the client can get."""
    responses = [
        client.get(HOUSEHOLDS),
        client.get(f"{HOUSEHOLDS}{household.id}/"),
        client.post(SEARCH, {"id_number": number}, format="json"),
    ]
    filtered = [client.get(HOUSEHOLDS, {"tag": code}) for code, _name in KEY_PERSON_TAGS]
    parts = [r.content.decode() for r in responses + filtered]
    for params in ({}, {"under": world.a.id}):
        parts.append(streamed(client.get(EXPORT, {"format": "csv", **params})).decode("utf-8-sig", errors="replace"))
        xlsx = client.get(EXPORT, {"format": "xlsx", **params})
        if xlsx.status_code == 200:
            parts.append(xlsx_text(streamed(xlsx)))
    return "\n".join(parts), [r.json() for r in filtered]


@pytest.mark.parametrize("role", OUTSIDE)
def test_tags_are_absent_for_every_outside_role(world, as_user, tagged, role):
    household, number = tagged
    client = as_user(person_in(role, world))
    seen, filtered = everything_seen(client, world, household, number)
    assert [name for name in TAG_NAMES if name in seen] == []
    assert all(page.get("results", []) == [] for page in filtered)  # the filter reveals no carrier
    detail = client.get(f"{HOUSEHOLDS}{household.id}/")
    if detail.status_code == 200:  # roles that see households at all see them without tags
        body = detail.json()
        assert body["key_persons_visible"] is False
        assert [r["tags"] for r in body["residents"]] == [[], []]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMAND_OPERATOR, Role.TOWNSHIP_OFFICER])
def test_tags_are_present_for_a_managing_role(world, as_user, tagged, role):
    """The control: the same harness finds every tag where they may be seen."""
    household, number = tagged
    client = as_user(person_in(role, world))
    seen, filtered = everything_seen(client, world, household, number)
    assert [name for name in TAG_NAMES if name not in seen] == []
    assert all([row["id"] for row in page["results"]] == [household.id] for page in filtered)
    body = client.get(f"{HOUSEHOLDS}{household.id}/").json()
    assert body["key_persons_visible"] is True
    assert {t["code"] for r in body["residents"] for t in r["tags"]} == {code for code, _name in KEY_PERSON_TAGS}


def test_the_outside_roles_are_probed_and_every_writer_may_see_tags():
    """New roles join the probe by the permission table; whoever may rewrite a resident list
    (change_area_records) sees its tags, so none are dropped unseen."""
    assert {Role.DEPARTMENT_OFFICER, Role.INSURER, Role.CREDIT_COOPERATIVE, Role.CREDIT_COMMITTEE} <= set(OUTSIDE)
    assert [role for role, perms in ROLE_AREA_PERMISSIONS.items() if CHANGE in perms and role in OUTSIDE] == []
