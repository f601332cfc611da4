"""The scoring formula and the rule catalogue: bonuses, deductions, validity expiry, every veto,
rule versions (an old rating keeps the version it was scored with)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from credit import rules, services
from credit.constants import ItemKind
from credit.models import GradeBand, Rating, RuleItem
from credit.subjects import subject_for_household

from .conftest import applied_fact

pytestmark = pytest.mark.django_db


def _points(code):
    return RuleItem.objects.get(rule_version=rules.current_version(), code=code).points


def _rating(rnd, household):
    return Rating.objects.get(round=rnd, subject__household=household)


def test_bonuses_and_deductions_add_up_from_the_base(cw, run_round):
    today = timezone.localdate()
    zhang, li, _wang = cw.households
    applied_fact(cw, zhang, "safe_family", today)
    applied_fact(cw, zhang, "moral_model", today - dt.timedelta(days=30))
    applied_fact(cw, zhang, "volunteer", today)
    applied_fact(cw, li, "case_responsible", today)
    rnd = run_round(until="reviewed")
    base = rules.current_version().base_score
    bonus = _points("safe_family") + _points("moral_model") + _points("volunteer")
    rating = _rating(rnd, zhang)
    assert (rating.score, rating.bonus_points, rating.deduction_points) == (base + bonus, bonus, 0)
    band = GradeBand.objects.filter(rule_version=rnd.rule_version, min_score__lte=base + bonus).order_by("-min_score")[
        0
    ]
    assert rating.grade == band.grade and rating.credit_line == band.credit_line
    assert {line["item"] for line in rating.breakdown} == {"safe_family", "moral_model", "volunteer"}
    li_rating = _rating(rnd, li)
    assert li_rating.score == base - _points("case_responsible") and li_rating.deduction_points > 0


def test_a_bonus_stops_counting_when_its_validity_ends(cw, run_round):
    today = timezone.localdate()
    zhang, li, _wang = cw.households
    months = RuleItem.objects.get(rule_version=rules.current_version(), code="safe_family").valid_months
    expired_on = rules.add_months(today, -months)  # exactly `months` ago: no longer counts today
    still_on = expired_on + dt.timedelta(days=1)
    applied_fact(cw, zhang, "safe_family", expired_on)
    applied_fact(cw, li, "safe_family", still_on)
    rnd = run_round(until="reviewed")
    assert _rating(rnd, zhang).bonus_points == 0
    assert _rating(rnd, li).bonus_points == _points("safe_family")


def test_a_proposed_or_dismissed_fact_does_not_count(cw, run_round):
    zhang = cw.households[0]
    fact = services.propose_fact(
        actor=cw.head, subject=subject_for_household(zhang), item_code="safe_family", occurred_on=timezone.localdate()
    )
    services.decide_fact(actor=cw.group, fact_id=fact.pk, apply=False, note="材料不实")
    rnd = run_round(until="reviewed")
    assert _rating(rnd, zhang).bonus_points == 0


@pytest.mark.parametrize("code", ["crime", "unfilial", "idle"])
def test_every_veto_puts_the_household_out_of_rating(cw, run_round, code):
    zhang = cw.households[0]
    applied_fact(cw, zhang, "moral_model", timezone.localdate())  # a bonus does not outweigh a veto
    applied_fact(cw, zhang, code, timezone.localdate())
    rnd = run_round(until="reviewed")
    rating = _rating(rnd, zhang)
    name = RuleItem.objects.get(rule_version=rnd.rule_version, code=code).name
    assert rating.vetoed and rating.veto_reasons == [name]
    assert (rating.grade, rating.credit_line) == ("", 0)


def test_every_veto_item_of_the_catalogue_is_a_veto():
    rules.ensure_default_catalogue()
    vetoes = set(RuleItem.objects.filter(kind=ItemKind.VETO).values_list("name", flat=True))
    assert {"违法犯罪", "不孝", "懒惰"} <= vetoes


def test_an_enterprise_item_does_not_apply_to_a_household(cw):
    with pytest.raises(ValidationError) as exc:
        services.propose_fact(
            actor=cw.head,
            subject=subject_for_household(cw.households[0]),
            item_code="green_enterprise",
            occurred_on=timezone.localdate(),
        )
    assert "item_code" in exc.value.message_dict


def test_an_old_rating_keeps_its_rule_version(cw, run_round):
    zhang = cw.households[0]
    applied_fact(cw, zhang, "safe_family", timezone.localdate())
    first = run_round(until="reviewed", households=[zhang])
    v1 = first.rule_version
    old = _rating(first, zhang)
    draft = rules.new_draft()
    draft.base_score = v1.base_score + 15
    draft.save()
    RuleItem.objects.filter(rule_version=draft, code="safe_family").update(points=1)
    rules.publish_version(version=draft)

    # the village's next period is scored under v2; the first round's rating is untouched
    second = services.create_round(actor=cw.head, village=cw.village, period="2027")
    services.nominate(actor=cw.head, round_id=second.pk, household_ids=[zhang.pk])
    services.propose(actor=cw.head, round_id=second.pk)
    services.review(actor=cw.group, round_id=second.pk)
    new = _rating(second, zhang)
    assert new.rule_version_id == draft.pk and new.score == draft.base_score + 1
    old.refresh_from_db()
    assert old.rule_version_id == v1.pk and old.score == v1.base_score + _points_in(v1, "safe_family")


def _points_in(version, code):
    return RuleItem.objects.get(rule_version=version, code=code).points


def test_a_published_version_cannot_be_published_again_and_bands_are_capped(cw):
    version = rules.current_version()
    with pytest.raises(ValidationError):
        rules.publish_version(version=version)
    band = GradeBand(rule_version=version, grade="S", min_score=99, credit_line=300_001, term_months=36)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        band.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeBand.objects.create(rule_version=version, grade="S", min_score=99, credit_line=1000, term_months=37)


def test_the_documented_state_diagram_is_the_table():
    from pathlib import Path

    from credit.workflow import ROUND_WORKFLOW

    doc = (Path(__file__).resolve().parents[2] / "docs" / "credit.md").read_text()
    assert ROUND_WORKFLOW.mermaid() in doc
