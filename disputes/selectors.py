"""Every read of the disputes app, scoped to the caller: mediations, petitions and statements
by the `view_area_records` area permission (a village sees its village, a township its
township, the command centre the county), plus what a person is on personally — the
mediations they mediate, the petitions they own."""

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone

from governance.roles import Role
from grids.scoping import VIEW, granted_areas, scope_q

from .constants import OPEN_MEDIATION_STATES, MediationStatus, PetitionStatus, StatementStatus
from .models import (
    FollowUp,
    Mediation,
    MediationBody,
    MediationEvent,
    MediationSession,
    Mediator,
    Petition,
    PetitionEvent,
    StatementEvent,
    SubsidyLine,
    SubsidyStatement,
)
from .workflow import COMMAND


def _scoped(model, user, extra: Q | None = None):
    grants = granted_areas(user, VIEW)
    if grants is None:
        return model.objects.all()
    q = scope_q(model, grants)
    if extra is not None:
        q |= extra
    return model.objects.filter(q)


def mediations_for(user):
    mine = Q(pk__in=Mediation.mediators.through.objects.filter(mediator__user_id=user.id).values("mediation_id"))
    return _scoped(Mediation, user, mine).select_related("body", "case", "township", "village")


def mediation_detail_queryset(user):
    events = MediationEvent.objects.select_related("actor")
    sessions = MediationSession.objects.prefetch_related("mediators")
    return (
        mediations_for(user)
        .select_related("case__category__parent", "created_by", "escalated_from", "escalated_to", "grid")
        .prefetch_related(
            Prefetch("events", queryset=events),
            Prefetch("sessions", queryset=sessions),
            "parties",
            "mediators",
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("done_by")),
        )
    )


def mediations_of_case(user, case):
    """The case's chain of mediations, oldest first (for the case page's panel)."""
    return mediations_for(user).filter(case=case).prefetch_related("mediators").order_by("created_at", "id")


def bodies_for(user):
    return _scoped(MediationBody, user).select_related("township", "village")


def mediators_for(user):
    return Mediator.objects.filter(body__in=bodies_for(user)).select_related("body")


def my_mediator_ids(user) -> list[int]:
    return list(Mediator.objects.filter(user_id=user.id, is_active=True).values_list("id", flat=True))


def my_sessions(user):
    """The sessions of the mediations the user mediates (newest first)."""
    return (
        MediationSession.objects.filter(mediators__user_id=user.id)
        .select_related("mediation__case", "mediation__body")
        .distinct()
        .order_by("-held_on", "-id")
    )


def open_mediations_of(user):
    """My open mediations (I am one of its mediators)."""
    return (
        Mediation.objects.filter(status__in=OPEN_MEDIATION_STATES, mediators__user_id=user.id)
        .select_related("body", "case", "village")
        .distinct()
    )


def follow_ups_for(user):
    """Pending follow-up visits in the user's scope or of the mediations they mediate."""
    grants = granted_areas(user, VIEW)
    qs = FollowUp.objects.filter(done_on__isnull=True, mediation__status=MediationStatus.AGREED)
    if grants is not None:
        mine = Q(mediation__mediators__user_id=user.id)
        qs = qs.filter(scope_q(Mediation, grants, "mediation__") | mine).distinct()
    return qs.select_related("mediation__case", "mediation__body", "mediation__village")


def follow_ups_due(qs, today: dt.date | None = None):
    """Due by today (overdue ones included), for 日清."""
    return qs.filter(due_on__lte=today or timezone.localdate())


def petitions_for(user):
    return _scoped(Petition, user, Q(owner_id=user.id)).select_related(
        "case", "owner", "township", "village", "category", "first_petition__case"
    )


def petition_detail_queryset(user):
    return (
        petitions_for(user)
        .prefetch_related(
            Prefetch("events", queryset=PetitionEvent.objects.select_related("actor")),
            "petitioners",
            Prefetch("repeats", queryset=Petition.objects.select_related("case").order_by("received_at")),
        )
        .select_related("agent", "case__category__parent")
    )


def owned_by(user):
    """我包的案: the petitions the user owns, open ones first by reply date."""
    return (
        Petition.objects.filter(owner=user)
        .select_related("case", "township", "village", "category", "owner", "first_petition__case")
        .order_by("status", "reply_due_on", "id")
    )


def backlog(user):
    """积案: unresolved petitions in the backlog, in scope, oldest first."""
    return petitions_for(user).filter(backlog_since__isnull=False).exclude(status=PetitionStatus.RESOLVED)


def statements_for(user):
    return _scoped(SubsidyStatement, user).select_related("body", "township", "approved_by")


def statement_detail_queryset(user):
    lines = SubsidyLine.objects.select_related("mediator", "mediation__case").order_by("mediator_id", "concluded_on")
    return statements_for(user).prefetch_related(
        Prefetch("lines", queryset=lines), Prefetch("events", queryset=StatementEvent.objects.select_related("actor"))
    )


def statements_waiting(user):
    """Statements waiting for the user's approval (the inbox's 待我审批): a township's bodies for
    its officers, the county's own bodies for the command centre."""
    roles = user.role_names()
    levels = Q(pk__in=[])
    if user.is_superuser or Role.TOWNSHIP_OFFICER in roles:
        levels |= Q(township__isnull=False)
    if user.is_superuser or set(COMMAND) & roles:
        levels |= Q(township__isnull=True)
    return statements_for(user).filter(levels, status=StatementStatus.PENDING)
