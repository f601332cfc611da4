"""The demo county's incidents (settings.DEMO_EXTENSIONS; `manage.py seed_demo` calls these).

`seed_demo` adds the catalogue, the departments' staff and two years of cases — 20,000 ×
scale, reported over the last 730 days (cases.DAYS), each with a timeline that follows incidents.workflow —
built in memory per chunk of 5,000 cases and inserted in bulk. `reset_demo` removes it all
again, except on PostgreSQL once cases exist: the case timeline is append-only there (a trigger
refuses DELETE), so the demo database is dropped and created afresh instead.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from demo.grids import demo_root
from governance import bulk
from governance.models import IdempotentRequest, User
from grids.levels import AreaLevel
from grids.models import Area, Assignment
from incidents.catalogue import ensure_catalogue
from incidents.intake import INTAKE_SCOPE
from incidents.models import Case, CaseAttachment, CaseEvent, Category, RoutingRule, Unit, UrgentResponse

from .cases import CHUNK, Planner, build, open_count
from .context import Context
from .people import ensure_department_staff, staff_usernames

__all__ = ["DEFAULT_CASES", "reset_demo", "seed_demo"]

DEFAULT_CASES = 20_000


class ResetRefused(CommandError):
    """The demo's cases cannot be deleted on this database."""


def seed_demo(
    *,
    county: Area,
    seed: int,
    scale: float = 1.0,
    log: Callable[[str], None] = lambda message: None,
    now: dt.datetime | None = None,
) -> dict:
    """Catalogue, department staff and DEFAULT_CASES × scale cases for `county`, in one transaction.
    Returns the counts (cases, events, parties, open, per status)."""
    now = now or timezone.now()
    started = time.monotonic()
    total = round(DEFAULT_CASES * scale)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # check foreign keys per COPY: no queue of millions at commit
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ensure_catalogue(county)
        staff = ensure_department_staff(county, random.Random(f"{seed}:departments"))
        log(f"事件：处置单位和分类已就绪，{len(staff)} 个县直部门账号（dept-…）")
        planner = Planner(Context(county), seed, now)
        times, ids = planner.report_times(total), bulk.allocate_ids(Case, total)
        chunks = [(ids[i : i + CHUNK], times[i : i + CHUNK]) for i in range(0, total, CHUNK)]
        counts, every = {"cases": 0, "events": 0, "parties": 0}, max(1, len(chunks) // 10)
        with ThreadPoolExecutor(max_workers=1) as pool:  # build the next chunk while the database takes this one
            ahead = pool.submit(build, planner, *chunks[0]) if chunks else None
            for i in range(len(chunks)):
                batches, sizes = ahead.result()
                if i + 1 < len(chunks):
                    ahead = pool.submit(build, planner, *chunks[i + 1])
                for batch in batches:
                    batch.send()
                for key, n in zip(("cases", "events", "parties"), sizes, strict=True):
                    counts[key] += n
                if (i + 1) % every == 0 or i + 1 == len(chunks):
                    log(f"  事件 {counts['cases']}/{total}，记录 {counts['events']} 条")
    elapsed = time.monotonic() - started
    counts.update(open=open_count(planner.statuses), statuses=dict(planner.statuses), seconds=elapsed)
    log(
        f"事件已生成：{counts['cases']} 件（未结 {counts['open']} 件），时间线 {counts['events']} 条，"
        f"用时 {elapsed:.1f} 秒（{counts['cases'] / max(elapsed, 1e-6):.0f} 件/秒）"
    )
    return counts


def reset_demo() -> None:
    """Remove the demo county's cases, department staff, units and (when no case is left
    anywhere) the catalogue, so that `demo.grids.reset()` can delete the areas — of every county
    when the demo is a prefecture."""
    root = demo_root()
    if root is None:
        return
    for county in Area.objects.filter(path__startswith=root.path, level=AreaLevel.COUNTY).order_by("-path"):
        _reset_county(county)


def _reset_county(county: Area) -> None:
    with transaction.atomic():
        cases = Case.objects.filter(county=county)
        events = CaseEvent.objects.filter(case__county=county)
        if connection.vendor == "postgresql" and events.exists():
            raise ResetRefused(
                "PostgreSQL 上的事件时间线（CaseEvent）只增不删，数据库触发器拒绝删除，无法重置演示事件。"
                "请删除并重建数据库（dropdb 后 createdb，再 manage.py migrate），然后重新运行 seed_demo。"
            )
        IdempotentRequest.objects.filter(scope=INTAKE_SCOPE, object_id__in=cases.values("pk")).delete()
        for attachment in CaseAttachment.objects.filter(case__in=cases):
            attachment.file.delete(save=False)
            attachment.delete()
        events._raw_delete(events.db)  # append-only rows: no signals, nothing cascades from them
        UrgentResponse.objects.filter(case__in=cases).delete()
        cases.exclude(duplicate_of=None, possible_duplicate_of=None).update(
            duplicate_of=None, possible_duplicate_of=None
        )
        cases.delete()
        staff = User.objects.filter(username__in=staff_usernames(county))
        Assignment.objects.filter(user__in=staff).delete()
        staff.delete()
        units = Unit.objects.filter(area__path__startswith=county.path)
        RoutingRule.objects.filter(Q(unit__in=units) | Q(area__path__startswith=county.path)).delete()
        if not Case.objects.exists():  # ensure_catalogue builds it again
            Category.objects.filter(parent__isnull=False).delete()
            Category.objects.all().delete()
        else:
            Category.objects.filter(default_unit__in=units).update(default_unit=None)
        units.delete()
