"""Working days: the one place that says whether a date is one.

The order of the sources: the holiday calendar admins enter (`CalendarDay`, the State
Council's yearly notice: holidays and the adjusted working weekends), then the
chinese-calendar package's data, then — for a year neither knows — Saturdays and Sundays as
the only rest days, with a warning in the log (once per year and calendar version).
`missing_years()` names the years still without data (this year, and next year from
`HOLIDAY_NOTICE_MONTH` on); the system check (`governance.checks`) and the admin console's
landing page show them.

The entered days are read once per process and read again when any of them changes (a
token in the shared cache, as grids.spatial does for boundaries).
"""

import datetime as dt
import logging
import threading

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from .cache import current_token, renew_token

log = logging.getLogger(__name__)

_VERSION_KEY = "governance:calendar-token"
_lock = threading.Lock()
_memo: dict = {"version": None, "days": {}, "years": frozenset()}
_warned: set[int] = set()


def invalidate() -> None:
    """Call after a calendar day changed (on commit): every process reads the days again."""
    renew_token(_VERSION_KEY)


def _entered() -> tuple[dict[dt.date, bool], frozenset[int]]:
    """(date → is a working day, years with entered days), as admins entered them."""
    version = current_token(_VERSION_KEY)
    with _lock:
        if _memo["version"] != version:
            from .models import CalendarDay

            days = dict(CalendarDay.objects.values_list("date", "is_workday"))
            _memo.update(version=version, days=days, years=frozenset(d.year for d in days))
            _warned.clear()  # a changed calendar may leave a year still missing: say it again
        return _memo["days"], _memo["years"]


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 2))
    except NotImplementedError:
        return False
    return True


def is_workday(day: dt.date) -> bool:
    days, years = _entered()
    if day in days:
        return days[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # a year whose notice is entered: the days not listed follow the week, silently
        if day.year not in years and day.year not in _warned:
            _warned.add(day.year)
            log.warning("no holiday calendar for %s (enter it in the admin); counting weekends only", day.year)
        return day.weekday() < 5


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time on the `days`-th working day after `start`'s date."""
    local = timezone.localtime(start)
    day, left = local.date(), days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def missing_years(today: dt.date | None = None) -> list[int]:
    """This year and — from the month the State Council usually publishes the notice — next
    year, where neither admins nor the package have the holidays."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= settings.HOLIDAY_NOTICE_MONTH else [])
    _, entered = _entered()
    return [y for y in years if y not in entered and not package_knows(y)]
