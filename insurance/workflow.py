"""The claim workflow: ONE declarative table (the same mechanism as cases, governance.workflow).

报案 → 村级核实 → 乡镇审核 → 保险公司赔付 / 拒赔, with 退回补充材料 (any reviewer sends the
claim back for more evidence; the reporter's side resubmits it) and 撤回 (the household gives up
before the township has approved). Roles are checked first, then the row's scope rule.
"""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.scoping import VIEW_INSURANCE, in_scope

from .constants import ClaimStatus as S

REPORTER_ROLES = (Role.GRID_WORKER, Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER)
EVERYONE = tuple(Role.values)


def insurer_ids(user) -> set[int]:
    """The insurers `user` works for (read once per user object)."""
    cache = user.__dict__
    if "_insurer_ids" not in cache:
        cache["_insurer_ids"] = set(user.insurers.values_list("id", flat=True)) if user.is_authenticated else set()
    return cache["_insurer_ids"]


def is_insurer_staff(user) -> bool:
    return Role.INSURER in user.role_names() and not user.is_superuser


def sees(actor, claim) -> bool:
    """Insurer staff see their insurer's claims in their area (the county); everyone else what
    lies in their insurance scope, plus the claims they reported."""
    if is_insurer_staff(actor):
        return claim.policy.insurer_id in insurer_ids(actor) and in_scope(actor, VIEW_INSURANCE, claim)
    return in_scope(actor, VIEW_INSURANCE, claim) or claim.reported_by_id == actor.id


def _has(actor, role) -> bool:
    return actor.is_superuser or role in actor.role_names()


def village(actor, claim) -> bool:
    return _has(actor, Role.VILLAGE_HEAD) and in_scope(actor, VIEW_INSURANCE, claim)


def township(actor, claim) -> bool:
    return _has(actor, Role.TOWNSHIP_OFFICER) and in_scope(actor, VIEW_INSURANCE, claim)


def insurer(actor, claim) -> bool:
    return actor.is_superuser or (Role.INSURER in actor.role_names() and sees(actor, claim))


def reporter_side(actor, claim) -> bool:
    """Who filed it, or the grid worker / village of the household."""
    if claim.reported_by_id == actor.id or actor.is_superuser:
        return True
    roles = actor.role_names()
    return bool({Role.GRID_WORKER, Role.VILLAGE_HEAD} & roles) and in_scope(actor, VIEW_INSURANCE, claim)


def reviewer_of_this_step(actor, claim) -> bool:
    """退回补充材料: the village on a new claim, the township on a verified one, the insurer on an
    approved one — whoever is to decide next."""
    return {S.REPORTED: village, S.VERIFIED: township, S.APPROVED: insurer}[claim.status](actor, claim)


def decider(actor, claim) -> bool:
    """拒赔: the township may refuse a verified claim, the insurer an approved one."""
    return {S.VERIFIED: township, S.APPROVED: insurer}[claim.status](actor, claim)


T = Transition
CLAIM_WORKFLOW = Workflow(
    name="claim",
    states=S,
    initial=S.REPORTED,
    final=(S.SETTLED, S.DECLINED, S.WITHDRAWN),
    transitions=[
        T("verify", _("村级核实"), (S.REPORTED,), S.VERIFIED, (Role.VILLAGE_HEAD,), village, True, _("核实情况")),
        T(
            "return",
            _("退回补充材料"),
            (S.REPORTED, S.VERIFIED, S.APPROVED),
            S.RETURNED,
            (Role.VILLAGE_HEAD, Role.TOWNSHIP_OFFICER, Role.INSURER),
            reviewer_of_this_step,
            True,
            _("需补充的材料"),
        ),
        T(
            "resubmit",
            _("补充材料后重新提交"),
            (S.RETURNED,),
            S.REPORTED,
            REPORTER_ROLES,
            reporter_side,
            True,
            _("补充说明"),
        ),
        T("approve", _("乡镇审核通过"), (S.VERIFIED,), S.APPROVED, (Role.TOWNSHIP_OFFICER,), township),
        T("settle", _("赔付"), (S.APPROVED,), S.SETTLED, (Role.INSURER,), insurer),
        T(
            "decline",
            _("拒赔"),
            (S.VERIFIED, S.APPROVED),
            S.DECLINED,
            (Role.TOWNSHIP_OFFICER, Role.INSURER),
            decider,
            True,
            _("拒赔原因"),
        ),
        T(
            "withdraw",
            _("撤回"),
            (S.REPORTED, S.RETURNED, S.VERIFIED),
            S.WITHDRAWN,
            REPORTER_ROLES,
            reporter_side,
            True,
            _("撤回原因"),
        ),
        T("comment", _("备注"), tuple(S.values), None, EVERYONE, sees, True, _("备注内容")),
    ],
)
