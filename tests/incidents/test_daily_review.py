"""日清: the figures on a known set, the automatic 督办 and escalation, idempotency, crash and
retry, and a query count that does not grow with the number of cases."""

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance import jobs
from governance.models import JobStatus, Notification
from governance.roles import Role
from grids import services as grid_services
from incidents import intake, services
from incidents.models import Case, CaseEvent, DailyReview, DailyUrge, ReviewRules, Unit
from incidents.reviews import daily
from incidents.tasks import run_daily_review
from tests.factories import UserFactory
from tests.incidents.conftest import photo

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
REVIEW_AT = dt.datetime(2025, 11, 12, 17, 30, tzinfo=TZ)  # a Wednesday, no holiday near
TOWN = "411425200"  # 肖旗乡: every report below lands in its first village


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def _dispatched(loop, report, when, unit, accept_by=None):
    with time_machine.travel(when, tick=False):
        case = report()
        services.register(case_id=case.pk, actor=loop.operator)
        services.dispatch(case_id=case.pk, actor=loop.operator, unit=unit)
        if accept_by:
            services.accept(case_id=case.pk, actor=accept_by)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def day_set(loop, report):
    """Six cases in 肖旗乡's first village, seen on Wednesday 12 November 2025 at 17:30.

    township  — handled by the township since Monday 3 Nov (due Mon 10 Nov 09:00, a 7-day limit):
                overdue by 2.35 days, less than one limit → yellow card
    village   — handled by the village since Monday 3 Nov (due Thu 6 Nov 09:00, a 3-day limit):
                overdue by more than one limit → red card, passed up to the township
    unsigned  — dispatched to the township today 09:00, not signed for (due 11:00, a 2-hour limit):
                red card, but an unsigned case cannot be passed up (workflow table)
    fresh     — handled by the township since Monday 10 Nov, due next week: nothing
    new       — reported today, waiting for the centre
    resolved  — resolved on the spot today (closed at once)
    """
    town_unit = loop.town_unit(TOWN)
    village_unit = Unit.objects.get(code=f"area-{loop.world.villages[TOWN][0].code}")
    officer = loop.world.officers[TOWN]
    head = loop.village_heads[TOWN]
    cases = {
        "township": _dispatched(loop, report, at(2025, 11, 3, 9), town_unit, officer),
        "village": _dispatched(loop, report, at(2025, 11, 3, 9), village_unit, head),
        "unsigned": _dispatched(loop, report, at(2025, 11, 12, 9), town_unit),
        "fresh": _dispatched(loop, report, at(2025, 11, 10, 9), town_unit, officer),
    }
    with time_machine.travel(at(2025, 11, 12, 10), tick=False):
        cases["new"] = report()
        cases["resolved"] = report(self_resolved=True, result="已当场清理", uploads=[photo()])
    ReviewRules.objects.update_or_create(pk=1, defaults={"escalate_multiple": 1})
    return cases


def run(**kwargs):
    with time_machine.travel(REVIEW_AT, tick=False):
        return daily.run_daily_review(**kwargs)


def snapshot():
    reviews = {
        (r.level, r.area_id): {f: getattr(r, f) for f in daily.FIGURES}
        for r in DailyReview.objects.filter(day=REVIEW_AT.date())
    }
    urges = sorted(DailyUrge.objects.values_list("case_id", "grade", "escalated"))
    notices = sorted(Notification.objects.filter(kind="daily_urge").values_list("recipient_id", "title"))
    return reviews, urges, notices, CaseEvent.objects.count()


def check_known_day(loop, day_set):
    town, village = loop.world.towns[1], loop.world.villages[TOWN][0]
    expected = {
        "new": 3,  # unsigned, new, resolved were reported today
        "closed": 1,  # resolved
        "open": 5,
        "due_today": 2,  # unsigned (11:00), and the escalated village case's new sign-for clock (19:30)
        "overdue": 2,  # township, unsigned (the village case was passed up: a new deadline at 19:30)
        "untouched": 3,  # township, village, fresh: nobody acted on them today
        "urged": 3,
        "escalated": 1,
    }
    for level, area in (("township", town), ("village", village)):
        row = DailyReview.objects.get(area=area, day=REVIEW_AT.date())
        assert row.level == level and {f: getattr(row, f) for f in daily.FIGURES} == expected
    assert not DailyReview.objects.filter(township=loop.world.towns[0]).exists()  # 城关镇 has no cases

    grades = dict(DailyUrge.objects.values_list("case_id", "grade"))
    assert grades == {day_set["township"].pk: "yellow", day_set["village"].pk: "red", day_set["unsigned"].pk: "red"}

    village_case = Case.objects.get(pk=day_set["village"].pk)
    assert village_case.status == "dispatched" and village_case.handling_unit == loop.town_unit(TOWN)
    assert village_case.due_at == at(2025, 11, 12, 19, 30)  # township sign-for: 120 minutes
    assert (village_case.urge_count, village_case.top_urge_grade) == (1, "red")
    actions = list(village_case.events.values_list("action", "actor", "from_state", "to_state"))[-2:]
    assert actions == [("urge", None, "accepted", "accepted"), ("escalate_to_township", None, "accepted", "dispatched")]
    assert Case.objects.get(pk=day_set["unsigned"].pk).status == "dispatched"  # red, but stays put
    assert Case.objects.get(pk=day_set["township"].pk).top_urge_grade == "yellow"

    officer_notices = Notification.objects.filter(recipient=loop.world.officers[TOWN], kind="daily_urge")
    titles = sorted(officer_notices.values_list("title", flat=True))
    assert titles == ["日清上提：1 件超期事件转由本单位办理", "日清督办：2 件事件已超过办理时限"]
    head_notice = Notification.objects.get(recipient=loop.village_heads[TOWN], kind="daily_urge")
    assert day_set["village"].number in head_notice.body
    assert CaseEvent.objects.filter(action="urge").count() == 3


