"""Intake answers with the new case's detail built from the rows the report wrote (no read back,
incidents.intake._as_detail_read): it must be the very detail a `GET` of the case gives the
reporter, whatever the report carried — a photo, a chosen grid, parties from a household and by
name, a possible duplicate, an urgent category with its 115 timer and a suggested department."""

import pytest

from tests.incidents.test_api import post_report
from tests.incidents.test_intake_scope import household
from tests.incidents.test_intake_scope import post as post_json

URL = "/api/v1/cases/"


def _same_as_a_get(client, answer):
    assert answer.status_code == 201, answer.content
    posted = answer.json()
    read = client.get(f"{URL}{posted['id']}/").json()
    # the seconds left run on between the two requests (reported cases have no deadline: None)
    assert abs((posted.pop("time_left_seconds") or 0) - (read.pop("time_left_seconds") or 0)) <= 2
    assert posted == read
    return posted


def test_a_report_with_a_photo_answers_its_detail(loop, as_user):
    worker = as_user(loop.worker)
    posted = _same_as_a_get(worker, post_report(worker, loop))
    (event,) = posted["timeline"]
    assert event["action"] == "report" and event["actor_name"] == "网格员王"
    assert [a["original_name"] for a in event["attachments"]] == ["scene.jpg"]
    assert posted["suggested_unit_name"] and posted["number"].startswith("SJ")


def test_parties_a_chosen_grid_and_a_duplicate_answer_their_detail(loop, as_user):
    worker = as_user(loop.worker)
    home = household(loop.world.grids["411425200"][0], "H-ANSWER-1", "赵大")
    first = _same_as_a_get(worker, post_json(worker, loop))
    parties = [{"household": home.id, "role": "responsible"}, {"name": "钱二"}]
    chosen = {"grid": loop.world.grids["411425200"][0].id, "lat": None, "lng": None, "parties": parties}
    second = _same_as_a_get(worker, post_json(worker, loop, **chosen))
    assert [p["name"] for p in second["parties"]] == ["赵大", "钱二"]
    assert second["possible_duplicate_of"] == first["id"]
    assert second["possible_duplicate_of_number"] == first["number"]


@pytest.mark.parametrize("who", ["operator", "worker"])
def test_an_urgent_report_answers_its_detail(loop, as_user, who):
    client = as_user(getattr(loop, who))
    urgent = {"category": loop.category("YJ01").id, "source": "hotline", "photos": None}
    posted = _same_as_a_get(client, post_report(client, loop, **urgent))
    assert posted["urgency"] == "urgent"
    assert posted["suggested_unit_name"] == loop.unit("dept-emergency").name
