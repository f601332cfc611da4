"""Intake answers with the new case's detail built from the rows the report wrote (no read back,
incidents.intake._as_detail_read): it must be the very detail a `GET` of the case gives the
reporter, whatever the report carried — a photo, a chosen grid, parties from a household and by
name, a possible duplicate, an urgent category with its 115 timer and a suggested department."""

import uuid

import pytest

from tests.incidents.conftest import photo
from tests.incidents.test_intake_scope import household

URL = "/api/v1/cases/"


def _post(client, body, files=False):
    return client.post(
        URL, body, format="multipart" if files else "json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )


def _same_as_a_get(client, answer):
    assert answer.status_code == 201, answer.content
    posted = answer.json()
    read = client.get(f"{URL}{posted['id']}/").json()
    # the seconds left run on between the two requests (reported cases have no deadline: None)
    assert abs((posted.pop("time_left_seconds") or 0) - (read.pop("time_left_seconds") or 0)) <= 2
    assert posted == read
    return posted


def _body(loop, **overrides):
    return {
        "source": "grid_app",
        "category": loop.category("HJ01").id,
        "description": "村民建筑材料堆放占道，影响通行",
        "lat": 34.405,
        "lng": 115.905,
        "crs": "WGS84",
        **overrides,
    }


def test_a_report_with_a_photo_answers_its_detail(loop, as_user):
    worker = as_user(loop.worker)
    posted = _same_as_a_get(worker, _post(worker, {**_body(loop), "photos": [photo()]}, files=True))
    (event,) = posted["timeline"]
    assert event["action"] == "report" and event["actor_name"] == "网格员王"
    assert [a["original_name"] for a in event["attachments"]] == ["scene.jpg"]
    assert posted["suggested_unit_name"] and posted["number"].startswith("SJ")


def test_parties_a_chosen_grid_and_a_duplicate_answer_their_detail(loop, as_user):
    worker = as_user(loop.worker)
    home = household(loop.world.grids["411425200"][0], "H-ANSWER-1", "赵大")
    first = _same_as_a_get(worker, _post(worker, _body(loop)))
    body = _body(
        loop,
        grid=loop.world.grids["411425200"][0].id,
        lat=None,
        lng=None,
        parties=[{"household": home.id, "role": "responsible"}, {"name": "钱二"}],
    )
    second = _same_as_a_get(worker, _post(worker, {k: v for k, v in body.items() if v is not None}))
    assert [p["name"] for p in second["parties"]] == ["赵大", "钱二"]
    assert second["possible_duplicate_of"] == first["id"]
    assert second["possible_duplicate_of_number"] == first["number"]


@pytest.mark.parametrize("who", ["operator", "worker"])
def test_an_urgent_report_answers_its_detail(loop, as_user, who):
    client = as_user(getattr(loop, who))
    posted = _same_as_a_get(client, _post(client, _body(loop, category=loop.category("YJ01").id, source="hotline")))
    assert posted["urgency"] == "urgent"
    assert posted["suggested_unit_name"] == loop.unit("dept-emergency").name
