import datetime as dt
import warnings

import pytest
import time_machine
from django.core import checks
from django.core.cache import cache

from governance import workdays
from governance.models import CalendarDay


@pytest.fixture
def notice_2027(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=dt.date(2027, 2, 8), name="春节")
        CalendarDay.objects.create(date=dt.date(2027, 2, 20), name="春节", is_workday=True)


def test_the_package_is_warned_about_when_next_year_is_missing():
    next_year = dt.date.today().year + 1
    if not workdays.package_knows(next_year):
        warnings.warn(
            f"chinese-calendar has no holiday data for {next_year}: enter the State Council's notice in the"
            " admin (节假日安排) or upgrade the package",
            stacklevel=1,
        )


def test_entered_days_come_before_the_package_and_the_weekend_rule(db, notice_2027):
    assert workdays.is_workday(dt.date(2027, 2, 8)) is False  # a Monday off
    assert workdays.is_workday(dt.date(2027, 2, 20)) is True  # a Saturday worked
    assert workdays.is_workday(dt.date(2027, 2, 9)) is True  # not entered: a Tuesday
    assert workdays.is_workday(dt.date(2099, 1, 4)) is False  # nobody knows 2099: a Sunday
    assert workdays.is_workday(dt.date(2025, 10, 8)) is False  # the package's National Day


def test_a_change_is_read_again_only_after_it_is_committed(db, django_capture_on_commit_callbacks):
    assert workdays.is_workday(dt.date(2027, 3, 1)) is True
    with django_capture_on_commit_callbacks(execute=False) as pending:
        CalendarDay.objects.create(date=dt.date(2027, 3, 1), name="测试")
    assert workdays.is_workday(dt.date(2027, 3, 1)) is True  # this process still has the old days
    for callback in pending:
        callback()
    assert workdays.is_workday(dt.date(2027, 3, 1)) is False


def _calendar_warnings():
    return [m for m in checks.run_checks() if m.id == "governance.W001"]


def test_the_system_check_warns_from_november_until_next_year_is_entered(db, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 6, 1, 12), tick=False):
        assert _calendar_warnings() == []  # 2026 is in the package; 2027 is not due yet
    with time_machine.travel(dt.datetime(2026, 12, 4, 12), tick=False):
        (warning,) = _calendar_warnings()
        assert warning.level == checks.WARNING and "2027 年的节假日安排尚未录入" in warning.msg
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(date=dt.date(2027, 1, 1), name="元旦")
        assert _calendar_warnings() == []
    with time_machine.travel(dt.datetime(2028, 3, 1, 12), tick=False):
        assert [w.msg[:4] for w in _calendar_warnings()] == ["2028"]  # the year itself, already running


def test_the_console_shows_the_missing_year_to_admins(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    with time_machine.travel(dt.datetime(2026, 12, 4, 12), tick=False):
        page = client.get("/console/").content.decode()
        assert 'data-calendar-missing="2027"' in page and "2027 年的节假日安排尚未录入" in page
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(date=dt.date(2027, 1, 1), name="元旦")
        assert "data-calendar-missing" not in client.get("/console/").content.decode()


def test_a_change_after_the_cache_was_emptied_is_read_again(db, django_capture_on_commit_callbacks):
    """A Redis restart or flush must not bring back a version this process already holds."""
    for day in (dt.date(2027, 3, 2), dt.date(2027, 3, 3)):  # a Tuesday, a Wednesday
        cache.clear()  # Redis restarted, or flushed by another process
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(date=day, name="测试")
        assert workdays.is_workday(day) is False
