"""家家帮 pairs with their help log, 挨户防 units and micro-grids with members and leaders kept
as periods (who led the unit on a given day)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from care import neighbours
from care.models import HelpLog, UnitMember
from grids.household_services import ResidentInput, create_household

D1, D2, D3 = dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def _more_households(care, n, grid=None):
    grid = grid or care.world.grids[care.town.code][0]
    return [
        create_household(
            grid=grid,
            number=f"X{grid.code}{i:03d}",
            head_name=f"住户{i}",
            address=f"{i}号",
            residents=[ResidentInput(name=f"居民{i}", relation="head")],
        )[0]
        for i in range(n)
    ]


def test_pair_help_and_end(care):
    helper, helped = care.households
    row = neighbours.pair(actor=care.head, helper_id=helper.pk, helped_id=helped.pk, need="elderly", start_date=D1)
    neighbours.log_help(actor=care.head, pair_id=row.pk, kind="cleaning", helped_on=D2, note="打扫院子")
    with pytest.raises(ValidationError) as exc:
        neighbours.log_help(actor=care.head, pair_id=row.pk, kind="nonsense", helped_on=D1 - dt.timedelta(days=1))
    assert set(exc.value.message_dict) == {"kind", "helped_on"}
    with pytest.raises(ValidationError):
        neighbours.pair(actor=care.head, helper_id=helper.pk, helped_id=helped.pk, need="sick")  # already paired
    with pytest.raises(ValidationError):
        neighbours.pair(actor=care.head, helper_id=helper.pk, helped_id=helper.pk, need="sick")
    with pytest.raises(ValidationError):
        neighbours.end_pair(actor=care.head, pair_id=row.pk, reason="")
    neighbours.end_pair(actor=care.head, pair_id=row.pk, reason="受助户迁出", end_date=D3)
    again = neighbours.pair(actor=care.head, helper_id=helper.pk, helped_id=helped.pk, need="sick")
    assert again.pk != row.pk  # history: the ended pair stays
    with pytest.raises(Exception, match="pgtrigger"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM care_helplog")
    assert HelpLog.objects.count() == 1


def test_unit_members_and_leaders_with_history(care):
    households = [care.households[0], *_more_households(care, 3)]
    unit = neighbours.create_unit(
        actor=care.head, kind="watch", name="一组挨户防", household_ids=[h.pk for h in households[:3]], start_date=D1
    )
    first = households[0].residents.first()
    second = households[1].residents.first()
    neighbours.appoint_leader(actor=care.head, unit_id=unit.pk, resident_id=first.pk, start_date=D1)
    neighbours.appoint_leader(actor=care.head, unit_id=unit.pk, resident_id=second.pk, start_date=D2)
    assert neighbours.leader_on(unit, D1).resident == first
    assert neighbours.leader_on(unit, D2 - dt.timedelta(days=1)).resident == first
    assert neighbours.leader_on(unit, D2).resident == second
    assert neighbours.leader_on(unit, D1 - dt.timedelta(days=1)) is None
    with pytest.raises(ValidationError):  # a leader must live in a member household
        neighbours.appoint_leader(actor=care.head, unit_id=unit.pk, resident_id=households[3].residents.first().pk)
    neighbours.remove_member(actor=care.head, unit_id=unit.pk, household_id=households[2].pk, end_date=D3)
    assert {m.household_id for m in neighbours.members_on(unit, D2)} == {h.pk for h in households[:3]}
    assert {m.household_id for m in neighbours.members_on(unit, D3)} == {h.pk for h in households[:2]}
    other = neighbours.create_unit(actor=care.head, kind="micro", name="微网格一", household_ids=[households[0].pk])
    assert UnitMember.objects.filter(household=households[0], end_date__isnull=True).count() == 2  # one per kind
    with pytest.raises(ValidationError):  # a household is in one unit of a kind at a time
        neighbours.create_unit(actor=care.head, kind="watch", name="二组", household_ids=[households[0].pk])
    with pytest.raises(ValidationError):  # one grid per unit
        neighbours.add_members(actor=care.head, unit_id=other.pk, household_ids=[care.households[1].pk])
    with pytest.raises(PermissionDenied):
        neighbours.create_unit(actor=care.police, kind="watch", name="x", household_ids=[households[3].pk])


def test_unit_size_is_capped(care):
    households = _more_households(care, 21)
    with pytest.raises(ValidationError) as exc:
        neighbours.create_unit(actor=care.head, kind="micro", name="太大", household_ids=[h.pk for h in households])
    assert "households" in exc.value.message_dict


def test_api_pages_scope_and_query_counts(care, as_user):
    client = as_user(care.head)
    helper, helped = care.households
    made = client.post("/api/v1/care/pairs/", {"helper": helper.pk, "helped": helped.pk, "need": "sick"}, format="json")
    assert made.status_code == 201, made.json()
    assert client.post("/api/v1/care/pairs/", {}, format="json").status_code == 400
    pk = made.json()["id"]
    assert (
        client.post(
            f"/api/v1/care/pairs/{pk}/help/", {"kind": "errands", "helped_on": str(dt.date.today())}
        ).status_code
        == 201
    )
    assert as_user(care.other_worker).get(f"/api/v1/care/pairs/{pk}/").status_code == 404
    assert as_user(care.outsiders["credit_committee"]).get("/api/v1/care/units/").json()["results"] == []
    page = client.post("/care/neighbours/unit/", {"kind": "watch", "name": "一组", "households": ""})
    assert page.status_code == 302
    ok = client.post(
        "/care/neighbours/unit/", {"kind": "watch", "name": "一组", "households": care.households[0].number}
    )
    assert ok.status_code == 302

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = ["/care/neighbours/", "/api/v1/care/pairs/", "/api/v1/care/units/"]
    small = {u: count(u) for u in urls}
    extra = _more_households(care, 6, grid=care.world.grids[care.town.code][1])
    for a, b in zip(extra[::2], extra[1::2], strict=True):
        row = neighbours.pair(actor=care.head, helper_id=a.pk, helped_id=b.pk, need="elderly")
        neighbours.log_help(actor=care.head, pair_id=row.pk, kind="minding", helped_on=dt.date.today())
    unit = neighbours.create_unit(actor=care.head, kind="micro", name="二组", household_ids=[h.pk for h in extra])
    neighbours.appoint_leader(actor=care.head, unit_id=unit.pk, resident_id=extra[0].residents.first().pk)
    assert {u: count(u) for u in urls} == small
