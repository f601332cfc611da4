"""Issue 18 (2): configuration edits write an append-only ConfigChange row with who, where, and
the fields before and after — one mechanism for the admin, the console and the API
(governance/config_changes.py). The console's catalogue edits: tests/incidents/test_console.py."""

import datetime as dt

import pytest
from django.db import connection, transaction

from governance.models import CalendarDay, ConfigChange
from tests.factories import UserFactory

DAYS = "/admin/governance/calendarday/"
LOGIN = "/accounts/login/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_admin_add_change_delete_are_recorded_with_before_and_after(client, superuser):
    client.force_login(superuser)
    response = client.post(f"{DAYS}add/", {"date": "2031-01-01", "name": "元旦"})
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    client.post(f"{DAYS}{day.pk}/change/", {"date": "2031-01-01", "name": "元旦", "is_workday": "on"})
    client.post(f"{DAYS}{day.pk}/change/", {"date": "2031-01-01", "name": "元旦", "is_workday": "on"})  # no change
    client.post(f"{DAYS}{day.pk}/delete/", {"post": "yes"})
    assert not CalendarDay.objects.exists()

    rows = list(ConfigChange.objects.order_by("id"))
    assert [r.action for r in rows] == ["add", "change", "delete"]
    assert {(r.user_id, r.via, r.model, r.object_id) for r in rows} == {
        (superuser.pk, "admin", "governance.calendarday", str(day.pk))
    }
    assert rows[0].before == {} and rows[0].after == {
        "id": day.pk,
        "date": "2031-01-01",
        "is_workday": False,
        "name": "元旦",
    }
    assert (rows[1].before, rows[1].after) == ({"is_workday": False}, {"is_workday": True})
    assert rows[2].before["is_workday"] is True and rows[2].after == {}
    assert rows[2].object_repr.startswith("2031-01-01 元旦")


def test_a_password_is_never_written_and_a_sign_in_is_not_a_change(client, superuser):
    client.force_login(superuser)
    person = UserFactory(username="clerk")
    old_hash = person.password
    response = client.post(
        f"/admin/governance/user/{person.pk}/password/",
        {"password1": "Zx!v9-long-secret", "password2": "Zx!v9-long-secret"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    row = ConfigChange.objects.get(model="governance.user")
    assert set(row.before) == set(row.after) == {"password"}
    assert row.before["password"] != row.after["password"]
    text = str(row.before) + str(row.after)
    assert old_hash not in text and person.password not in text and "pbkdf2" not in text

    response = client.post(LOGIN, {"username": "clerk", "password": "Zx!v9-long-secret"})
    assert response.status_code == 302  # signed in: the save of last_login is not a change
    assert ConfigChange.objects.count() == 1


def test_api_edits_are_recorded_and_edits_outside_a_request_are_not(world, as_user):
    CalendarDay.objects.create(date=dt.date(2031, 5, 1), name="劳动节")  # a shell, the demo seed
    assert not ConfigChange.objects.exists()
    client = as_user(world.admin)
    response = client.patch(f"/api/v1/areas/{world.a.pk}/", {"name": "城关镇（新）"}, format="json")
    assert response.status_code == 200, response.content
    row = ConfigChange.objects.get()
    assert (row.user, row.via, row.model, row.action) == (world.admin, "api", "grids.area", "change")
    assert (row.before, row.after) == ({"name": "城关镇"}, {"name": "城关镇（新）"})


def test_the_trail_cannot_be_rewritten_and_the_admin_lists_it_with_filters(client, superuser):
    client.force_login(superuser)
    client.post(f"{DAYS}add/", {"date": "2031-01-01", "name": "元旦"})
    page = client.get("/admin/governance/configchange/", {"action__exact": "add"})
    assert page.status_code == 200 and "元旦" in page.content.decode()
    assert "元旦" not in client.get("/admin/governance/configchange/", {"action__exact": "delete"}).content.decode()
    row = ConfigChange.objects.get()
    detail = client.get(f"/admin/governance/configchange/{row.pk}/change/").content.decode()
    assert "is_workday" in detail and "元旦" in detail
    assert client.post(f"/admin/governance/configchange/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    for statement in (
        "UPDATE governance_configchange SET after = '{}'",
        "DELETE FROM governance_configchange",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ConfigChange.objects.count() == 1
