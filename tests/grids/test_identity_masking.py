"""Issue 23 (1): a masked ID number (`412321********4600`) hides exactly the birth date, so no
household, resident or export response may carry a birth date to a role without view_identity.

The attacker's rebuild is tried on everything such a role can fetch: every date-like value in
the response (ISO, YYYYMMDD, slashes, XLSX date cells) is put into the mask of every resident, and
no result may be the real number. A role with view_identity is the control: the same harness finds
the numbers there, so the test can fail."""

import datetime as dt
import io
import re

import openpyxl
import pytest

from governance.roles import Role
from grids import services
from grids.household_services import ResidentInput
from grids.identity import age_band, check_character
from grids.levels import AreaLevel
from grids.permissions import ROLE_AREA_PERMISSIONS
from grids.scoping import VIEW_IDENTITY
from grids.services import ROLE_LEVELS
from tests.factories import UserFactory
from tests.grids.conftest import make_id_number

HOUSEHOLDS = "/api/v1/households/"
EXPORT = "/api/v1/exports/households/"

WITHOUT_IDENTITY = sorted(role for role, perms in ROLE_AREA_PERMISSIONS.items() if VIEW_IDENTITY not in perms)
BIRTHS = ["19450305", "19700101", "19881231", "20010615", "20190909"]

_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?=(\d{4})(\d{2})(\d{2}))"),  # any eight digits in a row, overlapping
]


def date_candidates(text: str) -> set[str]:
    """Every YYYYMMDD a reader could take from `text`."""
    found = set()
    for pattern in _DATE_PATTERNS:
        for y, m, d in pattern.findall(text):
            try:
                found.add(dt.date(int(y), int(m), int(d)).isoformat().replace("-", ""))
            except ValueError:
                continue
    return found


def rebuilt(numbers: list[str], text: str) -> set[str]:
    """The real numbers an attacker rebuilds from their masks and the dates found in `text`."""
    dates = date_candidates(text)
    hits = set()
    for number in numbers:
        for d in dates:
            guess = number[:6] + d + number[-4:-1]
            if guess + check_character(guess) == number:
                hits.add(number)
    return hits


def xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    cells = []
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            if isinstance(value, dt.datetime | dt.date):
                value = value.strftime("%Y-%m-%d")
            cells.append("" if value is None else str(value))
    return "\t".join(cells)


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def registry(world, make_household):
    """Two households in 城关镇 and one in 肖旗乡, each member with a distinct birth date."""
    numbers, households = [], []
    grids = [world.grids["411425100"][0], world.grids["411425100"][2], world.grids["411425200"][0]]
    for i, grid in enumerate(grids):
        residents = []
        for j, birth in enumerate(BIRTHS):
            number = make_id_number(seq=10 * i + j + 1, birth=birth, region="412321" if j % 2 else "411425")
            numbers.append(number)
            residents.append(ResidentInput(name=f"成员{i}{j}", id_number=number))
        households.append(make_household(grid, residents=residents))
    return numbers, households


def person_in(role, world):
    user = UserFactory(username=f"probe-{role}")
    level = AreaLevel.COUNTY if AreaLevel.COUNTY in ROLE_LEVELS[role] else AreaLevel.TOWNSHIP
    services.assign(user=user, area=world.county if level == AreaLevel.COUNTY else world.a, role=role)
    return user


def everything_seen(client, world, households) -> str:
    """Every household, resident and export response the client can get, as one text."""
    parts = [client.get(HOUSEHOLDS).content.decode(), client.get(HOUSEHOLDS, {"page_size": 1}).content.decode()]
    for h in households:
        parts.append(client.get(f"{HOUSEHOLDS}{h.id}/").content.decode())
    for params in ({}, {"under": world.a.id}):
        csv_response = client.get(EXPORT, {"format": "csv", **params})
        parts.append(streamed(csv_response).decode("utf-8-sig", errors="replace"))
        xlsx_response = client.get(EXPORT, {"format": "xlsx", **params})
        if xlsx_response.status_code == 200:
            parts.append(xlsx_text(streamed(xlsx_response)))
    return "\n".join(parts)


@pytest.mark.parametrize("role", WITHOUT_IDENTITY)
def test_no_id_number_is_rebuilt_by_a_role_without_view_identity(world, as_user, registry, role):
    numbers, households = registry
    client = as_user(person_in(role, world))
    seen = everything_seen(client, world, households)
    assert rebuilt(numbers, seen) == set()
    assert not any(n in seen or n[6:14] in seen for n in numbers)


def test_no_id_number_is_rebuilt_from_a_write_response(world, as_user, registry, officer_a):
    """A township officer changes records without view_identity: create, residents and update
    answers carry the household with its residents, masked and without birth dates."""
    numbers, households = registry
    client = as_user(officer_a)
    new_number = make_id_number(seq=99, birth="19660707", region="411425")
    created = client.post(
        HOUSEHOLDS,
        {
            "grid": world.grids["411425100"][1].id,
            "number": "H-NEW-1",
            "head_name": "新户主",
            "address": "城关镇1村",
            "residents": [{"name": "新户主", "relation": "head", "id_number": new_number}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    replaced = client.put(
        f"{HOUSEHOLDS}{households[0].id}/residents/",
        {"residents": [{"name": "甲", "id_number": numbers[0]}, {"name": "乙", "id_number": numbers[1]}]},
        format="json",
    )
    assert replaced.status_code == 200, replaced.content
    patched = client.patch(f"{HOUSEHOLDS}{households[0].id}/", {"colour": "red"}, format="json")
    assert patched.status_code == 200, patched.content
    seen = "\n".join(r.content.decode() for r in (created, replaced, patched))
    assert rebuilt([*numbers, new_number], seen) == set()
    member = created.json()["residents"][0]
    assert member["birth_date"] is None and member["age_band"] == age_band(dt.date(1966, 7, 7))


def test_the_harness_finds_the_numbers_where_identity_may_be_seen(world, as_user, registry):
    """The control: an admin (view_identity) gets birth dates and full numbers, and the rebuild
    above recovers every one of them from the same responses."""
    numbers, households = registry
    seen = everything_seen(as_user(world.admin), world, households)
    assert rebuilt(numbers, seen) == set(numbers)
    body = as_user(world.admin).get(f"{HOUSEHOLDS}{households[0].id}/").json()
    assert body["residents"][0]["birth_date"] == "1945-03-05"


@pytest.mark.parametrize(
    "birth,on,band",
    [
        ("2010-06-01", "2026-05-31", "未满18岁"),
        ("2008-06-01", "2026-06-01", "18–29岁"),
        ("1986-12-31", "2026-12-30", "30–39岁"),
        ("1945-03-05", "2026-12-04", "80岁及以上"),
    ],
)
def test_age_band(birth, on, band):
    assert age_band(dt.date.fromisoformat(birth), dt.date.fromisoformat(on)) == band
    assert age_band(None) == ""


def test_every_role_without_identity_is_probed():
    """New roles join the probe by the permission table, not by hand."""
    assert {Role.TOWNSHIP_OFFICER, Role.COMMAND_OPERATOR, Role.CREDIT_COMMITTEE} <= set(WITHOUT_IDENTITY)
    assert Role.COMMAND_LEADER not in WITHOUT_IDENTITY
