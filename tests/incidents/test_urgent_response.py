"""Issue #17 point 1, the "115" urgent response: an urgent case's three moments (pushed to the
centre, dispatched, team on site) against their per-category limits, on a frozen clock: met,
lapsed, alerted once before the lapse; the team's arrival from the API and the case page with
the phone's position; the compliance figures per township and unit on a known data set."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from governance.models import Notification
from incidents import response, services
from incidents.models import CaseEvent, ResponseLimit, UrgentResponse
from incidents.reviews.daily import run_daily_review
from incidents.reviews.models import WeeklyEvaluation
from incidents.selectors import cases_for
from oversight.panels import URGENT_RESPONSE
from oversight.scope import OversightScope

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=TZ)


def at(seconds):
    return T0 + dt.timedelta(seconds=seconds)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def urgent(report, django_capture_on_commit_callbacks):
    """An urgent theft report received at T0 + `when` s; 马上办 (push + dispatch to the police)
    runs at once unless `rapid=False` (the task is late or lost)."""

    def make(when=0, rapid=True, lng=115.905, category="XA03"):
        with time_machine.travel(at(when), tick=False):
            with django_capture_on_commit_callbacks(execute=rapid):
                case = report(category, description="村民家中电动车被盗，嫌疑人刚离开", lng=lng)
        return case

    return make


def arrive_by_api(loop, case, when, **where):
    with time_machine.travel(at(when), tick=False):
        return client_for(loop.police).post(f"/api/v1/cases/{case.pk}/arrive/", where, content_type="application/json")


def test_all_three_moments_within_their_limits_is_met(loop, urgent, django_capture_on_commit_callbacks):
    case = urgent()
    r = case.response
    r.refresh_from_db()
    assert (r.received_at, r.pushed_at, r.dispatched_at) == (at(0), at(0), at(0))
    assert (r.stage, r.due_at, r.unit.code) == ("arrive", at(300), "dept-police")
    with django_capture_on_commit_callbacks(execute=True):
        answer = arrive_by_api(loop, case, 240, lat=34.405, lng=115.905, accuracy=12)
    assert answer.status_code == 200, answer.content
    r.refresh_from_db()
    assert (r.stage, r.arrived_at, r.lapsed_stage, r.arrived_by) == ("done", at(240), "", loop.police)
    assert (r.arrived_lat, r.arrived_lng, r.arrived_accuracy) == (34.405, 115.905, 12)
    event = CaseEvent.objects.get(case=case, action="arrive")  # on the case's own timeline
    assert event.actor == loop.police and event.data["lat"] == 34.405
    assert Notification.objects.filter(recipient=loop.operator, kind="arrived").exists()
    again = arrive_by_api(loop, case, 250)
    assert again.status_code == 403  # arrived once; the action is no longer the team's to take


def test_a_late_push_is_alerted_once_before_it_lapses_then_marked_lapsed(loop, urgent):
    case = urgent(rapid=False)  # the 马上办 task has not run: nobody at the centre knows yet
    r = UrgentResponse.objects.get(case=case)
    assert (r.stage, r.due_at, r.alert_seconds) == ("push", at(60), 20)
    assert response.watch(at(30)) == (0, 0)  # 30 s left: not yet
    assert response.watch(at(45)) == (1, 0)  # 15 s left: the centre is told
    alert = Notification.objects.get(recipient=loop.operator, kind="urgent")
    assert alert.title == f"115 提醒：{case.number} 推送指挥中心剩余 15 秒" and alert.link == f"/cases/{case.pk}/"
    assert response.watch(at(50)) == (0, 0)  # once per stage
    assert response.watch(at(61)) == (0, 1)  # lapsed
    r.refresh_from_db()
    assert r.lapsed_stage == "push"
    # The centre registers it by hand at 90 s: pushed (late), the dispatch timer runs from there.
    with time_machine.travel(at(90), tick=False):
        services.register(case_id=case.pk, actor=loop.operator)
    r.refresh_from_db()
    assert (r.pushed_at, r.stage, r.due_at, r.alerted) == (at(90), "dispatch", at(150), False)
    with time_machine.travel(at(100), tick=False):
        services.dispatch(case_id=case.pk, actor=loop.operator, unit=loop.unit("dept-police"))
    r.refresh_from_db()
    assert (r.stage, r.due_at, r.lapsed_stage) == ("arrive", at(400), "push")  # the first lapse stays
    assert response.watch(at(385)) == (1, 0)
    told = set(
        Notification.objects.filter(kind="urgent", title__contains="到场剩余").values_list("recipient", flat=True)
    )
    assert {loop.police.pk, loop.operator.pk} <= told  # the team and the centre
    arrive_by_api(loop, case, 420)
    r.refresh_from_db()
    assert (r.stage, r.lapsed_stage) == ("done", "push")


def test_an_arrival_after_its_limit_is_lapsed_and_a_closed_case_is_not_watched(loop, urgent):
    late = urgent()
    arrive_by_api(loop, late, 301)
    late.response.refresh_from_db()
    assert late.response.lapsed_stage == "arrive"
    rejected = urgent(rapid=False)
    services.reject(case_id=rejected.pk, actor=loop.operator, note="重复报警")
    assert response.watch(at(59)) == (0, 0)  # nothing open runs a timer


def test_limits_are_set_per_category_in_the_admin_falling_back_to_the_parent(loop, urgent, admin_client):
    ResponseLimit.objects.create(
        category=loop.category("XA"), push_seconds=30, dispatch_seconds=30, arrive_seconds=600, alert_seconds=60
    )
    case = urgent()
    case.response.refresh_from_db()
    assert (case.response.arrive_seconds, case.response.due_at) == (600, at(600))
    page = admin_client.get(f"/admin/incidents/category/{loop.category('YJ01').pk}/change/").content.decode()
    assert "115 响应时限" in page and "到场时限（秒）" in page
    assert not UrgentResponse.objects.filter(case__category__code="HJ01").exists()


def test_the_team_confirms_arrival_from_the_case_page_with_its_position(loop, urgent, report):
    case = urgent()
    client = client_for(loop.police)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="form-arrive"' in page and 'name="lat"' in page and "js/arrive.js" in page
    assert 'id="response-banner"' in page and "data-arrive-now" in page and "js/countdown.js" in page
    centre_view = client_for(loop.operator).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="response-banner"' in centre_view and "data-arrive-now" not in centre_view  # the timer, no button
    case.refresh_from_db()
    with time_machine.travel(at(200), tick=False):
        bad = client.post(f"/cases/{case.pk}/act/arrive/", {"version": case.version, "lat": "34.4", "lng": ""})
        assert bad.status_code == 400 and "经纬度须同时提供" in bad.content.decode()
        done = client.post(
            f"/cases/{case.pk}/act/arrive/",
            {"version": case.version, "lat": "34.405", "lng": "115.905", "accuracy": "30", "note": ""},
        )
    assert done.status_code == 302
    case.response.refresh_from_db()
    assert (case.response.stage, case.response.arrived_accuracy) == ("done", 30)
    after = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="form-arrive"' not in after and 'id="response-banner"' not in after
    # Without a position (the browser refused): the arrival still counts.
    other = urgent(when=10)
    other.refresh_from_db()
    with time_machine.travel(at(100), tick=False):
        plain = client.post(f"/cases/{other.pk}/act/arrive/", {"version": other.version, "lat": "", "lng": ""})
    assert plain.status_code == 302
    other.response.refresh_from_db()
    assert other.response.stage == "done" and other.response.arrived_lat is None
    # An ordinary case has no arrival timer, even in the police's hands; the grid worker is not the team.
    ordinary = report("HJ01")
    services.register(case_id=ordinary.pk, actor=loop.operator)
    services.dispatch(case_id=ordinary.pk, actor=loop.operator, unit=loop.unit("dept-police"))
    assert client_for(loop.police).post(f"/api/v1/cases/{ordinary.pk}/arrive/", {}).status_code == 403
    assert 'id="form-arrive"' not in client_for(loop.police).get(f"/cases/{ordinary.pk}/").content.decode()
    assert client_for(loop.worker).post(f"/api/v1/cases/{other.pk}/arrive/", {}).status_code in (403, 409)


def test_compliance_per_township_and_unit_on_a_known_data_set(loop, urgent):
    xiaoqi, chengguan = loop.world.b, loop.world.a
    met = [urgent(when=0), urgent(when=10, lng=115.805)]
    for case in met:
        arrive_by_api(loop, case, 200)
    late = urgent(when=20)
    arrive_by_api(loop, late, 400)  # arrival lapsed
    unpushed = urgent(when=30, rapid=False)  # never pushed: lapsed once its push timer ran out
    running = urgent(when=280)  # still inside its arrival timer at 400 s: not decided
    rejected = urgent(when=40, rapid=False)
    services.reject(case_id=rejected.pk, actor=loop.operator, note="误报")
    start, end = at(-60), at(3600)
    by_town = {r["name"]: r for r in response.compliance(cases_for(loop.operator), start, end, "township", at=at(400))}
    assert by_town[xiaoqi.name] == {
        "key": xiaoqi.pk,
        "name": xiaoqi.name,
        "received": 4,  # met, late, unpushed, running (the rejected one is left out)
        "met": 1,
        "lapsed": 2,
        "rate": 1 / 3,
    }
    assert (by_town[chengguan.name]["met"], by_town[chengguan.name]["rate"]) == (1, 1.0)
    by_unit = {r["name"]: r for r in response.compliance(cases_for(loop.operator), start, end, "unit", at=at(400))}
    police = loop.unit("dept-police").name
    assert (by_unit[police]["received"], by_unit[police]["met"], by_unit[police]["lapsed"]) == (4, 2, 1)
    assert (by_unit["未派遣"]["received"], by_unit["未派遣"]["lapsed"]) == (1, 1)
    total = response.total(list(by_town.values()))
    assert (total["received"], total["met"], total["lapsed"]) == (5, 2, 2) and total["rate"] == 0.5
    assert unpushed.pk and running.pk
    # Scope: 城关镇's officer sees 城关镇 only.
    officer = loop.world.officers[chengguan.code]
    mine = response.compliance(cases_for(officer), start, end, "township", at=at(400))
    assert [r["name"] for r in mine] == [chengguan.name]


def test_the_desk_lists_the_running_timers_with_their_deadlines(loop, urgent, django_assert_max_num_queries):
    running = urgent(rapid=False)
    done = urgent(when=5)
    arrive_by_api(loop, done, 100)
    client = client_for(loop.operator)
    desk = client.get("/desk/").content.decode()  # the strip is loaded right after the desk
    assert 'hx-get="/desk/timers/" hx-trigger="load"' in desk and "js/countdown.js" in desk
    desk = client.get("/desk/timers/").content.decode()
    assert 'hx-trigger="every 10s"' in desk
    due = int(at(60).timestamp())
    assert f'href="/cases/{running.pk}/" data-due="{due}" data-alert="20"' in desk
    assert f'href="/cases/{done.pk}/" data-due' not in desk
    for i in range(5):
        urgent(when=10 + i, rapid=False)
    with django_assert_max_num_queries(8):
        strip = client.get("/desk/timers/").content.decode()
    assert strip.count("data-due=") == 6 and "推送指挥中心" in strip
    # Out of scope: 城关镇's officer sees none of 肖旗乡's timers.
    assert "data-due=" not in client_for(loop.world.officers[loop.world.a.code]).get("/desk/timers/").content.decode()


def test_daily_and_weekly_reviews_and_the_dashboard_tile_show_the_compliance(loop, urgent):
    met, late = urgent(), urgent(when=10)
    arrive_by_api(loop, met, 100)
    arrive_by_api(loop, late, 400)
    running = urgent(when=590, rapid=False)
    with time_machine.travel(at(600), tick=False):
        run_daily_review()
        daily = client_for(loop.operator).get("/reviews/daily/").content.decode()
        assert "“115”快速响应达标率" in daily and "2026-12-04" in daily
        assert "共接报 3 件，达标 1 件，超时 1 件，达标率 50%" in daily  # the running one is not decided yet
        assert loop.unit("dept-police").name in daily
        WeeklyEvaluation.objects.create(week_start=dt.date(2026, 11, 30), computed_at=at(600), published_at=at(600))
        weekly = client_for(loop.operator).get("/reviews/weekly/?week=2026-11-30").content.decode()
        assert "2026-11-30 至 2026-12-06" in weekly and "达标率 50%" in weekly
        cache.clear()
        tile = URGENT_RESPONSE.content(OversightScope(loop.world.county), at(600))
    figures = {f["key"]: f["value"] for f in tile["figures"]}
    assert figures == {"day_rate": 50, "week_rate": 50, "running": 1}
    assert [t["number"] for t in tile["timers"]] == [running.number]
    assert tile["timers"][0]["due"] == int(at(650).timestamp()) and tile["timers"][0]["stage"] == "推送指挥中心"
    assert "本周接报 3 件" in tile["note"]


def test_the_tile_counts_a_timer_of_last_week_still_running_and_not_one_done(loop, urgent):
    """The tile reads this week's responses and the running ones (response.area_summary bounds its
    scan by both): a timer started eight days ago and still running counts as running, one of eight
    days ago that was met counts nowhere, this week's one met counts in the week's figures."""
    old_running = urgent(when=-8 * 86400, rapid=False)
    old_met = urgent(when=-8 * 86400 + 60)
    arrive_by_api(loop, old_met, -8 * 86400 + 120)
    now_met = urgent(when=-3600)
    arrive_by_api(loop, now_met, -3500)
    with time_machine.travel(at(0), tick=False):
        cache.clear()
        tile = URGENT_RESPONSE.content(OversightScope(loop.world.county), at(0))
    figures = {f["key"]: f["value"] for f in tile["figures"]}
    assert figures["running"] == 1 and figures["week_rate"] == 100 and "本周接报 1 件" in tile["note"]
    assert [t["number"] for t in tile["timers"]] == [old_running.number]
