"""Records that other apps contribute to governance credit (综治信用) without importing it, and
that credit reads without importing them (settings.CREDIT_CONTRIBUTIONS: dotted paths to
callables).

A source is `(since, until) -> list[Contribution]` for the local dates [since, until): each
contribution names a household, the rule item it supports (e.g. "volunteer", 微治理志愿者), the
day it happened, a key unique within its source (a rerun proposes nothing twice) and a note.
Credit turns each into a *proposed* fact for the evaluation group to decide — never applied
by itself."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Contribution:
    household_id: int
    item_code: str
    occurred_on: dt.date
    key: str
    note: str = ""


def gather(since: dt.date, until: dt.date) -> list[Contribution]:
    found = []
    for path in getattr(settings, "CREDIT_CONTRIBUTIONS", []):
        found.extend(import_string(path)(since, until))
    return found
