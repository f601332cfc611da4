"""Issue 18 (2): configuration edits write an append-only ConfigChange row with who, where, and
the fields before and after — one mechanism for the admin, the console and the API
(governance/config_changes.py). The console's catalogue edits: tests/incidents/test_console.py."""

import datetime as dt

import pytest
from django.db import connection, transaction

from governance.models import CalendarDay, ConfigChange
from tests.factories import UserFactory
from tests.forms import page_forms

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


# Models an admin can add, change or delete that are not configuration, and why.
NOT_CONFIGURATION = {
    "knox.authtoken": "a signed-in person's token, not a setting; its secret must never enter a trail",
    "otp_totp.totpdevice": "a person's second factor; its key must never enter a trail",
    "axes.accessattempt": "written by every failed sign-in itself; an admin's unlock removes the row",
    "axes.accesslog": "the sign-in log itself",
    "axes.accessfailurelog": "the sign-in log itself",
    "governance.job": "a background job's own record (an export, an import)",
    "governance.deliveryattempt": "a notification's delivery record",
    "grids.spotcheck": "a record of work (a spot check of a grid worker), kept with who checked",
    "grids.leaderreview": "a record of work (a leader's review), kept with who reviewed",
    "credit.safevillage": "a record of a village's yearly title, kept with who recorded it",
    "credit.pensionenrolment": "a household's fact, kept with who recorded it",
}


def _editable_models(request):
    """(model, how) for every model the admin lets a superuser add, change or delete — each
    registered model and each inline on its pages."""
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            yield model, "admin"
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                yield inline.model, f"inline of {model._meta.label}"


def test_every_model_an_admin_can_edit_is_configuration_or_named_as_not_with_a_reason(rf, superuser):
    from django.conf import settings

    request = rf.get("/admin/")
    request.user = superuser
    configuration = {label.lower() for label in settings.CONFIGURATION_MODELS}
    editable = {model._meta.label_lower: how for model, how in _editable_models(request)}
    unaccounted = {label: how for label, how in editable.items() if label not in configuration | set(NOT_CONFIGURATION)}
    assert not unaccounted, f"add to settings.CONFIGURATION_MODELS or to NOT_CONFIGURATION with a reason: {unaccounted}"
    assert set(NOT_CONFIGURATION) <= set(editable), "an exemption for a model the admin no longer edits"
    assert {"incidents.responselimit", "django_celery_beat.periodictask"} <= configuration & set(editable)


def test_urgent_response_limits_and_periodic_tasks_edited_in_the_admin_are_recorded(client, superuser):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from incidents.models import Category, ResponseLimit

    client.force_login(superuser)
    category = Category.objects.create(code="9901", name="火情")
    limit = ResponseLimit.objects.create(category=category)
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="sweep", task="incidents.tasks.sweep", interval=every, enabled=True)

    response = _post_as_shown(client, f"/admin/django_celery_beat/intervalschedule/{every.pk}/change/", every="30")
    assert response.status_code == 302, response.content.decode()[-3000:]
    response = client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [task.pk]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.enabled is False
    response = _post_as_shown(client, f"/admin/incidents/category/{category.pk}/change/", arrive_seconds="240")
    assert response.status_code == 302, response.content.decode()[-3000:]
    limit.refresh_from_db()
    assert limit.arrive_seconds == 240

    rows = {row.model: row for row in ConfigChange.objects.all()}
    assert (rows["django_celery_beat.intervalschedule"].before, rows["django_celery_beat.intervalschedule"].after) == (
        {"every": 10},
        {"every": 30},
    )
    assert rows["django_celery_beat.periodictask"].before["enabled"] is True
    assert rows["django_celery_beat.periodictask"].after["enabled"] is False
    assert rows["django_celery_beat.periodictask"].user == superuser
    assert (rows["incidents.responselimit"].before, rows["incidents.responselimit"].after) == (
        {"arrive_seconds": 300},
        {"arrive_seconds": 240},
    )
    assert rows["incidents.responselimit"].via == "admin"


def _post_as_shown(client, url, **changes):
    """Post the admin's change form back as the page shows it, but for the fields named in
    `changes` (an inline's field by the last part of its name: `arrive_seconds` for
    `response_limit-0-arrive_seconds`)."""
    page = client.get(url)
    form = max(page_forms(page.content.decode()), key=lambda f: len(f.controls))
    fields, changed = [], set()
    for control in form.controls:
        if control.tag == "select":
            value = control.selected if control.selected is not None else ""
        elif control.type in ("checkbox", "radio"):
            if not control.checked:
                continue
            value = control.value or "on"
        elif control.type in ("submit", "button", "file"):
            continue
        else:
            value = control.value
        short = control.name.rsplit("-", 1)[-1]
        if short in changes:
            value, _ = changes[short], changed.add(short)
        fields.append((control.name, value))
    assert changed == set(changes), f"not on the page: {set(changes) - changed}"
    return client.post(url, dict(fields))
