"""抽查 (spot checks) from the API and the page, not only the admin: township and village staff
record a spot check of a grid worker they oversee; it counts in the worker's month; bad input is a
400 (API) or a form error (page) with nothing written; lists are scoped and do not grow queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.roles import Role
from grids import fieldwork
from grids.models import SpotCheck

API = "/api/v1/fieldwork/spot-checks/"
PAGE = "/spot-checks/"


@pytest.fixture
def staff(world, make_worker):
    """A worker on 城关镇's first grid and one on 肖旗乡's; the two townships' officers."""
    return {
        "worker_a": make_worker(world.grids[world.a.code][0]),
        "worker_b": make_worker(world.grids[world.b.code][0]),
        "officer_a": world.officers[world.a.code],
        "officer_b": world.officers[world.b.code],
    }


def test_officer_records_a_spot_check_that_counts_in_the_month(world, as_user, staff):
    today = timezone.localdate()
    client = as_user(staff["officer_a"])
    r = client.post(API, {"worker": staff["worker_a"].pk, "day": str(today), "passed": False, "note": "台账不全"},
                    format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["worker"], body["passed"], body["checked_by"]) == (staff["worker_a"].pk, False, staff["officer_a"].pk)
    assert body["grid"] == world.grids[world.a.code][0].pk
    rows = fieldwork.rate_month(month=today, platform_counts={})
    row = next(r for r in rows if r.worker_id == staff["worker_a"].pk)
    assert (row.spot_passed, row.spot_failed) == (0, 1)
    assert [c["id"] for c in client.get(API).json()["results"]] == [body["id"]]
    assert as_user(staff["officer_b"]).get(API).json()["results"] == []  # another township's officer


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"worker": "worker_b"}, "worker"),  # another township's worker: not theirs to check
        ({"worker": 999999}, "worker"),
        ({"day": "2099-01-01"}, "day"),
        ({"day": "明天"}, "day"),
        ({"passed": None}, "passed"),
        ({"note": "长" * 501}, "note"),
    ],
)
def test_bad_input_is_a_400_with_chinese_messages(as_user, staff, payload, field):
    data = {"worker": staff["worker_a"].pk, "day": str(timezone.localdate()), "passed": True, "note": ""}
    data.update({k: staff[v] .pk if isinstance(v, str) and v in staff else v for k, v in payload.items()})
    r = as_user(staff["officer_a"]).post(API, data, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(r.json()[field]))
    assert not SpotCheck.objects.exists()


def test_a_worker_cannot_spot_check_themselves(as_user, staff):
    r = as_user(staff["worker_a"]).post(
        API, {"worker": staff["worker_a"].pk, "day": str(timezone.localdate()), "passed": True}, format="json"
    )
    assert r.status_code == 400 and "worker" in r.json()
    page = as_user(staff["worker_a"]).get(PAGE)  # they see the spot checks of their grid, no form
    assert page.status_code == 200 and "登记抽查" not in page.content.decode()


def test_page_form_records_and_shows_errors(world, as_user, staff, make_worker):
    head = make_worker(world.villages[world.a.code][0], role=Role.VILLAGE_HEAD)
    client = as_user(head)
    page = client.get(PAGE).content.decode()
    assert "登记抽查" in page and staff["worker_a"].full_name in page
    assert f'value="{staff["worker_b"].pk}"' not in page  # not in the village head's village
    bad = client.post(PAGE, {"worker": staff["worker_a"].pk, "day": "2099-01-01", "passed": "1"})
    assert bad.status_code == 200 and "抽查日期不能晚于今天" in bad.content.decode()
    assert not SpotCheck.objects.exists()
    day = timezone.localdate() - dt.timedelta(days=1)
    ok = client.post(PAGE, {"worker": staff["worker_a"].pk, "day": str(day), "passed": "1", "note": "巡查记录完整"})
    assert ok.status_code == 302
    check = SpotCheck.objects.get()
    assert (check.worker, check.checked_by, check.day, check.passed) == (staff["worker_a"], head, day, True)
    assert "巡查记录完整" in client.get(PAGE).content.decode()
    department = make_worker(world.county, role=Role.DEPARTMENT_OFFICER)
    assert as_user(department).get(PAGE).status_code == 403


def test_lists_do_not_grow_queries(world, as_user, staff):
    client = as_user(world.admin)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def add(n):
        for i in range(n):
            fieldwork.record_spot_check(
                worker=staff["worker_a" if i % 2 else "worker_b"], checked_by=world.admin,
                day=timezone.localdate(), passed=bool(i % 3), note=f"第{i}次",
            )

    add(1)
    small = {url: count(url) for url in (API, PAGE)}
    add(6)
    assert {url: count(url) for url in (API, PAGE)} == small
