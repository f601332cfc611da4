import datetime as dt
import zoneinfo

import pytest
import time_machine

from incidents import deadlines, services
from incidents.constants import CaseStatus

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def test_working_days_skip_the_national_day_holiday_and_count_make_up_days(db):
    # 2025 (the package's data): 1–8 October are holidays; Sunday 28 September and Saturday
    # 11 October are working days.
    assert deadlines.add_limit(at(2025, 9, 30, 10), 1, "working_days") == at(2025, 10, 9, 10)
    assert deadlines.add_limit(at(2025, 9, 27, 10), 1, "working_days") == at(2025, 9, 28, 10)  # a make-up Sunday
    assert deadlines.add_limit(at(2025, 10, 10, 9), 1, "working_days") == at(2025, 10, 11, 9)  # a make-up Saturday


def test_hours_and_minutes_run_on_the_clock():
    start = at(2025, 10, 1, 23, 0)
    assert deadlines.add_limit(start, 4, "hours") == at(2025, 10, 2, 3, 0)
    assert deadlines.add_limit(start, 15, "minutes") == at(2025, 10, 1, 23, 15)


def test_dispatch_starts_the_clock_with_yellow_and_red(loop, report):
    with time_machine.travel(at(2025, 9, 30, 9, 0), tick=False):
        case = report()
        services.register(case_id=case.pk, actor=loop.operator)
        services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
        case.refresh_from_db()
        # township sign-for: 120 minutes, yellow at 90
        assert (
            case.phase == "sign" and case.due_at == at(2025, 9, 30, 11, 0) and case.warn_at == at(2025, 9, 30, 10, 30)
        )
        assert deadlines.colour(case) == "green"
        assert deadlines.colour(case, at(2025, 9, 30, 10, 45)) == "yellow"
        assert deadlines.colour(case, at(2025, 9, 30, 11, 0)) == "red"
        services.accept(case_id=case.pk, actor=loop.world.officers["411425200"])
        case.refresh_from_db()
        # township handling: 5 working days from dispatch across the National Day holiday:
        # 9, 10, 11 (make-up Saturday), 13, 14 October
        assert case.phase == "handle" and case.due_at == at(2025, 10, 14, 9, 0)


def test_urgent_category_uses_the_short_clock(loop, report):
    with time_machine.travel(at(2025, 10, 1, 22, 0), tick=False):
        case = report("YJ01")
        assert case.urgency == "urgent"
        services.register(case_id=case.pk, actor=loop.operator)
        services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
        case.refresh_from_db()
        assert case.due_at == at(2025, 10, 1, 22, 15)


def test_overdue_cases_are_found_by_index(loop, report):
    from django.db import connection

    from incidents.models import Case

    with time_machine.travel(at(2025, 9, 30, 9, 0), tick=False):
        case = report()
        services.register(case_id=case.pk, actor=loop.operator)
        services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
    overdue = Case.objects.filter(status__in=[CaseStatus.DISPATCHED], due_at__lt=at(2025, 9, 30, 12, 0))
    assert list(overdue) == [case]
    sql, params = Case.objects.filter(
        status__in=list(deadlines_open()), due_at__lt=at(2025, 9, 30, 12, 0)
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "case_open_due" in plan


def deadlines_open():
    from incidents.constants import OPEN_STATES

    return OPEN_STATES


@pytest.mark.parametrize(
    "level,phase,amount", [("village", "sign", 60), ("township", "handle", 5), ("department", "verify", 48)]
)
def test_child_category_falls_back_to_parent_limits(loop, level, phase, amount):
    limit = deadlines.limit_for(loop.category("MD02"), level, phase)
    assert limit.category.code == "MD" and limit.amount == amount


def enter_spring_festival_2027(admin_client):
    """An admin enters a Spring Festival arrangement for 2027 in the admin, day by day: 5–12
    February off, Saturday 20 February worked. (Test data shaped like a State Council notice;
    the real 2027 notice was not published when this was written.)"""
    days = [(dt.date(2027, 2, d), False) for d in range(5, 13)] + [(dt.date(2027, 2, 20), True)]
    for day, worked in days:
        form = {"date": day.isoformat(), "name": "春节"} | ({"is_workday": "on"} if worked else {})
        response = admin_client.post("/admin/governance/calendarday/add/", form)
        assert response.status_code == 302, response.content.decode()


def test_a_2027_deadline_crosses_the_spring_festival_an_admin_entered(
    loop, report, admin_client, caplog, django_capture_on_commit_callbacks
):
    def handling_due(start):
        with time_machine.travel(start, tick=False):
            case = report()
            services.register(case_id=case.pk, actor=loop.operator)
            services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)
            services.accept(case_id=case.pk, actor=loop.world.officers["411425200"])
        case.refresh_from_db()
        return case.due_at

    # chinese-calendar knows nothing of 2027: weekends only, and the log says so.
    # Township handling, 5 working days from Wednesday 3 February: 4, 5, 8, 9, 10.
    assert handling_due(at(2027, 2, 3, 9)) == at(2027, 2, 10, 9)
    assert "no holiday calendar for 2027" in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        enter_spring_festival_2027(admin_client)
    # 4 February, then the festival (5–12) and the weekend, then 15, 16, 17, 18 February.
    assert handling_due(at(2027, 2, 3, 9)) == at(2027, 2, 18, 9)
    # From Tuesday 16 February: 17, 18, 19, the make-up Saturday 20, then Monday 22.
    assert handling_due(at(2027, 2, 16, 9)) == at(2027, 2, 22, 9)
