"""The credit workflows: ONE table each for evaluation rounds and for proposed facts.

`governance.workflow.perform` enforces them (row lock, version → 409, role and scope, required
note, append-only event). Who acts at which level is read from where the actor's
`view_credit_records` grant sits: a village's staff propose, the township's evaluation group
(评定小组) reviews and decides facts, the county publishes and puts ratings into effect.
"""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.levels import AreaLevel
from grids.scoping import VIEW_CREDIT, granted_areas, in_scope

from .constants import EVALUATION_ROLES, FactStatus
from .constants import RoundStatus as S

VILLAGE_ROLES = (Role.VILLAGE_HEAD, Role.CREDIT_COMMITTEE)
GROUP_ROLES = (Role.CREDIT_COMMITTEE,)
COUNTY_ROLES = (Role.CREDIT_COMMITTEE, Role.COMMAND_LEADER)


def covers_at(actor, obj, levels) -> bool:
    """Whether one of the actor's credit grants at one of `levels` covers `obj` (superuser: yes)."""
    grants = granted_areas(actor, VIEW_CREDIT)
    if grants is None:
        return True
    return any(g.level in levels and getattr(obj, obj.area_fields[g.level]) == g.area_id for g in grants)


def sees(actor, obj) -> bool:
    return in_scope(actor, VIEW_CREDIT, obj) and (
        actor.is_superuser or bool(set(EVALUATION_ROLES) & actor.role_names())
    )


def village_staff(actor, obj) -> bool:
    return covers_at(actor, obj, (AreaLevel.VILLAGE,))


def township_group(actor, obj) -> bool:
    """The township's evaluation group (a county-level member may stand in)."""
    return covers_at(actor, obj, (AreaLevel.TOWNSHIP, AreaLevel.COUNTY))


def county(actor, obj) -> bool:
    return covers_at(actor, obj, (AreaLevel.COUNTY,))


def decider(actor, fact) -> bool:
    """The evaluation group decides a proposal, never the member who proposed it (two people)."""
    return township_group(actor, fact) and fact.proposed_by_id != actor.pk


def reviewer(actor, rnd) -> bool:
    """Segregation of duties: whoever proposed the round does not review it."""
    return township_group(actor, rnd) and rnd.proposed_by_id != actor.pk


T = Transition
ROUND_WORKFLOW = Workflow(
    name="credit_round",
    states=S,
    initial=S.DRAFT,
    final=(S.EFFECTIVE,),
    transitions=[
        T("propose", _("村级提报"), (S.DRAFT,), S.PROPOSED, VILLAGE_ROLES, village_staff),
        T("send_back", _("退回村级"), (S.PROPOSED,), S.DRAFT, GROUP_ROLES, township_group, True, _("退回原因")),
        T("review", _("评定小组审核通过"), (S.PROPOSED,), S.REVIEWED, GROUP_ROLES, reviewer),
        T("return_to_township", _("退回乡镇"), (S.REVIEWED,), S.PROPOSED, COUNTY_ROLES, county, True, _("退回原因")),
        T("publish", _("县级发布公示"), (S.REVIEWED,), S.NOTICE, COUNTY_ROLES, county),
        T("object", _("登记异议"), (S.NOTICE,), None, EVALUATION_ROLES, sees, True, _("异议内容")),
        T("answer", _("答复异议"), (S.NOTICE,), None, COUNTY_ROLES, township_group, True, _("答复内容")),
        T("reopen", _("撤回重评"), (S.NOTICE,), S.DRAFT, COUNTY_ROLES, county, True, _("撤回原因")),
        T("take_effect", _("公示期满生效"), (S.NOTICE,), S.EFFECTIVE, COUNTY_ROLES, county),
    ],
)

FACT_WORKFLOW = Workflow(
    name="credit_fact",
    states=FactStatus,
    initial=FactStatus.PROPOSED,
    final=(FactStatus.APPLIED, FactStatus.DISMISSED),
    transitions=[
        T("apply", _("采纳"), (FactStatus.PROPOSED,), FactStatus.APPLIED, GROUP_ROLES, decider),
        T(
            "dismiss",
            _("不予采纳"),
            (FactStatus.PROPOSED,),
            FactStatus.DISMISSED,
            GROUP_ROLES,
            decider,
            True,
            _("不予采纳原因"),
        ),
    ],
)
