"""Where a subject stands today: its current effective rating and its counting veto facts.

Read by lending, the integrity check and the rewards; no writes here."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q

from . import rules
from .constants import FactStatus, ItemKind, RoundStatus, VetoEffect
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


def confirmed_vetoes(version):
    """Applied veto facts that weigh at once, without a round's 公示: only where the rule version
    says so (`VetoEffect.CONFIRMATION`), and only those proposed by one person, confirmed by
    another and told to the household. Otherwise (the default) a veto weighs through the next
    round's rating, after its public notice."""
    if version is None or version.veto_effect != VetoEffect.CONFIRMATION:
        return Fact.objects.none()
    return Fact.objects.filter(
        status=FactStatus.APPLIED,
        kind=ItemKind.VETO,
        proposed_by__isnull=False,
        decided_by__isnull=False,
        household_told_on__isnull=False,
    ).exclude(decided_by=F("proposed_by"))


def vetoes_in_force(version, day: dt.date) -> Q:
    """A filter on facts: confirmed vetoes (see above) that count on `day` under `version`."""
    if version is None or version.veto_effect != VetoEffect.CONFIRMATION:
        return Q(pk__in=[])
    catalogue = rules.Catalogue.load(version)
    counting = Q(pk__in=[])
    for item in catalogue.items.values():
        if item.kind != ItemKind.VETO:
            continue
        since = rules.add_months(day, -item.valid_months) if item.valid_months else None
        window = Q(item_code=item.code, occurred_on__lte=day)
        counting |= window & Q(occurred_on__gt=since) if since else window
    return counting


def standing(subject: Subject, day: dt.date) -> Standing:
    """Vetoed when the current rating (the newest in effect) was vetoed — a veto reached it
    through the round's 公示 — or, where the county lets a veto weigh on a second member's
    confirmation, a confirmed veto fact still counts under the newest rule version."""
    rating = current_rating(subject, day)
    reasons = set(rating.veto_reasons if rating else [])
    version = rules.current_version()
    facts = confirmed_vetoes(version).filter(vetoes_in_force(version, day), subject=subject)
    reasons.update(facts.values_list("item_name", flat=True))
    return Standing(rating, sorted(reasons))
