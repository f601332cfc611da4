"""The transition tables of mediations, petitions and subsidy statements (the one workflow
mechanism, governance.workflow.perform). Roles are checked first, then the row's scope rule.

Who mediates: the mediators on the mediation who have an account, and within their scope the
people who act at the body's level — a village body's mediation is recorded by the village
(station head, grid leader, grid police officer) or its township; a township body's by the
township; the county centre's by the command centre.
"""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.scoping import VIEW, in_scope

from .constants import BodyLevel
from .constants import MediationStatus as M
from .constants import PetitionStatus as P
from .constants import StatementStatus as St

EVERYONE = tuple(Role.values)
COMMAND = (Role.COMMAND_OPERATOR, Role.COMMAND_LEADER)
LEVEL_ROLES = {
    BodyLevel.VILLAGE: {Role.VILLAGE_HEAD, Role.GRID_LEADER, Role.GRID_POLICE, Role.TOWNSHIP_OFFICER},
    BodyLevel.TOWNSHIP: {Role.TOWNSHIP_OFFICER},
    BodyLevel.COUNTY: set(COMMAND),
}
# Who files a petition: the command centre's petition desk, townships, and grid workers or
# villages on a petitioner's behalf (信访代办).
PETITION_FILERS = COMMAND + (Role.TOWNSHIP_OFFICER, Role.VILLAGE_HEAD, Role.GRID_WORKER, Role.GRID_POLICE)
PETITION_HANDLERS = COMMAND + (Role.TOWNSHIP_OFFICER,)


def mediator_user_ids(mediation) -> set[int]:
    """The accounts of the mediation's mediators (one query, cached on the row)."""
    cache = mediation.__dict__
    if "_mediator_user_ids" not in cache:
        cache["_mediator_user_ids"] = set(
            mediation.mediators.filter(user__isnull=False).values_list("user_id", flat=True)
        )
    return cache["_mediator_user_ids"]


def acts_at_level(actor, level: str, obj) -> bool:
    """`actor` works at `level` (or above it) and `obj` lies in their scope."""
    return actor.is_superuser or bool(LEVEL_ROLES[level] & actor.role_names()) and in_scope(actor, VIEW, obj)


def sees_mediation(actor, mediation) -> bool:
    return in_scope(actor, VIEW, mediation) or actor.id in mediator_user_ids(mediation)


def mediates(actor, mediation) -> bool:
    return actor.id in mediator_user_ids(mediation) or acts_at_level(actor, mediation.level, mediation)


T = Transition
MEDIATION_WORKFLOW = Workflow(
    name="mediation",
    states=M,
    initial=M.ACCEPTED,
    final=(M.AGREED, M.REFERRED, M.ESCALATED),
    transitions=[
        T("session", _("记录调解"), (M.ACCEPTED, M.MEDIATING), M.MEDIATING, EVERYONE, mediates),
        T("agree", _("达成协议"), (M.MEDIATING,), M.AGREED, EVERYONE, mediates),
        T("fail", _("调解不成"), (M.MEDIATING,), M.FAILED, EVERYONE, mediates, True, _("调解不成的原因")),
        T("refer", _("引导诉讼/仲裁"), (M.ACCEPTED, M.MEDIATING), M.REFERRED, EVERYONE, mediates, True, _("说明")),
        T("escalate", _("移交上级调解"), (M.FAILED,), M.ESCALATED, EVERYONE, mediates, True, _("移交原因")),
        T("confirm", _("司法确认"), (M.AGREED,), None, EVERYONE, mediates),
        T("follow_up", _("回访"), (M.AGREED,), None, EVERYONE, mediates, True, _("回访情况")),
        T("comment", _("备注"), tuple(M.values), None, EVERYONE, sees_mediation, True, _("备注内容")),
    ],
)
# Opening creates the mediation, so it is not a row of the table; its event looks like one.
OPEN = Transition("open", _("受理调解"), (), M.ACCEPTED, EVERYONE)


def sees_petition(actor, petition) -> bool:
    return in_scope(actor, VIEW, petition) or petition.owner_id == actor.id


def handles_petition(actor, petition) -> bool:
    """The owner leader, or the county's / the township's petition desk in scope."""
    if petition.owner_id == actor.id or actor.is_superuser:
        return True
    return bool(set(PETITION_HANDLERS) & actor.role_names()) and in_scope(actor, VIEW, petition)


def assigns_owner(actor, petition) -> bool:
    return actor.is_superuser or bool(set(PETITION_HANDLERS) & actor.role_names()) and in_scope(actor, VIEW, petition)


PETITION_WORKFLOW = Workflow(
    name="petition",
    states=P,
    initial=P.OPEN,
    final=(P.RESOLVED,),
    transitions=[
        T("assign_owner", _("领导包案"), (P.OPEN, P.REPLIED), None, EVERYONE, assigns_owner),
        T("reply", _("答复"), (P.OPEN,), P.REPLIED, EVERYONE, handles_petition),
        T("resolve", _("办结"), (P.REPLIED,), P.RESOLVED, EVERYONE, handles_petition),
        T("reopen", _("不满意，重新办理"), (P.REPLIED,), P.OPEN, EVERYONE, handles_petition, True, _("原因")),
        T("comment", _("备注"), tuple(P.values), None, EVERYONE, sees_petition, True, _("备注内容")),
    ],
)
FILE = Transition("file", _("登记信访"), (), P.OPEN, PETITION_FILERS)
ENTER_BACKLOG = Transition("enter_backlog", _("列入积案"), (P.OPEN, P.REPLIED), None, ())


def approves_statement(actor, statement) -> bool:
    """The township of the body (the county centre for a county body) approves its statement."""
    level = BodyLevel.COUNTY if statement.township_id is None else BodyLevel.TOWNSHIP
    return actor.is_superuser or bool(LEVEL_ROLES[level] & actor.role_names()) and in_scope(actor, VIEW, statement)


def sees_statement(actor, statement) -> bool:
    return in_scope(actor, VIEW, statement)


STATEMENT_WORKFLOW = Workflow(
    name="subsidy_statement",
    states=St,
    initial=St.PENDING,
    final=(St.APPROVED,),
    transitions=[
        T("approve", _("审批通过"), (St.PENDING,), St.APPROVED, (Role.TOWNSHIP_OFFICER,) + COMMAND, approves_statement),
        T(
            "return",
            _("退回"),
            (St.PENDING,),
            St.RETURNED,
            (Role.TOWNSHIP_OFFICER,) + COMMAND,
            approves_statement,
            True,
            _("退回原因"),
        ),
        T("rebuild", _("重新生成"), (St.RETURNED,), St.PENDING, (Role.TOWNSHIP_OFFICER,) + COMMAND, approves_statement),
    ],
)
