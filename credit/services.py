"""Every change to facts and evaluation rounds: one function per action, each one transaction
through the workflow mechanism (lock, version check → 409, table, scope, change, event)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import Conflict
from governance.notifications import notify
from governance.roles import Role
from governance.workflow import perform
from grids.models import Assignment, Household

from . import rules
from .constants import (
    EVALUATION_ROLES,
    LENDING_ROLES,
    MAX_TERM_MONTHS,
    FactOrigin,
    FactStatus,
    ItemKind,
    RoundStatus,
    VetoEffect,
)
from .models import EvaluationRound, Fact, FactEvent, Objection, Rating, RoundEvent, Subject
from .subjects import household_subjects, village_columns
from .workflow import FACT_WORKFLOW, ROUND_WORKFLOW, VILLAGE_ROLES, sees


def actor_role(actor) -> str:
    if actor is None:
        return ""
    roles = actor.role_names()
    return next(
        (r for r in (*EVALUATION_ROLES, *LENDING_ROLES) if r in roles), "superuser" if actor.is_superuser else ""
    )


# --- facts -------------------------------------------------------------------------------------


@transaction.atomic
def propose_fact(*, actor, subject: Subject, item_code: str, occurred_on: dt.date, note: str = "") -> Fact:
    """A village or the evaluation group proposes a bonus, deduction or veto for a subject; it
    counts only once the evaluation group applies it."""
    if not sees(actor, subject):
        raise Http404
    if not (actor.is_superuser or set(VILLAGE_ROLES) & actor.role_names()):
        raise PermissionDenied(_("您无权提议评分事实。"))
    item = rules.require_current_version().items.filter(code=item_code).first()
    errors = {}
    if item is None:
        errors["item_code"] = [_("现行规则中没有该条目。")]
    elif not rules.item_applies(item, subject.kind):
        errors["item_code"] = [_("该条目不适用于此类主体。")]
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("发生日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    fact = Fact.objects.create(
        subject=subject,
        item_code=item.code,
        item_name=item.name,
        kind=item.kind,
        occurred_on=occurred_on,
        origin=FactOrigin.MANUAL,
        note=note.strip(),
        proposed_by=actor,
        county_id=subject.county_id,
        township_id=subject.township_id,
        village_id=subject.village_id,
    )
    FactEvent.record(
        fact, action="propose", label=_("提议"), from_state="", actor=actor, actor_role=actor_role(actor),
        note=fact.note,
    )
    return fact


def decide_fact(
    *, actor, fact_id: int, apply: bool, note: str = "", version: int | None = None, told_on: dt.date | None = None
) -> Fact:
    """The evaluation group applies a proposed fact or dismisses it (with a reason); the member
    who proposed it may not decide it. Where the rule version lets a veto weigh at once on a
    second member's confirmation (`VetoEffect.CONFIRMATION`), applying a veto records the day
    the household was told (`told_on`, required); otherwise a veto weighs only through a
    round's 公示."""
    action = "apply" if apply else "dismiss"

    def decide(fact, t):
        fact.decided_by = actor
        if not (apply and fact.kind == ItemKind.VETO):
            return
        version_in_force = rules.current_version()
        if version_in_force is None or version_in_force.veto_effect != VetoEffect.CONFIRMATION:
            return
        if told_on is None or told_on > timezone.localdate():
            raise ValidationError({"told_on": [_("即时生效的否决须填写告知本户的日期（不晚于今天）。")]})
        fact.household_told_on = told_on

    fact, _event_row = perform(
        workflow=FACT_WORKFLOW,
        queryset=Fact.objects.all(),
        pk=fact_id,
        action=action,
        actor=actor,
        visible=sees,
        expected_version=version,
        note=note,
        apply=decide,
        record=lambda f, t, from_state, n: FactEvent.of_transition(
            f,
            t,
            from_state,
            n,
            actor=actor,
            actor_role=actor_role(actor),
            data={"told_on": f.household_told_on.isoformat()} if f.household_told_on else None,
        ),
    )
    return fact


# --- rounds ------------------------------------------------------------------------------------


