"""Transition tables of entered evidence and yearly ratings (governance.workflow).

Who decides depends on the level of the assessed area: a village's evidence and rating are
reviewed from the township or the county, a township's or the county's from the county; the
person who entered a piece of evidence never reviews it (segregation of duties)."""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.levels import AreaLevel
from grids.scoping import VIEW, granted_areas, in_scope

from ..constants import EvidenceStatus, RatingStatus

REVIEWER_ROLES = {
    AreaLevel.VILLAGE: {Role.TOWNSHIP_OFFICER, Role.COMMAND_LEADER, Role.ADMIN},
    AreaLevel.TOWNSHIP: {Role.COMMAND_LEADER, Role.ADMIN},
    AreaLevel.COUNTY: {Role.COMMAND_LEADER, Role.ADMIN},
}
# The level a reviewer's grant must sit on to decide for an area of this level.
REVIEWER_LEVELS = {
    AreaLevel.VILLAGE: {AreaLevel.TOWNSHIP, AreaLevel.COUNTY},
    AreaLevel.TOWNSHIP: {AreaLevel.COUNTY},
    AreaLevel.COUNTY: {AreaLevel.COUNTY},
}
ALL_REVIEWERS = tuple(sorted(set().union(*REVIEWER_ROLES.values())))


def sees(actor, obj) -> bool:
    return in_scope(actor, VIEW, obj)


def reviews(actor, level: str) -> bool:
    """`actor` may decide for areas of `level` (roles and the level of their grants)."""
    if actor.is_superuser:
        return True
    if not REVIEWER_ROLES[level] & actor.role_names():
        return False
    return any(g.level in REVIEWER_LEVELS[level] for g in granted_areas(actor, VIEW) or [])


def _decides_rating(actor, rating) -> bool:
    return reviews(actor, rating.level)


def _decides_evidence(actor, evidence) -> bool:
    return evidence.submitted_by_id != actor.pk and reviews(actor, evidence.indicator.level)


RATING_WORKFLOW = Workflow(
    name="rating",
    states=RatingStatus,
    initial=RatingStatus.COMPUTED,
    transitions=[
        Transition(
            "approve", _("认定"), (RatingStatus.COMPUTED,), RatingStatus.APPROVED, ALL_REVIEWERS, _decides_rating
        ),
        Transition(
            "revoke",
            _("撤销认定"),
            (RatingStatus.APPROVED,),
            RatingStatus.COMPUTED,
            ALL_REVIEWERS,
            _decides_rating,
            requires_note=True,
            note_label=_("撤销原因"),
        ),
    ],
)

EVIDENCE_WORKFLOW = Workflow(
    name="evidence",
    states=EvidenceStatus,
    initial=EvidenceStatus.SUBMITTED,
    final=(EvidenceStatus.APPROVED, EvidenceStatus.REJECTED),
    transitions=[
        Transition(
            "approve",
            _("采信"),
            (EvidenceStatus.SUBMITTED,),
            EvidenceStatus.APPROVED,
            ALL_REVIEWERS,
            _decides_evidence,
        ),
        Transition(
            "reject",
            _("退回"),
            (EvidenceStatus.SUBMITTED,),
            EvidenceStatus.REJECTED,
            ALL_REVIEWERS,
            _decides_evidence,
            requires_note=True,
            note_label=_("退回原因"),
        ),
    ],
)