def test_figures_urges_and_escalation_on_a_known_day(loop, day_set):
    assert run() == 3
    check_known_day(loop, day_set)


def test_running_twice_for_the_same_day_changes_nothing(loop, day_set):
    run()
    first = snapshot()
    assert run() == 0
    assert snapshot() == first
    assert Case.objects.get(pk=day_set["township"].pk).urge_count == 1


@pytest.mark.parametrize("crash_in", ["_send_notices", "store_figures"])
def test_a_crash_mid_way_then_a_retry_gives_the_same_result(loop, day_set, crash_in):
    """The worker dies inside a township's transaction (before its notices) or after every
    township committed (before the figures); the retry ends where one clean run ends."""
    real = getattr(daily, crash_in)
    with mock.patch.object(daily, crash_in, side_effect=OSError("worker lost")), pytest.raises(OSError):
        run()
    with mock.patch.object(daily, crash_in, real):
        run()
    check_known_day(loop, day_set)


def test_progress_is_reported_through_a_job(loop, day_set):
    job = jobs.start_job(kind="daily_review", requested_by=loop.operator)
    with time_machine.travel(REVIEW_AT, tick=False):
        run_daily_review.delay(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total == 3  # two townships, then the figures
    assert "新督办 3 件" in job.message


def _bulk_overdue(loop, n):
    """n in-progress cases of 肖旗乡's first village: half far overdue with the village, half
    slightly overdue with the township."""
    template = Case.objects.filter(township_id=loop.world.towns[1].id).first()
    village_unit = Unit.objects.get(code=f"area-{loop.world.villages[TOWN][0].code}")
    rows = []
    for i in range(n):
        far = i % 2 == 0
        rows.append(
            Case(
                number=f"B{n}-{i}",
                source="grid_app",
                category_id=template.category_id,
                description="批量",
                county_id=template.county_id,
                township_id=template.township_id,
                village_id=template.village_id,
                grid_id=template.grid_id,
                status="in_progress",
                handling_unit=village_unit if far else loop.town_unit(TOWN),
                phase="handle",
                dispatched_at=at(2025, 11, 3, 9) if far else at(2025, 11, 10, 9),
                due_at=at(2025, 11, 6, 9) if far else at(2025, 11, 12, 9),
                created_at=at(2025, 11, 3, 8),
            )
        )
    Case.objects.bulk_create(rows)


def _queries(loop, n):
    """Queries of one review over n overdue cases, rolled back afterwards."""
    with transaction.atomic():
        _bulk_overdue(loop, n)
        with CaptureQueriesContext(connection) as ctx, time_machine.travel(REVIEW_AT, tick=False):
            urged = daily.run_daily_review()
        transaction.set_rollback(True)
    assert urged == n
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_cases(loop, report):
    report()  # one ordinary case so the township has a template row
    assert _queries(loop, 5) == _queries(loop, 50)


def _report_flood(loop):
    return intake.submit_report(
        reporter=loop.worker,
        source="grid_app",
        category=loop.category("YJ01"),  # 防汛险情: an urgent category routed to 应急管理局
        description="河堤出现管涌",
        lat=34.405,
        lng=115.905,
    )


def test_urgent_report_is_dispatched_on_commit(loop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = _report_flood(loop)
    case.refresh_from_db()
    assert case.status == "dispatched" and case.handling_unit == loop.unit("dept-emergency")
    actions = list(case.events.values_list("action", "actor"))
    assert actions == [("report", loop.worker.pk), ("register", None), ("dispatch", None)]
    assert Notification.objects.filter(recipient=loop.operator, kind="urgent", title__contains="已派遣").exists()


def test_urgent_report_is_not_dispatched_before_commit(loop):
    case = _report_flood(loop)
    assert Case.objects.get(pk=case.pk).status == "reported"  # the task waits for the commit


def test_the_schedule_is_admin_editable_beat_rows_and_tasks_retry_with_back_off(db):
    from django.db import OperationalError
    from django_celery_beat.models import PeriodicTask

    from governance.celery import app

    row = PeriodicTask.objects.get(task="incidents.run_daily_review")
    crontab = row.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "30",
        "17",
        "*",
        "Asia/Shanghai",
    )
    weekly_row = PeriodicTask.objects.get(task="incidents.run_weekly_evaluation")
    assert (weekly_row.crontab.minute, weekly_row.crontab.hour, weekly_row.crontab.day_of_week) == ("0", "8", "1")
    assert weekly_row.task in app.tasks
    task = app.tasks[row.task]
    assert OperationalError in task.autoretry_for and task.retry_backoff and task.max_retries == 5
    assert task.soft_time_limit < task.time_limit
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


def test_the_township_inbox_shows_its_own_daily_figures(client, loop, day_set):
    run()
    client.force_login(loop.world.officers[TOWN])
    page = client.get("/inbox/").content.decode()
    town = loop.world.towns[1]
    assert f'data-daily="{town.pk}"' in page and "新增 3 · 办结 1 · 在办 5 · 今日到期 2" in page
    client.force_login(loop.world.officers[loop.world.towns[0].code])  # 城关镇: another township's figures stay out
    assert f'data-daily="{town.pk}"' not in client.get("/inbox/").content.decode()


def _disposed(loop, report, dispatched, disposed, unit, handler):
    case = _dispatched(loop, report, dispatched, unit, handler)
    with time_machine.travel(disposed, tick=False):
        services.dispose(case_id=case.pk, actor=handler, result="已处理")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def centre_desk(loop, report):
    """The centre's own desk and overdue verification, seen Wed 12 Nov 2025 17:30 (limit 24 h):

    to_register   — reported Tue 11 Nov 09:00, never registered: 8.5 h past the limit → yellow
    to_dispatch   — reported Mon 3 Nov, registered Tue 11 Nov 12:00: 5.5 h past → yellow (the
                    clock runs from the registration, not from the report)
    registered    — reported Mon 3 Nov, registered today 09:00: within the limit → nothing
    village_check — the village disposed Tue 11 Nov 10:00, verify due Wed 10:00 → yellow, to
                    the township (it verifies its villages' results)
    town_check    — the township disposed Mon 10 Nov 12:00, verify due Tue 12:00, 29.5 h past a
                    24 h limit → red, to the centre; it stays 已处置 (nothing above to pass it to)
    """
    leader = UserFactory(username="zhihui-lead", full_name="值班长")
    grid_services.assign(user=leader, area=loop.world.county, role=Role.COMMAND_LEADER)
    cases = {}
    with time_machine.travel(at(2025, 11, 11, 9), tick=False):
        cases["to_register"] = report()
    with time_machine.travel(at(2025, 11, 3, 9), tick=False):
        cases["to_dispatch"], cases["registered"] = report(), report()
    for key, when in (("to_dispatch", at(2025, 11, 11, 12)), ("registered", at(2025, 11, 12, 9))):
        with time_machine.travel(when, tick=False):
            services.register(case_id=cases[key].pk, actor=loop.operator)
    village_unit = Unit.objects.get(code=f"area-{loop.world.villages[TOWN][0].code}")
    head, officer = loop.village_heads[TOWN], loop.world.officers[TOWN]
    cases["village_check"] = _disposed(loop, report, at(2025, 11, 10, 9), at(2025, 11, 11, 10), village_unit, head)
    cases["town_check"] = _disposed(
        loop, report, at(2025, 11, 10, 9), at(2025, 11, 10, 12), loop.town_unit(TOWN), officer
    )
    ReviewRules.objects.update_or_create(pk=1, defaults={"escalate_multiple": 1, "centre_limit_hours": 24})
    return cases, leader


def test_the_centre_backlog_and_overdue_verification_are_urged(loop, centre_desk):
    cases, leader = centre_desk
    assert run() == 4
    urges = {u.case_id: (u.grade, u.unit.code, u.escalated) for u in DailyUrge.objects.select_related("unit")}
    centre = Unit.objects.get(kind="command_centre").code
    assert urges == {
        cases["to_register"].pk: ("yellow", centre, False),
        cases["to_dispatch"].pk: ("yellow", centre, False),
        cases["village_check"].pk: ("yellow", f"area-{TOWN}", False),
        cases["town_check"].pk: ("red", centre, False),
    }
    statuses = dict(Case.objects.filter(pk__in=[c.pk for c in cases.values()]).values_list("pk", "status"))
    assert statuses[cases["town_check"].pk] == "disposed" and statuses[cases["to_register"].pk] == "reported"
    event = CaseEvent.objects.get(case=cases["to_register"], action="urge")
    assert event.data["grade"] == "yellow" and "待立案" in event.note and event.unit.code == centre
    title = "日清督办（指挥中心）：3 件待立案、待派遣或待核查已超时"
    for person in (loop.operator, leader):  # the centre's operators and its duty leader
        notice = Notification.objects.get(recipient=person, kind="daily_urge")
        assert notice.title == title and cases["town_check"].number in notice.body
    officer_notice = Notification.objects.get(recipient=loop.world.officers[TOWN], kind="daily_urge")
    assert officer_notice.title == "日清督办：1 件事件已超过办理时限"
    assert cases["village_check"].number in officer_notice.body
    assert run() == 0  # the same day again: nobody is urged or told twice
    assert Notification.objects.filter(kind="daily_urge").count() == 3
