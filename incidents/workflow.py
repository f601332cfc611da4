"""The case workflow: ONE declarative table of states, actions, who may act, next state.

`governance.workflow.perform` enforces it; `docs/workflow.md` is generated from it
(`manage.py workflow_diagram`). Roles are checked first, then the scope rule of the row.
"""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.scoping import VIEW, in_scope

from .constants import CaseStatus as S
from .constants import UnitKind
from .response import awaits_arrival
from .units import COMMAND_ROLES, HANDLER_ROLES, acts_for

VILLAGE_ROLES = (Role.VILLAGE_HEAD, Role.GRID_LEADER)
VERIFIER_ROLES = COMMAND_ROLES + (Role.TOWNSHIP_OFFICER,)
EVERYONE = tuple(Role.values)
WORKING = (S.ACCEPTED, S.IN_PROGRESS)
OPEN_AFTER_REGISTRATION = (S.REGISTERED, S.DISPATCHED, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS, S.DISPOSED, S.VERIFIED)


def sees(actor, case) -> bool:
    return in_scope(actor, VIEW, case) or case.reporter_id == actor.id or acts_for(actor, case.handling_unit)


def reporter_on_the_spot(actor, case) -> bool:
    """自办结: the reporter, on a grid in their own area."""
    return case.reporter_id == actor.id and in_scope(actor, VIEW, case)


def centre(actor, case) -> bool:
    """The command centre, within its scope."""
    return bool(set(COMMAND_ROLES) & actor.role_names()) and in_scope(actor, VIEW, case)


def handler(actor, case) -> bool:
    return acts_for(actor, case.handling_unit)


def team_on_its_way(actor, case) -> bool:
    """到场确认: acts for the handling unit of an urgent case whose arrival timer runs (115)."""
    return handler(actor, case) and awaits_arrival(case)


def _unit_kind(case):
    return case.handling_unit.kind if case.handling_unit_id else None


def _sent_by_township(case) -> bool:
    return case.dispatcher_unit_id is not None and case.dispatcher_unit.kind == UnitKind.TOWNSHIP


def returns_to_centre(actor, case) -> bool:
    return handler(actor, case) and not _sent_by_township(case)


def returns_to_township(actor, case) -> bool:
    return handler(actor, case) and _sent_by_township(case)


def township_handler(actor, case) -> bool:
    return handler(actor, case) and _unit_kind(case) == UnitKind.TOWNSHIP


def village_handler(actor, case) -> bool:
    return handler(actor, case) and _unit_kind(case) == UnitKind.VILLAGE


def upper_handler(actor, case) -> bool:
    return handler(actor, case) and _unit_kind(case) in (UnitKind.TOWNSHIP, UnitKind.DEPARTMENT)


def verifier(actor, case) -> bool:
    """The centre verifies; a township verifies what its villages handled (小事不出村)."""
    if centre(actor, case):
        return True
    return (
        Role.TOWNSHIP_OFFICER in actor.role_names()
        and _unit_kind(case) == UnitKind.VILLAGE
        and in_scope(actor, VIEW, case)
    )


def extension_decider(actor, case) -> bool:
    if _sent_by_township(case):
        return acts_for(actor, case.dispatcher_unit)
    return centre(actor, case)


T = Transition
CASE_WORKFLOW = Workflow(
    name="case",
    states=S,
    initial=S.REPORTED,
    final=(S.REJECTED, S.CLOSED),
    transitions=[
        T(
            "self_resolve",
            _("自办结"),
            (S.REPORTED,),
            S.CLOSED,
            EVERYONE,
            reporter_on_the_spot,
            True,
            _("处置情况"),
            offered=False,  # taken by intake (incidents.intake.submit_report), never a button
        ),
        T("register", _("立案"), (S.REPORTED,), S.REGISTERED, COMMAND_ROLES, centre),
        T("reject", _("不予立案"), (S.REPORTED,), S.REJECTED, COMMAND_ROLES, centre, True, _("不予立案原因")),
        T("merge", _("合并重复"), (S.REPORTED, S.REGISTERED), S.CLOSED, COMMAND_ROLES, centre),
        T("dispatch", _("派遣"), (S.REGISTERED, S.RETURNED), S.DISPATCHED, COMMAND_ROLES, centre),
        T("accept", _("签收"), (S.DISPATCHED,), S.ACCEPTED, HANDLER_ROLES, handler),
        T("return", _("退回"), (S.DISPATCHED,), S.RETURNED, HANDLER_ROLES, returns_to_centre, True, _("退回原因")),
        T(
            "return_to_township",
            _("退回乡镇"),
            (S.DISPATCHED,),
            S.IN_PROGRESS,
            VILLAGE_ROLES,
            returns_to_township,
            True,
            _("退回原因"),
        ),
        T("arrive", _("到场确认"), (S.DISPATCHED,) + WORKING, None, HANDLER_ROLES, team_on_its_way),
        T("start", _("开始处置"), (S.ACCEPTED,), S.IN_PROGRESS, HANDLER_ROLES, handler),
        T("hand_down", _("下派"), WORKING, S.DISPATCHED, (Role.TOWNSHIP_OFFICER,), township_handler),
        T(
            "escalate_to_township",
            _("上报乡镇"),
            WORKING,
            S.DISPATCHED,
            VILLAGE_ROLES,
            village_handler,
            True,
            _("上报原因"),
        ),
        T(
            "escalate_to_centre",
            _("上报指挥中心"),
            WORKING,
            S.REGISTERED,
            (Role.TOWNSHIP_OFFICER, Role.DEPARTMENT_OFFICER),
            upper_handler,
            True,
            _("上报原因"),
        ),
        T("dispose", _("处置反馈"), WORKING, S.DISPOSED, HANDLER_ROLES, handler),
        T("verify", _("核查通过"), (S.DISPOSED,), S.VERIFIED, VERIFIER_ROLES, verifier),
        T("rework", _("返工"), (S.DISPOSED,), S.IN_PROGRESS, VERIFIER_ROLES, verifier, True, _("返工原因")),
        T("close", _("结案"), (S.VERIFIED,), S.CLOSED, VERIFIER_ROLES, verifier),
        T("urge", _("督办"), OPEN_AFTER_REGISTRATION, None, VERIFIER_ROLES, verifier),
        T("request_extension", _("延期申请"), WORKING, None, HANDLER_ROLES, handler, True, _("延期原因")),
        T("decide_extension", _("延期审批"), WORKING, None, VERIFIER_ROLES, extension_decider),
        T("postpone", _("缓办"), WORKING, None, COMMAND_ROLES, centre, True, _("缓办原因")),
        T("comment", _("备注"), tuple(S.values), None, EVERYONE, sees, True, _("备注内容")),
        T("callback", _("回访"), (S.CLOSED,), None, COMMAND_ROLES, centre),
    ],
)
