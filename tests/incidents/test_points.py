"""The incidents side of grid-worker points: reports and on-the-spot resolutions feed the
monthly rating run by the scheduled task."""

import datetime as dt
import zoneinfo

import time_machine

from grids.models import MonthlyRating
from incidents import services
from incidents.tasks import rate_grid_workers
from tests.incidents.conftest import photo

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_reports_and_resolved_matters_count_for_the_month_before(loop, report):
    with time_machine.travel(dt.datetime(2025, 9, 10, 9, tzinfo=TZ), tick=False):
        report()
        report(self_resolved=True, result="已当场清理", uploads=[photo()])
        refused = report()
        services.reject(case_id=refused.pk, actor=loop.operator, note="不属实")
    with time_machine.travel(dt.datetime(2025, 10, 1, 6, tzinfo=TZ), tick=False):
        rated = rate_grid_workers.delay().get()
    row = MonthlyRating.objects.get(worker=loop.worker)
    assert rated == MonthlyRating.objects.count() and row.month == dt.date(2025, 9, 1)
    assert (row.reports, row.tasks) == (2, 1)  # the rejected report does not count