@transaction.atomic
def create_round(*, actor, village, period: str, notice_days: int = 7) -> EvaluationRound:
    """A village opens a round under the newest published rule version (recorded on the round)."""
    period = (period or "").strip()
    rnd = EvaluationRound(
        period=period,
        notice_days=notice_days,
        rule_version=rules.require_current_version(),
        created_by=actor,
        **village_columns(village),
    )
    if not ROUND_WORKFLOW.may(actor, rnd, ROUND_WORKFLOW.get("propose")):
        raise PermissionDenied(_("只有本村的评定人员可以发起评定。"))
    errors = {}
    if not period:
        errors["period"] = [_("请填写期次。")]
    if not 1 <= notice_days <= 30:
        errors["notice_days"] = [_("公示天数应在 1 到 30 天之间。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rnd.save()
    except IntegrityError:
        raise ValidationError({"period": _("该村本期已有评定轮次。")}) from None
    RoundEvent.record(
        rnd, action="create", label=_("发起评定"), from_state="", actor=actor, actor_role=actor_role(actor)
    )
    return rnd


def _record_round(actor, data=None):
    def record(rnd, t, from_state, note):
        return RoundEvent.of_transition(rnd, t, from_state, note, actor=actor, actor_role=actor_role(actor), data=data)

    return record


def _act(action, *, round_id, actor, version=None, note="", apply=None, data=None, after_commit=()):
    rnd, _event_row = perform(
        workflow=ROUND_WORKFLOW,
        queryset=EvaluationRound.objects.select_related("rule_version"),
        pk=round_id,
        action=action,
        actor=actor,
        visible=sees,
        expected_version=version,
        note=note,
        apply=apply,
        record=_record_round(actor, data),
        after_commit=after_commit,
    )
    return rnd


@transaction.atomic
def nominate(
    *, actor, round_id: int, household_ids=(), enterprise_subject_ids=(), whole_village=False, version=None
) -> int:
    """Put households (or the whole village) and enterprises of the village on a draft round.
    Returns how many ratings were added. Village staff only, while the round is a draft."""
    rnd = EvaluationRound.objects.select_for_update().filter(pk=round_id).first()
    if rnd is None or not sees(actor, rnd):
        raise Http404
    if version is not None and rnd.version != version:
        raise _stale(rnd)
    if rnd.status != RoundStatus.DRAFT:
        raise ValidationError({"round": _("只有村级编制中的评定可以增加评定对象。")})
    if not ROUND_WORKFLOW.may(actor, rnd, ROUND_WORKFLOW.get("propose")):
        raise PermissionDenied(_("只有本村的评定人员可以提名评定对象。"))
    households = Household.objects.filter(village_id=rnd.village_id)
    if not whole_village:
        households = households.filter(pk__in=list(household_ids))
    subject_ids = [s.pk for s in household_subjects(households).values()]
    subject_ids += list(
        Subject.objects.filter(pk__in=list(enterprise_subject_ids), village_id=rnd.village_id).values_list(
            "pk", flat=True
        )
    )
    before = rnd.ratings.count()
    Rating.objects.bulk_create(
        [
            Rating(
                round=rnd,
                subject_id=sid,
                rule_version_id=rnd.rule_version_id,
                county_id=rnd.county_id,
                township_id=rnd.township_id,
                village_id=rnd.village_id,
            )
            for sid in subject_ids
        ],
        ignore_conflicts=True,
    )
    added = rnd.ratings.count() - before
    rnd.version += 1
    rnd.save(update_fields=["version"])
    RoundEvent.record(
        rnd,
        action="nominate",
        label=_("提名评定对象"),
        from_state=rnd.status,
        actor=actor,
        actor_role=actor_role(actor),
        data={"added": added},
    )
    return added


def _stale(rnd):
    return Conflict(_("该记录已被他人处理，请刷新后重试。"), rnd.status, rnd.version)


def _committee_of(rnd):
    from governance.models import User

    ids = Assignment.objects.filter(area_id=rnd.township_id, role=Role.CREDIT_COMMITTEE, end_date__isnull=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def propose(*, actor, round_id, version=None, note=""):
    def apply(rnd, t):
        if not rnd.ratings.exists():
            raise ValidationError({"round": _("请先提名评定对象。")})
        rnd.proposed_by = actor

    def tell_group(rnd, event):
        notify(
            _committee_of(rnd),
            kind="credit_round",
            title=_("%(r)s 综治信用评定待审核") % {"r": rnd},
            link=f"/credit/rounds/{rnd.pk}/",
        )

    return _act(
        "propose", round_id=round_id, actor=actor, version=version, note=note, apply=apply, after_commit=[tell_group]
    )


def send_back(*, actor, round_id, note, version=None):
    return _act("send_back", round_id=round_id, actor=actor, version=version, note=note)


def pending_facts(rnd):
    return Fact.objects.filter(status=FactStatus.PROPOSED, subject__ratings__round=rnd)


def score_round(rnd: EvaluationRound, day: dt.date) -> None:
    """Score every rating of the round under the round's rule version on `day` (one read of the
    facts, one bulk update)."""
    catalogue = rules.Catalogue.load(rnd.rule_version)
    ratings = list(rnd.ratings.select_related("subject"))
    facts_by_subject: dict[int, list] = {}
    for fact in Fact.objects.filter(status=FactStatus.APPLIED, subject_id__in=[r.subject_id for r in ratings]):
        facts_by_subject.setdefault(fact.subject_id, []).append(fact)
    for rating in ratings:
        s = rules.score(catalogue, rating.subject.kind, facts_by_subject.get(rating.subject_id, []), day)
        rating.rule_version_id = rnd.rule_version_id
        rating.score, rating.bonus_points, rating.deduction_points = s.score, s.bonus, s.deduction
        rating.vetoed, rating.veto_reasons, rating.breakdown = s.vetoed, s.veto_reasons, s.breakdown
        rating.grade, rating.credit_line, rating.term_months = s.grade, s.credit_line, s.term_months
    Rating.objects.bulk_update(
        ratings,
        [
            "rule_version",
            "score",
            "bonus_points",
            "deduction_points",
            "vetoed",
            "veto_reasons",
            "breakdown",
            "grade",
            "credit_line",
            "term_months",
        ],
        batch_size=500,
    )


def review(*, actor, round_id, version=None, note=""):
    """The township's evaluation group checks the list: every proposal about these subjects must be
    decided first; then the ratings are scored under the round's rule version."""

    def apply(rnd, t):
        if pending_facts(rnd).exists():
            raise ValidationError({"round": _("还有待评定的加减分或否决提议，请先逐条决定。")})
        rnd.scored_on = timezone.localdate()
        score_round(rnd, rnd.scored_on)

    return _act("review", round_id=round_id, actor=actor, version=version, note=note, apply=apply)


def return_to_township(*, actor, round_id, note, version=None):
    return _act("return_to_township", round_id=round_id, actor=actor, version=version, note=note)


def publish(*, actor, round_id, version=None, note=""):
    def apply(rnd, t):
        rnd.notice_ends_at = timezone.now() + dt.timedelta(days=rnd.notice_days)

    return _act("publish", round_id=round_id, actor=actor, version=version, note=note, apply=apply)


def lodge_objection(*, actor, round_id, lodged_by_name: str, content: str, rating_id=None, version=None):
    """An objection during the notice period (recorded by staff on behalf of whoever raised it)."""
    created = []

    def apply(rnd, t):
        errors = {}
        if not (lodged_by_name or "").strip():
            errors["lodged_by_name"] = [_("请填写异议人。")]
        rating = None
        if rating_id is not None:
            rating = rnd.ratings.filter(pk=rating_id).first()
            if rating is None:
                errors["rating"] = [_("该主体不在本轮评定中。")]
        if timezone.now() >= rnd.notice_ends_at:
            errors["round"] = [_("公示期已过，不能再登记异议。")]
        if errors:
            raise ValidationError(errors)
        created.append(
            Objection.objects.create(
                round=rnd,
                rating=rating,
                lodged_by_name=lodged_by_name.strip(),
                content=content.strip(),
                recorded_by=actor,
            )
        )

    _act("object", round_id=round_id, actor=actor, version=version, note=content, apply=apply)
    return created[0]


def answer_objection(*, actor, round_id, objection_id: int, answer: str, version=None):
    def apply(rnd, t):
        objection = Objection.objects.select_for_update().filter(pk=objection_id, round=rnd).first()
        if objection is None:
            raise ValidationError({"objection": _("本轮评定没有该异议。")})
        if objection.answered_at:
            raise ValidationError({"objection": _("该异议已经答复。")})
        objection.answer, objection.answered_by, objection.answered_at = answer.strip(), actor, timezone.now()
        objection.save(update_fields=["answer", "answered_by", "answered_at"])

    return _act(
        "answer",
        round_id=round_id,
        actor=actor,
        version=version,
        note=answer,
        apply=apply,
        data={"objection": objection_id},
    )


def reopen(*, actor, round_id, note, version=None):
    """An upheld objection: the round goes back to the village to be corrected and run again."""

    def apply(rnd, t):
        rnd.notice_ends_at = rnd.proposed_by = rnd.scored_on = None

    return _act("reopen", round_id=round_id, actor=actor, version=version, note=note, apply=apply)


def take_effect(*, actor, round_id, version=None, note=""):
    """After the notice period, with every objection answered: the ratings take effect from today
    for their band's term (a vetoed or unrated subject's record for the longest term)."""

    def apply(rnd, t):
        today = timezone.localdate()
        if timezone.now() < rnd.notice_ends_at:
            raise ValidationError(
                {
                    "round": _("公示期至 %(d)s 结束，期满后方可生效。")
                    % {"d": timezone.localtime(rnd.notice_ends_at).strftime("%Y-%m-%d %H:%M")}
                }
            )
        if rnd.objections.filter(answered_at__isnull=True).exists():
            raise ValidationError({"round": _("还有未答复的异议，答复后方可生效。")})
        rnd.effective_on = today
        terms = set(rnd.ratings.values_list("term_months", flat=True))
        for term in terms:
            rnd.ratings.filter(term_months=term).update(
                valid_from=today, valid_until=rules.add_months(today, term or MAX_TERM_MONTHS)
            )

    return _act("take_effect", round_id=round_id, actor=actor, version=version, note=note, apply=apply)
