"""The one-vote veto needs two people or a round's 公示 (issue #13): the member who proposes a
fact may not decide it; by default an applied veto weighs on a household's standing only
through the next round, after its public notice; where the county lets a second member's
confirmation put it into effect at once, the household must have been told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credit import services
from credit.constants import VetoEffect
from credit.models import Fact, FactEvent, RuleVersion
from credit.standing import standing
from credit.subjects import subject_for_household

from .conftest import applied_fact

pytestmark = pytest.mark.django_db


def test_the_member_who_proposes_a_veto_may_not_apply_it(cw, as_user):
    """One township member alone used to propose and apply 不孝 at once."""
    subject = subject_for_household(cw.households[1])
    today = timezone.localdate()
    fact = services.propose_fact(actor=cw.group, subject=subject, item_code="unfilial", occurred_on=today)
    with pytest.raises(PermissionDenied):
        services.decide_fact(actor=cw.group, fact_id=fact.pk, apply=True)
    response = as_user(cw.group).post(f"/api/v1/credit/facts/{fact.pk}/dismiss/", {"note": "撤回"}, format="json")
    assert response.status_code == 403  # nor decide it the other way
    assert Fact.objects.get(pk=fact.pk).status == "proposed"
    decided = services.decide_fact(actor=cw.county_group, fact_id=fact.pk, apply=True)  # a second member
    assert decided.status == "applied" and decided.decided_by == cw.county_group


def test_by_default_a_veto_weighs_only_through_a_rounds_notice(cw, run_round, time_machine):
    zhang = cw.households[0]
    run_round(clock=time_machine)  # 张刚 rated at the base score, in effect
    subject = subject_for_household(zhang)
    applied_fact(cw, zhang, "idle", timezone.localdate())  # proposed by the head, applied by the group
    assert not standing(subject, timezone.localdate()).vetoed  # not yet: no 公示, no chance to object
    notice = run_round(until="notice", period="2027")
    assert notice.ratings.get(subject=subject).vetoed  # the new round shows it, in public notice
    assert not standing(subject, timezone.localdate()).vetoed  # still only proposed to the public
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    services.take_effect(actor=cw.county_group, round_id=notice.pk)
    assert standing(subject, timezone.localdate()).veto_reasons == ["懒惰"]


def test_where_the_county_chooses_confirmation_a_told_household_is_vetoed_at_once(cw, as_user):
    RuleVersion.objects.update(veto_effect=VetoEffect.CONFIRMATION)
    subject = subject_for_household(cw.households[0])
    fact = services.propose_fact(actor=cw.head, subject=subject, item_code="idle", occurred_on=timezone.localdate())
    group = as_user(cw.group)
    refused = group.post(f"/api/v1/credit/facts/{fact.pk}/apply/", {}, format="json")
    assert refused.status_code == 400 and "told_on" in refused.json()  # the household must be told
    assert not standing(subject, timezone.localdate()).vetoed
    told = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    applied = group.post(f"/api/v1/credit/facts/{fact.pk}/apply/", {"told_on": told}, format="json")
    assert applied.status_code == 200 and applied.json()["household_told_on"] == told
    assert standing(subject, timezone.localdate()).veto_reasons == ["懒惰"]
    assert FactEvent.objects.get(fact=fact, action="apply").data == {"told_on": told}


def test_a_platform_proposal_applied_by_one_member_waits_for_the_notice_even_in_confirmation_mode(cw):
    """Two people: the platform is nobody, so its proposal applied by one member is not enough."""
    RuleVersion.objects.update(veto_effect=VetoEffect.CONFIRMATION)
    subject = subject_for_household(cw.households[0])
    fact = Fact.objects.create(
        subject=subject,
        item_code="crime",
        item_name="违法犯罪",
        kind="veto",
        occurred_on=timezone.localdate(),
        origin="closed_case",
        county_id=subject.county_id,
        township_id=subject.township_id,
        village_id=subject.village_id,
    )
    services.decide_fact(actor=cw.group, fact_id=fact.pk, apply=True, told_on=timezone.localdate())
    assert not standing(subject, timezone.localdate()).vetoed
    other = services.propose_fact(actor=cw.head, subject=subject, item_code="idle", occurred_on=timezone.localdate())
    with pytest.raises(ValidationError):  # and never told on a day still to come
        services.decide_fact(
            actor=cw.group, fact_id=other.pk, apply=True, told_on=timezone.localdate() + dt.timedelta(days=1)
        )
