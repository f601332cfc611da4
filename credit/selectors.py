"""Every read of the credit app, scoped by `view_credit_records` on the caller's areas. The
evaluation side (facts, ratings with scores and veto reasons, rounds) is for EVALUATION_ROLES;
the cooperative reads subjects' standing and its own lines only."""

from django.db.models import Count, Prefetch, Q, Sum

from grids.scoping import VIEW_CREDIT

from .constants import EVALUATION_ROLES, LENDING_ROLES, FactStatus, ItemKind, MovementKind
from .models import CreditLine, Enterprise, EvaluationRound, Fact, Objection, Rating, RoundEvent, RuleVersion, Subject


def is_evaluator(user) -> bool:
    return user.is_superuser or bool(set(EVALUATION_ROLES) & user.role_names())


def is_lender(user) -> bool:
    return user.is_superuser or bool(set(LENDING_ROLES) & user.role_names())


def _evaluators_only(user, qs):
    return qs.restrict(user, VIEW_CREDIT) if is_evaluator(user) else qs.none()


def enterprises_for(user):
    return Enterprise.objects.restrict(user, VIEW_CREDIT).select_related("village", "township")


def subjects_for(user):
    """Subjects in scope (both sides: the cooperative looks up grade and line)."""
    if not (is_evaluator(user) or is_lender(user)):
        return Subject.objects.none()
    return Subject.objects.restrict(user, VIEW_CREDIT).select_related("village", "township", "enterprise")


def facts_for(user):
    return _evaluators_only(user, Fact.objects.all()).select_related("subject", "village", "source_case")


def pending_facts_for(user):
    return facts_for(user).filter(status=FactStatus.PROPOSED)


def rounds_for(user):
    return (
        _evaluators_only(user, EvaluationRound.objects.all())
        .select_related("village", "township", "rule_version")
        .annotate(rating_count=Count("ratings"))
    )


def round_detail_queryset(user):
    return rounds_for(user).prefetch_related(
        Prefetch("events", queryset=RoundEvent.objects.select_related("actor")),
        Prefetch("objections", queryset=Objection.objects.select_related("rating__subject").order_by("id")),
    )


def ratings_for(user):
    return _evaluators_only(user, Rating.objects.all()).select_related("subject", "village", "round", "rule_version")


def lines_for(user):
    if not (is_evaluator(user) or is_lender(user)):
        return CreditLine.objects.none()
    drawn = Sum("movements__amount", filter=Q(movements__kind=MovementKind.DRAW), default=0)
    repaid = Sum("movements__amount", filter=Q(movements__kind=MovementKind.REPAY), default=0)
    return (
        CreditLine.objects.restrict(user, VIEW_CREDIT)
        .select_related("subject", "village", "rating")
        .annotate(drawn=drawn, repaid=repaid)
    )


def rule_versions():
    return RuleVersion.objects.prefetch_related("items", "bands")


def veto_facts(qs):
    return qs.filter(kind=ItemKind.VETO)
