"""The city's own dashboard, map and ranking of counties: the dashboard and map machinery with the
city as the scope (its children are the counties; every figure is the sum of its counties'), and
周评 ranking the counties by the same figures as a county its townships, while each county ranks
its own townships."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import Area
from incidents.reviews.models import SubjectKind, WeeklyScore
from incidents.reviews.weekly import run_weekly_evaluation
from oversight import panels
from oversight.scope import OversightScope, forget_cached_figures
from tests.factories import build_world, square


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def cases(pref):
    """Two cases in 虞城县's 肖旗乡, one in 夏邑县."""
    forget_cached_figures()
    yc_grid = pref.yucheng.grids["411425200"][0]
    made = [pref.report(pref.yucheng_worker, yc_grid), pref.report(pref.yucheng_worker, yc_grid)]
    made.append(pref.report(pref.xiayi_worker, pref.xiayi_grids[0]))
    return made


def panel(content, key):
    return next(p["content"] for p in content["panels"] if p["key"] == key)


@pytest.mark.django_db
def test_city_dashboard_is_the_sum_of_its_counties(pref, cases):
    answer = api(pref.city_operator).get("/api/v1/oversight/dashboard/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["area"] == {"id": pref.city.id, "name": "商丘市", "level": "city"}
    today = {f["key"]: f["value"] for f in panel(body, "today")["figures"]}
    assert today["new_today"] == 3
    by_area = panel(body, "by_area")
    assert by_area["title"] == "各县（市、区）在办事件"
    assert by_area["chart"]["labels"] == ["虞城县", "夏邑县"]
    assert by_area["chart"]["series"][0]["data"] == [2, 1]  # open, not overdue
    assert by_area["chart"]["series"][0]["hrefs"][1].startswith(f"/desk/?under={pref.xiayi.id}&overdue=false")
    # each county's own dashboard still shows its own cases only
    yc = api(pref.city_operator).get(f"/api/v1/oversight/dashboard/?area={pref.yucheng.county.id}").json()
    assert {f["key"]: f["value"] for f in panel(yc, "today")["figures"]}["new_today"] == 2


@pytest.mark.django_db
def test_the_citys_links_open_the_desk_on_its_counties(pref, cases, client):
    client.force_login(pref.city_operator)
    answer = api(pref.city_operator).get("/api/v1/cases/", {"under": pref.city.id})
    assert {r["id"] for r in answer.json()["results"]} == {c.id for c in cases}
    answer = api(pref.city_operator).get("/api/v1/cases/", {"under": pref.xiayi.id})
    assert {r["id"] for r in answer.json()["results"]} == {cases[2].id}
    page = client.get("/oversight/")
    assert page.status_code == 200 and "商丘市" in page.content.decode()


@pytest.mark.django_db
def test_a_county_user_cannot_open_the_city_or_the_other_county(pref, cases, client):
    for area in (pref.city, pref.xiayi):
        assert api(pref.yucheng_operator).get(f"/api/v1/oversight/dashboard/?area={area.id}").status_code == 404
        layer = api(pref.yucheng_operator).get(f"/api/v1/oversight/map/areas/?area={area.id}&level=township")
        assert layer.status_code == 404
    client.force_login(pref.yucheng_operator)
    assert client.get(f"/oversight/?area={pref.city.id}").status_code == 404
    assert client.get(f"/oversight/map/?area={pref.xiayi.id}").status_code == 404
    own = api(pref.yucheng_operator).get("/api/v1/oversight/dashboard/").json()
    assert own["area"]["level"] == "county" and own["area"]["id"] == pref.yucheng.county.id


@pytest.mark.django_db
def test_city_map_shades_its_counties(pref, cases, client):
    Area.objects.filter(pk=pref.yucheng.county.pk).update(boundary=square(115.80, 34.40, 0.2))
    Area.objects.filter(pk=pref.xiayi.pk).update(boundary=square(116.20, 34.40, 0.2))
    layer = api(pref.city_operator).get("/api/v1/oversight/map/areas/?level=county").json()
    shading = {f["properties"]["code"]: f["properties"]["open"] for f in layer["features"]}
    assert shading == {"411425": 2, "411426": 1}
    points = api(pref.city_operator).get("/api/v1/oversight/map/cases/").json()
    assert len(points["features"]) == 3
    client.force_login(pref.city_operator)
    page = client.get("/oversight/map/")
    assert page.status_code == 200
    levels = [lv["level"] for lv in page.context["config"]["levels"]]
    assert levels == ["county", "township", "village"]


def this_monday():
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


@pytest.mark.django_db
def test_weekly_ranks_counties_for_the_city_and_townships_within_each_county(pref, cases):
    evaluation = run_weekly_evaluation(week_start=this_monday(), at=timezone.now())
    counties = {s.name: s for s in WeeklyScore.objects.filter(evaluation=evaluation, kind=SubjectKind.COUNTY)}
    assert set(counties) == {"虞城县", "夏邑县"}
    # the same formula as a township's: 30 + 40 + 20 (nothing due, no satisfaction yet) + 0.5 a report
    assert counties["虞城县"].reports == 2 and counties["虞城县"].score == 91
    assert counties["夏邑县"].reports == 1 and counties["夏邑县"].score == pytest.approx(90.5)
    assert (counties["虞城县"].rank, counties["夏邑县"].rank) == (1, 2)
    towns = WeeklyScore.objects.filter(evaluation=evaluation, kind=SubjectKind.TOWNSHIP)
    firsts = {s.county_id for s in towns if s.rank == 1}
    assert firsts == {pref.yucheng.county.id, pref.xiayi.id}  # each county has its own first place
    xiayi_town = towns.get(township=pref.xiayi_town)
    assert xiayi_town.rank == 1 and xiayi_town.reports == 1
    # the city's dashboard shows the ranking of its counties
    forget_cached_figures()
    tile = panels.WEEKLY_RANKING.content(OversightScope.of(pref.city))
    assert [r["label"] for r in tile["rows"]] == ["1. 虞城县", "2. 夏邑县"]
    assert tile["rows"][0]["href"].endswith("kind=county")
    # a county's dashboard: its own townships, first place from 1
    tile = panels.WEEKLY_RANKING.content(OversightScope.of(pref.xiayi))
    assert [r["label"] for r in tile["rows"]] == ["1. 城关镇"]


@pytest.mark.django_db
def test_weekly_page_lists_counties_for_the_city_only_in_a_prefecture(pref, cases, client):
    run_weekly_evaluation(week_start=this_monday(), at=timezone.now())
    client.force_login(pref.city_leader)
    page = client.get("/reviews/weekly/", {"week": this_monday().isoformat(), "kind": "county"})
    assert page.status_code == 200
    assert [r.name for r in page.context["rows"]] == ["虞城县", "夏邑县"]
    client.force_login(pref.xiayi_operator)  # a county sees its own place among the counties
    page = client.get("/reviews/weekly/", {"week": this_monday().isoformat(), "kind": "county"})
    assert [(r.name, r.rank) for r in page.context["rows"]] == [("夏邑县", 2)]


@pytest.mark.django_db
def test_a_single_county_has_no_county_ranking(client):
    world = build_world()
    evaluation = run_weekly_evaluation(week_start=this_monday(), at=timezone.now())
    assert not WeeklyScore.objects.filter(evaluation=evaluation, kind=SubjectKind.COUNTY).exists()
    client.force_login(world.admin)
    page = client.get("/reviews/weekly/")
    assert "county" not in dict(page.context["kinds"])
