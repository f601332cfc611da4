"""Every read of policies and claims, scoped to the caller: the `view_insurance_records` area
permission (a township officer sees their township, the command centre the county), narrowed for
an insurer's staff to the policies of the insurer they work for."""

from django.db.models import Prefetch, Q

from governance.roles import Role
from grids.levels import LEVEL_ORDER, AreaLevel
from grids.models import Area
from grids.scoping import VIEW_INSURANCE, granted_areas, scope_q

from .constants import ClaimStatus
from .models import Claim, ClaimEvent, Insurer, Peril, Policy, PremiumSchedule
from .workflow import insurer_ids, is_insurer_staff

BELOW_TOWNSHIP = (AreaLevel.VILLAGE, AreaLevel.GRID, AreaLevel.MICRO_GRID)


def _township_path(grant) -> str:
    """The path of the township above a village's or a grid's grant (a county under a city sits
    one level deeper, so the township's path is cut from the grant's own, not at a fixed length)."""
    below = LEVEL_ORDER.index(AreaLevel(grant.level)) - LEVEL_ORDER.index(AreaLevel.TOWNSHIP)
    return grant.path[: len(grant.path) - below * Area.steplen]


def policies_for(user):
    """The policies in the user's insurance scope; a village or grid sees its township's policy."""
    grants = granted_areas(user, VIEW_INSURANCE)
    if grants is None:
        qs = Policy.objects.all()
    else:
        q = scope_q(Policy, grants)
        below = {_township_path(g) for g in grants if g.level in BELOW_TOWNSHIP}
        if below:
            q |= Q(township__path__in=below)
        qs = Policy.objects.filter(q)
    if is_insurer_staff(user):
        qs = qs.filter(insurer_id__in=insurer_ids(user))
    return qs.select_related("insurer", "township").prefetch_related("perils")


def claims_for(user):
    grants = granted_areas(user, VIEW_INSURANCE)
    if grants is None:
        qs = Claim.objects.all()
    elif is_insurer_staff(user):
        qs = Claim.objects.filter(scope_q(Claim, grants), policy__insurer_id__in=insurer_ids(user))
    else:
        qs = Claim.objects.filter(scope_q(Claim, grants) | Q(reported_by_id=user.id))
    return qs.select_related("policy", "township", "village", "household", "peril", "incident")


def claim_detail_queryset(user):
    events = ClaimEvent.objects.select_related("actor")
    return (
        claims_for(user)
        .select_related("policy__insurer", "reported_by")
        .prefetch_related(Prefetch("events", queryset=events), "events__photos")
    )


# What each role is asked to do next (the "claims to handle" page).
TODO_STATES = {
    "village_head": (ClaimStatus.REPORTED,),
    "township_officer": (ClaimStatus.VERIFIED,),
    "insurer": (ClaimStatus.APPROVED,),
    "grid_worker": (ClaimStatus.RETURNED,),
}


def todo_states(user) -> set[str]:
    """The claim states that wait for a step of this user's roles."""
    if user.is_superuser:
        return {s for states in TODO_STATES.values() for s in states}
    return {s for role, states in TODO_STATES.items() if role in user.role_names() for s in states}


def todo_for(user):
    """The claims waiting for the user's step, in the user's scope."""
    return claims_for(user).filter(status__in=todo_states(user))


def insurers_for(user):
    if is_insurer_staff(user):
        return Insurer.objects.filter(pk__in=insurer_ids(user))
    return Insurer.objects.all()


def managed_insurers(user):
    """The insurers whose policies `user` may issue and renew (services.may_manage_policies)."""
    if user.is_platform_admin:
        return Insurer.objects.all()
    if Role.INSURER in user.role_names():
        return Insurer.objects.filter(pk__in=insurer_ids(user))
    return Insurer.objects.none()


def townships_insured_by(insurers):
    """The townships of the insurers' counties, the places a group policy is issued for."""
    counties = [i.county.path for i in insurers.select_related("county")]
    if not counties:
        return Area.objects.none()
    q = Q()
    for path in counties:
        q |= Q(path__startswith=path)
    return Area.objects.filter(q, level=AreaLevel.TOWNSHIP).order_by("path")


def schedules_for(user):
    return PremiumSchedule.objects.filter(insurer__in=insurers_for(user)).select_related("insurer")


def perils():
    return Peril.objects.all()
