"""The wall-screen dashboard: figures from the database, links to the lists behind them, scoping,
the panel registry, caching and query counts."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from governance.roles import Role
from grids import services as grid_services
from grids.scoping import VIEW_IDENTITY
from incidents.constants import OPEN_STATES, CaseStatus, Urgency
from incidents.reviews.models import WeeklyEvaluation, WeeklyScore
from oversight import panels
from oversight.models import StabilityIndex
from oversight.panels import Panel
from oversight.scope import OversightScope, forget_cached_figures
from oversight.stability import compute_week
from tests.factories import UserFactory

from .conftest import new_case

A, B = "411425100", "411425200"


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get("/api/v1/oversight/dashboard/", params)
    assert response.status_code == 200, response.content
    return {p["key"]: p for p in response.json()["panels"]}


def figures(panel):
    return {f["key"]: f for f in panel["content"]["figures"]}


def desk_numbers(client, href):
    """The case numbers the desk lists behind a link."""
    page = client.get(href)
    assert page.status_code == 200
    return set(re.findall(r">(T\d{8})</a>", page.content.decode()))


def test_county_figures_match_the_cases(client, known):
    today = figures(dashboard(client, known.operator)["today"])
    assert {k: today[k]["value"] for k in ("new_today", "closed_today", "overdue", "urgent", "open")} == {
        "new_today": 3,
        "closed_today": 2,
        "overdue": 2,
        "urgent": 2,
        "open": 5,
    }
    assert today["on_time_rate"]["value"] == round(100 * 2 / 3, 1)  # 2 of the 3 closed in 30 days were on time


def _local_day(moment):
    return timezone.localtime(moment).date() if moment else None


BEHIND = {
    "new_today": lambda c, now: _local_day(c.created_at) == timezone.localdate(now),
    "closed_today": lambda c, now: c.status == CaseStatus.CLOSED and _local_day(c.closed_at) == timezone.localdate(now),
    "overdue": lambda c, now: c.status in OPEN_STATES and c.due_at is not None and c.due_at < now,
    "urgent": lambda c, now: c.status in OPEN_STATES and c.urgency == Urgency.URGENT,
    "open": lambda c, now: c.status in OPEN_STATES,
}


@pytest.mark.parametrize("key", sorted(BEHIND))
def test_every_figure_links_to_the_list_behind_it(client, known, key):
    figure = figures(dashboard(client, known.operator)["today"])[key]
    wanted = {c.number for c in known.made if BEHIND[key](c, timezone.now())}
    assert urlparse(figure["href"]).path == "/desk/"
    assert desk_numbers(client, figure["href"]) == wanted and len(wanted) == figure["value"]


def test_township_officer_sees_only_their_township(client, known):
    officer = known.world.officers[A]
    shown = dashboard(client, officer)
    today = figures(shown["today"])
    assert (today["new_today"]["value"], today["overdue"]["value"], today["open"]["value"]) == (2, 1, 3)
    assert today["on_time_rate"]["value"] == 50.0
    by_area = shown["by_area"]["content"]
    assert by_area["chart"]["labels"] == [v.name for v in known.world.villages[A]]  # villages, not townships
    assert f"?township={known.world.a.id}" in today["open"]["href"]
    page = client.get("/oversight/").content.decode()
    assert known.world.b.name not in page and known.world.a.name in page


@pytest.mark.parametrize("path", ["/oversight/", "/api/v1/oversight/dashboard/", "/oversight/panels/today/"])
def test_another_township_or_the_county_is_404_for_a_township_officer(client, known, path):
    client.force_login(known.world.officers[A])
    assert client.get(path, {"area": known.world.b.id}).status_code == 404
    assert client.get(path, {"area": known.world.county.id}).status_code == 404
    assert client.get(path, {"area": known.world.grids[A][0].id}).status_code == 404  # a grid is no dashboard
    assert client.get(path, {"area": "x"}).status_code == 404
    assert client.get(path, {"area": known.world.a.id}).status_code == 200


def test_the_county_can_look_at_one_township(client, known):
    today = figures(dashboard(client, known.operator, area=known.world.b.id)["today"])
    assert (today["new_today"]["value"], today["overdue"]["value"]) == (1, 1)


def test_roles_without_the_dashboard_get_403_and_strangers_the_sign_in(client, known):
    worker = UserFactory()
    grid_services.assign(user=worker, area=known.world.grids[A][0], role=Role.GRID_WORKER)
    client.force_login(worker)
    assert client.get("/oversight/").status_code == 403
    assert client.get("/api/v1/oversight/dashboard/").status_code == 403
    client.logout()
    assert client.get("/oversight/").status_code == 302
    assert client.get("/api/v1/oversight/dashboard/").status_code == 403


def test_trend_and_categories(client, known):
    shown = dashboard(client, known.operator)
    trend = shown["trend"]["content"]["chart"]
    new, closed = trend["series"]
    assert len(trend["labels"]) == 30
    assert new["data"][-1] == 3 and closed["data"][-1] == 2 and sum(closed["data"]) == 3
    assert (
        parse_qs(urlparse(new["hrefs"][-1]).query)["created_from"]
        == parse_qs(urlparse(new["hrefs"][-1]).query)["created_to"]
    )
    by_category = shown["by_category"]["content"]["chart"]
    counts = dict(zip(by_category["labels"], by_category["series"][0]["data"], strict=True))
    assert counts == {
        "环境卫生": 6,
        "矛盾纠纷": 2,
    }  # HJ01 folds into 环境卫生, MD02 into 矛盾纠纷; 40-day-old case left out


COMING = Panel("coming", "即将上线", placeholder="上线后在此显示。")


def test_every_panel_has_its_feature_and_a_placeholder_shows_its_note(client, known):
    shown = dashboard(client, known.operator)
    assert {"weekly_ranking", "insurance", "credit", "stability", "care", "disputes"} <= set(shown)
    assert not any(p["placeholder"] for p in shown.values())
    with override_settings(DASHBOARD_PANELS=["oversight.panels.TODAY", "tests.oversight.test_dashboard.COMING"]):
        coming = dashboard(client, known.operator)["coming"]
    assert coming["placeholder"] and coming["content"] == {"note": "上线后在此显示。"}


def test_weekly_ranking_shows_the_latest_published_week_of_the_level_below(client, known):
    county = known.world.county
    draft = WeeklyEvaluation.objects.create(week_start=dt.date(2026, 11, 16), computed_at=known.now)
    week = WeeklyEvaluation.objects.create(
        week_start=dt.date(2026, 11, 9), computed_at=known.now, published_at=known.now
    )
    for rank, town in enumerate(reversed(known.world.towns), start=1):
        WeeklyScore.objects.create(
            evaluation=week,
            kind="township",
            subject=f"area:{town.pk}",
            name=town.name,
            county=county,
            township=town,
            score=100 - rank * 10,
            rank=rank,
        )
    WeeklyScore.objects.create(
        evaluation=draft, kind="township", subject="area:0", name="未发布", county=county, score=99, rank=1
    )
    forget_cached_figures()
    rows = dashboard(client, known.operator)["weekly_ranking"]["content"]["rows"]
    assert [(r["label"], r["value"]) for r in rows] == [("1. 肖旗乡", "90.0"), ("2. 城关镇", "80.0")]
    assert rows[0]["href"] == "/reviews/weekly/?week=2026-11-09&kind=township"


SECRET = Panel("secret", "身份面板", lambda scope, now: {"note": f"area {scope.area.id}"}, perm=VIEW_IDENTITY)


def test_a_panel_is_added_from_settings_and_shown_to_holders_of_its_permission(client, known):
    leader = UserFactory()
    grid_services.assign(user=leader, area=known.world.county, role=Role.COMMAND_LEADER)
    with override_settings(DASHBOARD_PANELS=["oversight.panels.TODAY", "tests.oversight.test_dashboard.SECRET"]):
        assert set(dashboard(client, leader)) == {"today", "secret"}
        assert set(dashboard(client, known.operator)) == {"today"}  # an operator may not see identities
        client.force_login(known.operator)
        assert client.get("/oversight/panels/secret/").status_code == 404
    with override_settings(DASHBOARD_PANELS=["oversight.panels.TODAY", "oversight.panels.TODAY"]):
        with pytest.raises(ImproperlyConfigured):
            panels.registered()


def test_figures_are_cached_per_area_for_a_short_time(client, known):
    scope = OversightScope(known.world.a)
    first = panels.TODAY.content(scope)
    new_case(known.world.grids[A][0], "HJ01", status=CaseStatus.REPORTED, created=timezone.now())
    assert panels.TODAY.content(scope) == first  # within the cache period
    forget_cached_figures()  # a new request after that sees the new case
    assert figures({"content": panels.TODAY.content(OversightScope(known.world.a))})["new_today"]["value"] == 3


def test_the_page_renders_figures_polling_and_charts(client, known):
    client.force_login(known.operator)
    page = client.get("/oversight/").content.decode()
    assert 'hx-trigger="every 30s"' in page and 'id="chart-data-trend"' in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "https://" not in page and "http://" not in page.replace("http://testserver", "")
    body = client.get("/oversight/panels/today/").content.decode()
    assert 'data-figure="new_today"' in body and "今日新增" in body
    assert 'class="dashboard-page wall"' in client.get("/oversight/", {"wall": "1"}).content.decode()


def _more_cases(known, n):
    for i in range(n):
        known.add(A if i % 2 else B, i % 4, status=CaseStatus.DISPATCHED, due_at=known.now)


@pytest.mark.parametrize("extra", [0, 40])
def test_query_counts_do_not_grow_with_the_cases(client, known, django_assert_max_num_queries, extra):
    _more_cases(known, extra)
    client.force_login(known.operator)
    # cold cache: session, user, roles, grants, area + ≈ 28 aggregates (the care panel's 6, the disputes
    # panel's 2, the insurance panel's 2, the credit panel's 4, the 115 panel's 2)
    with django_assert_max_num_queries(38):
        assert client.get("/oversight/").status_code == 200
    # warm cache: no aggregate at all — savepoints, session, user, roles, one grant read per panel
    # permission, the area and the area switch
    with django_assert_max_num_queries(10):
        assert client.get("/oversight/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/oversight/dashboard/").status_code == 200


def test_the_stability_panel_shows_the_latest_week_of_the_townships_in_scope(client, known):
    assert "尚未计算" in dashboard(client, known.operator)["stability"]["content"]["note"]
    compute_week(county=known.world.county, week_start=dt.date(2026, 3, 2))
    forget_cached_figures()
    rows = dashboard(client, known.operator)["stability"]["content"]["rows"]
    indices = StabilityIndex.objects.filter(week_start=dt.date(2026, 3, 2)).order_by("index", "township__code")
    assert [(r["label"], r["value"]) for r in rows] == [(i.township.name, f"{i.index:.1f}") for i in indices]
    assert rows[0]["href"] == "/oversight/stability/?week=2026-03-02"
    officer_rows = dashboard(client, known.world.officers[A])["stability"]["content"]["rows"]
    assert [r["label"] for r in officer_rows] == [known.world.a.name]
