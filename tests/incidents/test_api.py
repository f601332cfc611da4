"""The closed loop through the REST API, as the people in Baofeng's story would use it."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.constants import CaseStatus
from incidents.models import Case
from tests.incidents.conftest import photo


def post_report(client, loop, key=None, **overrides):
    data = {
        "source": "grid_app",
        "category": loop.category("HJ01").id,
        "description": "村民建筑材料堆放占道，影响通行",
        "lat": 34.405,
        "lng": 115.905,
        "crs": "WGS84",
        "photos": [photo()],
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/api/v1/cases/", data, format="multipart", HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex)


def act(client, case_id, action, **data):
    return client.post(
        f"/api/v1/cases/{case_id}/{action.replace('_', '-')}/", data, format="multipart" if "photos" in data else "json"
    )


def test_baofeng_story(loop, as_user):
    """A grid worker in a village of 肖旗乡 reports building materials blocking a road with a photo;
    the centre registers it; routing sends it to 肖旗乡; the township accepts, hands it down, the
    village disposes with a photo; the township verifies… the centre closes; the timeline shows
    every step with its actor; an officer of another township gets 404 at every step."""
    worker, centre = as_user(loop.worker), as_user(loop.operator)
    township = as_user(loop.world.officers["411425200"])
    village = as_user(loop.village_heads["411425200"])
    stranger = as_user(loop.world.officers["411425100"])

    def stranger_sees_nothing(case_id):
        assert stranger.get(f"/api/v1/cases/{case_id}/").status_code == 404
        assert act(stranger, case_id, "comment", note="路过").status_code == 404
        assert case_id not in [c["id"] for c in stranger.get("/api/v1/cases/").json()["results"]]

    response = post_report(worker, loop)
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["township_name"] == "肖旗乡" and case["status"] == "reported"
    assert case["suggested_unit_name"] == "肖旗乡综治中心"
    assert len(case["attachments"]) == 0 and case["timeline"][0]["attachments"][0]["content_type"] == "image/jpeg"
    cid = case["id"]
    stranger_sees_nothing(cid)

    steps = [
        (centre, "register", {}),
        (centre, "dispatch", {"unit": case["suggested_unit"]}),
        (township, "accept", {}),
        (township, "hand_down", {"unit": loop.unit(f"area-{loop.world.villages['411425200'][0].code}").id}),
        (village, "accept", {}),
        (village, "dispose", {"result": "已协调村民清理建筑材料，道路恢复通行", "photos": [photo("after.jpg")]}),
        (centre, "verify", {}),
        (centre, "close", {}),
    ]
    for client, action, data in steps:
        version = client.get(f"/api/v1/cases/{cid}/").json()["version"]
        response = act(client, cid, action, version=version, **data)
        assert response.status_code == 200, (action, response.json())
        stranger_sees_nothing(cid)
    final = centre.get(f"/api/v1/cases/{cid}/").json()
    assert final["status"] == "closed"
    timeline = [(e["action"], e["actor_name"]) for e in final["timeline"]]
    assert timeline == [
        ("report", "网格员王"),
        ("register", "值班员"),
        ("dispatch", "值班员"),
        ("accept", "肖旗乡干部"),
        ("hand_down", "肖旗乡干部"),
        ("accept", "肖旗乡1村站长"),
        ("dispose", "肖旗乡1村站长"),
        ("verify", "值班员"),
        ("close", "值班员"),
    ]
    dispose = final["timeline"][6]
    assert dispose["attachments"] and dispose["note"].startswith("已协调")


def test_idempotent_intake_over_http(loop, as_user):
    worker = as_user(loop.worker)
    first = post_report(worker, loop, key="retry-1", photos=[])
    again = post_report(worker, loop, key="retry-1", photos=[])
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    different = post_report(worker, loop, key="retry-1", photos=[], description="另一件事")
    assert different.status_code == 422
    missing = worker.post(
        "/api/v1/cases/",
        {"source": "grid_app", "category": loop.category("HJ01").id, "description": "x"},
        format="json",
    )
    assert missing.status_code == 400 and "idempotency_key" in missing.json()


def test_stale_action_is_409_and_changes_nothing(loop, as_user):
    centre = as_user(loop.operator)
    cid = post_report(as_user(loop.worker), loop).json()["id"]
    assert act(centre, cid, "register", version=1).status_code == 200
    stale = act(centre, cid, "reject", version=1, note="重复上报")
    assert stale.status_code == 409
    assert "已被他人处理" in stale.json()["detail"] and stale.json()["current_state"] == "registered"
    assert Case.objects.get(pk=cid).status == CaseStatus.REGISTERED
    wrong_state = act(centre, cid, "close")
    assert wrong_state.status_code == 409


def test_forbidden_action_of_a_visible_case_is_403(loop, as_user):
    cid = post_report(as_user(loop.worker), loop).json()["id"]
    response = act(as_user(loop.world.officers["411425200"]), cid, "register")
    assert response.status_code == 403 and "无权" in response.json()["detail"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"source": "fax"}, "source"),
        ({"category": 999999}, "category"),
        ({"description": ""}, "description"),
        ({"lat": 91}, "lat"),
        ({"lat": "北纬"}, "lat"),
        ({"crs": "MARS"}, "crs"),
        ({"lat": 10.0, "lng": 100.0}, "lat"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"self_resolved": True, "result": ""}, "result"),
    ],
)
def test_bad_intake_is_400_with_field_messages(loop, as_user, payload, field):
    response = post_report(as_user(loop.worker), loop, **payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and any("\u4e00" <= ch <= "\u9fff" for ch in str(body[field]))
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "action,payload,field",
    [
        ("reject", {"note": ""}, "note"),
        ("dispatch", {}, "unit"),
        ("dispatch", {"unit": 999999}, "unit"),
        ("merge", {"original": "abc"}, "original"),
        ("urge", {"grade": "purple"}, "grade"),
        ("callback", {"satisfaction": 9}, "satisfaction"),
        ("request_extension", {"until": "明天"}, "until"),
        ("register", {"version": 0}, "version"),
    ],
)
def test_bad_action_input_is_400(loop, as_user, action, payload, field):
    centre = as_user(loop.operator)
    cid = post_report(as_user(loop.worker), loop, photos=[]).json()["id"]
    response = act(centre, cid, action, **payload)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Case.objects.get(pk=cid).events.count() == 1


def test_list_filters(loop, as_user):
    worker, centre = as_user(loop.worker), as_user(loop.operator)
    a = post_report(worker, loop, photos=[]).json()["id"]
    b = post_report(worker, loop, photos=[], category=loop.category("XF01").id, lat=34.405, lng=115.935).json()["id"]
    c = post_report(
        centre, loop, photos=[], source="hotline", lat=None, lng=None, grid=loop.world.grids["411425100"][0].id
    ).json()["id"]
    act(centre, a, "register")

    def ids(query):
        response = centre.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {a, b, c}
    assert ids("status=registered") == {a}
    assert ids("status=reported&status=registered") == {a, b, c}
    assert ids(f"category={loop.category('HJ01').parent_id}") == {a, c}
    assert ids(f"category={loop.category('XF01').id}") == {b}
    assert ids(f"township={loop.world.a.id}") == {c}
    assert ids(f"under={loop.world.villages['411425200'][1].id}") == {b}
    assert ids("source=hotline") == {c}
    assert ids("q=飞线充电") == set() and ids("q=占道") == {a, b, c}
    number = centre.get(f"/api/v1/cases/{b}/").json()["number"]
    assert ids(f"q={number}") == {b}
    assert ids("overdue=true") == set()
    assert ids("unrouted=true") == set()
    assert centre.get("/api/v1/cases/?created_from=不是日期").status_code == 400


def test_list_and_detail_query_counts_stay_constant(loop, as_user):
    worker, centre = as_user(loop.worker), as_user(loop.operator)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert centre.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = post_report(worker, loop).json()["id"]
    small_list, small_detail = count("/api/v1/cases/"), count(f"/api/v1/cases/{first}/")
    for i in range(6):
        cid = post_report(worker, loop, lat=34.405, lng=115.905 + 0.01 * (i % 3)).json()["id"]
        act(centre, cid, "register")
        act(centre, cid, "comment", note=f"备注{i}")
        act(centre, first, "comment", note=f"原件备注{i}")
    assert count("/api/v1/cases/") == small_list
    assert count(f"/api/v1/cases/{first}/") == small_detail


def test_attachment_download_is_scoped(loop, as_user):
    case = post_report(as_user(loop.worker), loop).json()
    url = case["timeline"][0]["attachments"][0]["url"]
    own = as_user(loop.operator).get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert as_user(loop.world.officers["411425100"]).get(url).status_code == 404


def test_notifications_inbox(loop, as_user, django_capture_on_commit_callbacks):
    centre, township_user = as_user(loop.operator), loop.world.officers["411425200"]
    township = as_user(township_user)
    cid = post_report(as_user(loop.worker), loop).json()["id"]
    act(centre, cid, "register")
    with django_capture_on_commit_callbacks(execute=True):
        assert act(centre, cid, "dispatch", unit=loop.town_unit("411425200").id).status_code == 200
    assert township.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    inbox = township.get("/api/v1/notifications/").json()["results"]
    assert inbox[0]["kind"] == "dispatched" and inbox[0]["link"] == f"/cases/{cid}/"
    with django_capture_on_commit_callbacks(execute=True):
        act(centre, cid, "urge", note="请尽快签收", grade="yellow")
    assert township.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert township.post("/api/v1/notifications/mark-read/", {"ids": [inbox[0]["id"]]}, format="json").json() == {
        "marked": 1
    }
    assert township.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert centre.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_schema_lists_the_case_endpoints(as_user, loop):
    schema = as_user(loop.operator).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for action in [
        "register",
        "reject",
        "dispatch",
        "accept",
        "return",
        "hand-down",
        "escalate",
        "dispose",
        "verify",
        "rework",
        "close",
        "urge",
        "comment",
        "merge",
        "callback",
    ]:
        assert f"/api/v1/cases/{{id}}/{action}/" in paths


def test_reply_templates_for_a_category_and_action(loop, as_user):
    client = as_user(loop.operator)
    rows = client.get(f"/api/v1/reply-templates/?category={loop.category('MD02').id}&action=dispose").json()
    assert [r["text"] for r in rows] == ["经村调解委员会调解，双方达成一致意见，矛盾已化解。"]
    general = client.get("/api/v1/reply-templates/?action=reject").json()
    assert len(general) == 2 and all(r["category"] is None for r in general)
    assert client.get("/api/v1/reply-templates/?category=abc").status_code == 400
