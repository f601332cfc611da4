"""Where a subject stands today: its current effective rating and its counting veto facts.

Read by lending, the integrity check and the rewards; no writes here."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from . import rules
from .constants import FactStatus, ItemKind, RoundStatus
from .models import Fact, Rating, Subject


def current_ratings(day: dt.date):
    """Ratings in effect on `day` (their round took effect, the day is inside their validity)."""
    return Rating.objects.filter(round__status=RoundStatus.EFFECTIVE, valid_from__lte=day, valid_until__gt=day)


def current_rating(subject: Subject, day: dt.date) -> Rating | None:
    return current_ratings(day).filter(subject=subject).order_by("-valid_from", "-id").first()


@dataclass
class Standing:
    rating: Rating | None
    veto_reasons: list[str]

    @property
    def vetoed(self) -> bool:
        return bool(self.veto_reasons)

    @property
    def grade(self) -> str:
        return "" if self.vetoed or self.rating is None else self.rating.grade

    @property
    def credit_line(self) -> int:
        return 0 if self.vetoed or self.rating is None else self.rating.credit_line


def standing(subject: Subject, day: dt.date) -> Standing:
    """Vetoed when the current rating was vetoed or an applied veto fact still counts under the
    newest rule version (a veto applied after the rating took effect weighs at once)."""
    rating = current_rating(subject, day)
    reasons = set(rating.veto_reasons if rating else [])
    version = rules.current_version()
    if version is not None:
        catalogue = rules.Catalogue.load(version)
        for fact in Fact.objects.filter(
            Q(subject=subject, status=FactStatus.APPLIED, kind=ItemKind.VETO, occurred_on__lte=day)
        ):
            item = catalogue.items.get(fact.item_code)
            if item is not None and rules.counts_on(item, fact.occurred_on, day):
                reasons.add(item.name)
    return Standing(rating, sorted(reasons))
