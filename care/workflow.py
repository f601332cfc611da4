"""The 三色 colour-change workflow (governance.workflow): the village proposes with a reason,
the township confirms (the household's colour changes) or sends it back with a reason; the
village may withdraw its proposal before the township decides."""

from django.utils.translation import gettext_lazy as _

from governance.roles import Role
from governance.workflow import Transition, Workflow
from grids.scoping import CHANGE, in_scope

from .constants import COLOUR_CONFIRMER_ROLES
from .constants import ColourChangeStatus as S
from .scoping import may_see


def township_side(actor, change) -> bool:
    return may_see(actor, change) and in_scope(actor, CHANGE, change)


def proposer_side(actor, change) -> bool:
    return may_see(actor, change) and (change.proposed_by_id == actor.id or in_scope(actor, CHANGE, change))


COLOUR_WORKFLOW = Workflow(
    name="colour_change",
    states=S,
    initial=S.PROPOSED,
    final=(S.CONFIRMED, S.REJECTED, S.WITHDRAWN),
    transitions=[
        Transition("confirm", _("乡镇确认"), (S.PROPOSED,), S.CONFIRMED, COLOUR_CONFIRMER_ROLES, township_side),
        Transition(
            "reject",
            _("乡镇退回"),
            (S.PROPOSED,),
            S.REJECTED,
            COLOUR_CONFIRMER_ROLES,
            township_side,
            requires_note=True,
            note_label=_("退回理由"),
        ),
        Transition("withdraw", _("村撤回"), (S.PROPOSED,), S.WITHDRAWN, (Role.VILLAGE_HEAD, Role.ADMIN), proposer_side),
    ],
)
