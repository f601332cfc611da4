"""Facts proposed from the platform's records: a closed case that names a household as the
responsible party or the offender (incidents.CaseParty, role "responsible" / "offender")
proposes the rule items its category maps to — a veto only for the offender of a category that
records an offence (盗窃, 刑事案件; a 治安隐患 is not a crime), else a deduction for the
responsible party (`rules.items_for_case`).

A periodic, set-based job rather than a hook in case closure: closing a case stays as fast as
before and the incidents app knows nothing of credit. Each run looks at cases closed in the last
`lookback_days`, skips (case, household) pairs that already have a fact, inserts the new facts in
bulk (the unique constraint on subject + item + case makes a rerun harmless) and one "提议" event
each. Nothing is applied: every proposal waits for the evaluation group.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import contributions
from grids.models import Household
from incidents import selectors as incident_selectors
from incidents.constants import PartyRole

from . import rules
from .constants import FactOrigin, FactStatus, SubjectKind
from .models import Fact, FactEvent
from .subjects import household_subjects

LOOKBACK_DAYS = 30


@transaction.atomic
def propose_from_closed_cases(*, now: dt.datetime | None = None, lookback_days: int = LOOKBACK_DAYS) -> int:
    """Returns how many facts were proposed."""
    version = rules.current_version()
    if version is None:
        return 0
    now = now or timezone.now()
    catalogue = rules.Catalogue.load(version)
    already = Fact.objects.filter(source_case_id=OuterRef("case_id"), subject__household_id=OuterRef("household_id"))
    parties = list(
        incident_selectors.named_households_of_closed_cases(now - dt.timedelta(days=lookback_days))
        .exclude(Exists(already))
        .values(
            "case_id",
            "household_id",
            "role",
            "case__number",
            "case__created_at",
            "case__category__code",
            "case__category__parent__code",
        )
        .distinct()
    )
    if not parties:
        return 0
    subjects = household_subjects(Household.objects.filter(pk__in={p["household_id"] for p in parties}))
    facts = []
    for p in parties:
        subject = subjects[p["household_id"]]
        offender = p["role"] == PartyRole.OFFENDER
        category, parent = p["case__category__code"], p["case__category__parent__code"]
        role = _("违法犯罪行为人") if offender else _("责任方")
        note = _("事件 %(n)s 结案，本户为%(role)s") % {"n": p["case__number"], "role": role}
        for item in rules.items_for_case(catalogue, category, parent, offender):
            facts.append(
                Fact(
                    subject=subject,
                    item_code=item.code,
                    item_name=item.name,
                    kind=item.kind,
                    occurred_on=timezone.localdate(p["case__created_at"]),
                    origin=FactOrigin.CLOSED_CASE,
                    source_case_id=p["case_id"],
                    note=note,
                    status=FactStatus.PROPOSED,
                    county_id=subject.county_id,
                    township_id=subject.township_id,
                    village_id=subject.village_id,
                    created_at=now,
                )
            )
    Fact.objects.bulk_create(facts, ignore_conflicts=True)
    new = Fact.objects.filter(origin=FactOrigin.CLOSED_CASE, created_at=now).exclude(
        Exists(FactEvent.objects.filter(fact_id=OuterRef("pk")))
    )
    events = FactEvent.objects.bulk_create(
        FactEvent(
            fact_id=fact_id,
            action="propose",
            action_label=_("提议"),
            from_state="",
            to_state=FactStatus.PROPOSED,
            note=note,
            created_at=now,
        )
        for fact_id, note in new.values_list("pk", "note")
    )
    return len(events)


@transaction.atomic
def propose_from_contributions(*, now: dt.datetime | None = None, lookback_days: int = LOOKBACK_DAYS) -> int:
    """Records other apps contribute (settings.CREDIT_CONTRIBUTIONS, governance/contributions.py:
    e.g. care's volunteer hours) → proposed facts, each once per (subject, item, key). Items the
    current rule version does not have, or that do not apply to households, are skipped."""
    version = rules.current_version()
    if version is None:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    catalogue = rules.Catalogue.load(version)
    found = [
        c
        for c in contributions.gather(today - dt.timedelta(days=lookback_days), today + dt.timedelta(days=1))
        if c.item_code in catalogue.items and rules.item_applies(catalogue.items[c.item_code], SubjectKind.HOUSEHOLD)
    ]
    if not found:
        return 0
    subjects = household_subjects(Household.objects.filter(pk__in={c.household_id for c in found}))
    facts = []
    for c in found:
        subject, item = subjects[c.household_id], catalogue.items[c.item_code]
        facts.append(
            Fact(
                subject=subject,
                item_code=item.code,
                item_name=item.name,
                kind=item.kind,
                occurred_on=c.occurred_on,
                origin=FactOrigin.CONTRIBUTION,
                source_key=c.key,
                note=c.note,
                status=FactStatus.PROPOSED,
                county_id=subject.county_id,
                township_id=subject.township_id,
                village_id=subject.village_id,
                created_at=now,
            )
        )
    Fact.objects.bulk_create(facts, ignore_conflicts=True)
    new = Fact.objects.filter(origin=FactOrigin.CONTRIBUTION, created_at=now).exclude(
        Exists(FactEvent.objects.filter(fact_id=OuterRef("pk")))
    )
    events = FactEvent.objects.bulk_create(
        FactEvent(
            fact_id=fact_id,
            action="propose",
            action_label=_("提议"),
            from_state="",
            to_state=FactStatus.PROPOSED,
            note=note,
            created_at=now,
        )
        for fact_id, note in new.values_list("pk", "note")
    )
    return len(events)
