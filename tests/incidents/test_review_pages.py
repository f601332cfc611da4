"""The rhythm's pages and API: each township sees its own figures, the centre sees all, rows
outside the scope are simply not there, and the weekly export carries the formulas."""

import io

import openpyxl
import pytest
import time_machine

from governance.roles import Role
from grids import services
from incidents.models import WeeklyScore
from incidents.reviews import daily, selectors, weekly
from incidents.reviews.models import ReviewRules
from tests.factories import UserFactory
from tests.incidents.test_daily_review import REVIEW_AT, day_set  # noqa: F401 - fixture
from tests.incidents.test_weekly_evaluation import MONDAY, week_set  # noqa: F401 - fixture

TOWN = "411425200"


@pytest.fixture
def reviewed(loop, day_set):  # noqa: F811
    with time_machine.travel(REVIEW_AT, tick=False):
        daily.run_daily_review()
    return loop


@pytest.fixture
def evaluated(loop, week_set):  # noqa: F811
    with time_machine.travel(MONDAY, tick=False):
        return weekly.run_weekly_evaluation()


def test_daily_page_shows_each_township_its_own_figures(reviewed, client):
    world = reviewed.world
    client.force_login(world.officers[TOWN])
    page = client.get("/reviews/daily/").content.decode()
    assert "2025年11月12日" in page and "肖旗乡1村" in page and "日清" in page
    client.force_login(world.officers[world.a.code])
    other = client.get("/reviews/daily/?day=2025-11-12").content.decode()
    assert "肖旗乡" not in other and "该日没有辖区内的日清记录" in other
    client.force_login(reviewed.operator)
    assert "肖旗乡1村" in client.get("/reviews/daily/").content.decode()


def test_daily_api_is_scoped_and_filtered(reviewed, as_user, django_assert_max_num_queries):
    world = reviewed.world
    own = as_user(world.officers[TOWN])
    with django_assert_max_num_queries(8):
        body = own.get("/api/v1/reviews/daily/", {"day": "2025-11-12", "level": "village"}).json()
    assert [r["area_name"] for r in body["results"]] == ["肖旗乡1村"]
    assert body["results"][0]["overdue"] == 2
    other = as_user(world.officers[world.a.code]).get("/api/v1/reviews/daily/").json()
    assert other["results"] == []


def test_weekly_page_ranks_and_boards_within_scope(evaluated, loop, client):
    world = loop.world
    client.force_login(world.officers[world.a.code])
    page = client.get("/reviews/weekly/?kind=village").content.decode()
    assert "城关镇1村" in page and "肖旗乡1村" not in page and "红榜" in page and "计算公式" in page
    client.force_login(loop.operator)
    page = client.get("/reviews/weekly/?kind=village").content.decode()
    assert "肖旗乡1村" in page and "39.83" in page


def test_the_boards_hold_only_the_county_top_and_bottom_ranks_whoever_looks(evaluated, loop):
    """A township officer's scoped rows: their village ranked 2nd of 4 is on neither board of one."""
    ReviewRules.objects.update_or_create(pk=1, defaults={"board_size": 1})
    last = max(WeeklyScore.objects.filter(evaluation=evaluated, kind="village").values_list("rank", flat=True))
    for officer in loop.world.officers.values():
        own = selectors.scores_for(officer, evaluated)
        top, bottom = weekly.board(evaluated, "village", own, size=1, prefecture=False)
        assert [s.rank for s in top] == list(own.filter(kind="village", rank=1).values_list("rank", flat=True))
        assert [s.rank for s in bottom] == list(own.filter(kind="village", rank=last).values_list("rank", flat=True))


def test_a_village_head_sees_the_own_village_in_the_inbox(reviewed, client):
    head = reviewed.village_heads[TOWN]
    client.force_login(head)
    page = client.get("/inbox/").content.decode()
    village = reviewed.world.villages[TOWN][0]
    assert f'data-daily="{village.pk}"' in page and "还没有日清记录" not in page


def test_weekly_api_scores_and_404_outside(evaluated, loop, as_user, django_assert_max_num_queries):
    world = loop.world
    officer = as_user(world.officers[world.a.code])
    with django_assert_max_num_queries(8):
        body = officer.get(f"/api/v1/reviews/weekly/{evaluated.pk}/scores/", {"kind": "township"}).json()
    assert [(r["name"], r["rank"]) for r in body["results"]] == [("城关镇", 1)]
    assert officer.get(f"/api/v1/reviews/weekly/{evaluated.pk + 1}/scores/").status_code == 404
    centre = as_user(loop.operator).get(f"/api/v1/reviews/weekly/{evaluated.pk}/scores/", {"kind": "township"})
    assert [r["rank"] for r in centre.json()["results"]] == [1, 2]


def test_weekly_export_holds_the_scoped_rows_and_the_formulas(evaluated, loop, client):
    client.force_login(loop.world.officers[TOWN])
    response = client.get(f"/reviews/weekly/{evaluated.pk}/export.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    villages = [row[1] for row in book["村、社区"].iter_rows(min_row=2, values_only=True)]
    own = WeeklyScore.objects.filter(evaluation=evaluated, kind="village", township=loop.world.towns[1])
    assert sorted(villages) == sorted(own.values_list("name", flat=True))
    formulas = {row[0]: row[1] for row in book["计算公式"].iter_rows(values_only=True) if row and row[0]}
    assert "结案数 ÷ 应结案数" in formulas["结案率"]
    # someone with no area sees no rows, so there is nothing to export
    client.force_login(UserFactory(username="nobody"))
    assert client.get(f"/reviews/weekly/{evaluated.pk}/export.xlsx").status_code == 404


def test_a_leader_runs_the_daily_review_now_and_follows_its_job(
    loop, as_user, django_capture_on_commit_callbacks, leader
):
    with django_capture_on_commit_callbacks(execute=True):
        started = as_user(leader).post("/api/v1/reviews/daily/run/")
    assert started.status_code == 202
    job = as_user(leader).get(f"/api/v1/jobs/{started.json()['job']}/").json()
    assert job["status"] == "done" and job["total"] == 3
    assert as_user(loop.world.officers[TOWN]).post("/api/v1/reviews/weekly/run/").status_code == 403
    assert as_user(loop.world.officers[TOWN]).get(f"/api/v1/jobs/{started.json()['job']}/").status_code == 404


@pytest.fixture
def leader(loop):
    leader = UserFactory(username="leader", full_name="指挥长")
    services.assign(user=leader, area=loop.world.county, role=Role.COMMAND_LEADER)
    return leader
