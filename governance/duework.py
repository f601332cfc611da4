"""Work that falls due on a rhythm outside the case loop (visits to key people, follow-up visits
after a mediation …), for 日清, 周评 and the grid workers' monthly points.

An app whose work falls due names a `DueWork` object in settings.REVIEW_DUE_WORK (a dotted
path). The daily review, the weekly evaluation and the monthly rating read the registry; they
import no such app, and this module knows nothing of areas or of the apps:

- `counts(day, at)` → {base grid id: (due, overdue)}: items falling due on `day` and items
  whose due date has passed unattended as of `at` (one or a few aggregate queries, never one
  per item);
- `urge(day, at)` (optional) → number of items newly urged: tell the people responsible about
  what is overdue, at most once per item and day (a re-run of 日清 urges nobody twice);
- `worker_counts(start, end)` (optional) → {user id: (done, missed)} in the local dates
  [start, end): what each grid worker did on time and let lapse, for the monthly points;
- `url_name` (optional): the page that lists the items, linked from the review pages.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

Counts = dict[int, tuple[int, int]]


@dataclass(frozen=True)
class DueWork:
    key: str
    label: str
    counts: Callable[[dt.date, dt.datetime], Counts]
    urge: Callable[[dt.date, dt.datetime], int] | None = None
    worker_counts: Callable[[dt.date, dt.date], Counts] | None = None
    url_name: str = ""


def registered() -> list[DueWork]:
    sources = [import_string(path) for path in getattr(settings, "REVIEW_DUE_WORK", [])]
    keys = [s.key for s in sources]
    assert len(keys) == len(set(keys)), "duplicate key in REVIEW_DUE_WORK"
    return sources


def counts_by_grid(day: dt.date, at: dt.datetime) -> Counts:
    """Every source's (due, overdue) summed per base grid."""
    total: dict[int, list[int]] = {}
    for source in registered():
        for grid_id, (due, overdue) in source.counts(day, at).items():
            row = total.setdefault(grid_id, [0, 0])
            row[0] += due
            row[1] += overdue
    return {grid_id: (due, overdue) for grid_id, (due, overdue) in total.items()}


def urge_all(day: dt.date, at: dt.datetime) -> int:
    return sum(source.urge(day, at) for source in registered() if source.urge is not None)


def worker_totals(start: dt.date, end: dt.date) -> Counts:
    """Every source's (done, missed) summed per user."""
    total: dict[int, list[int]] = {}
    for source in registered():
        if source.worker_counts is None:
            continue
        for user_id, (done, missed) in source.worker_counts(start, end).items():
            row = total.setdefault(user_id, [0, 0])
            row[0] += done
            row[1] += missed
    return {user_id: (done, missed) for user_id, (done, missed) in total.items()}
