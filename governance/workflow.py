"""The one workflow mechanism that cases, claims and credit ratings use.

A domain model declares its transition table (a `Workflow`: states, actions, who may take
each action, the next state). `perform` is the only path that changes a state: it locks the
row, checks the expected version (stale page → Conflict), the table and the actor, applies
the domain's own changes, bumps the version, writes the append-only event row and schedules
notifications on commit — all in one transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from .errors import Conflict

__all__ = ["Conflict", "Transition", "Workflow", "lock", "move_locked", "perform"]


@dataclass(frozen=True)
class Transition:
    """One row of a transition table.

    `sources`: the states the action may start from; `target`: the next state, or None for an
    action that records and notifies without moving (urge, comment). `roles`: the roles that may
    take it; `allowed(actor, obj)` the extra scope rule (e.g. "the case's handling unit is one of
    the actor's units"), checked after the row is locked. `requires_note`: a reason is required.
    `offered=False`: a step a service takes as part of a larger one (intake's 自办结), never
    offered as a button or an API action.
    """

    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    allowed: Callable | None = None
    requires_note: bool = False
    note_label: str = ""
    offered: bool = True


@dataclass
class Workflow:
    name: str
    states: type[models.TextChoices]
    transitions: list[Transition]
    initial: str
    final: tuple[str, ...] = ()
    _by_action: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._by_action = {t.action: t for t in self.transitions}
        assert len(self._by_action) == len(self.transitions), "duplicate action in table"
        for t in self.transitions:
            assert set(t.sources) <= set(self.states.values), t.action
            assert t.target is None or t.target in self.states.values, t.action

    def get(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ValidationError({"action": _("未知操作：%(a)s") % {"a": action}}) from None

    def may(self, actor, obj, transition: Transition) -> bool:
        if not (actor.is_superuser or set(transition.roles) & actor.role_names()):
            return False
        return transition.allowed is None or bool(transition.allowed(actor, obj))

    def available(self, actor, obj) -> list[Transition]:
        """The actions `actor` may take on `obj` now (for buttons and the API's `actions`)."""
        state = obj.status
        return [t for t in self.transitions if t.offered and state in t.sources and self.may(actor, obj, t)]

    def mermaid(self) -> str:
        """The moving actions as a Mermaid state diagram (docs/workflow.md is generated from this).
        Actions that record without moving (urge, comment…) are listed in the table, not drawn."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for state in self.states:
            lines.append(f"    {state.value}: {state.value} {state.label}")
        for t in self.transitions:
            if t.target is None:
                continue
            for source in t.sources:
                lines.append(f"    {source} --> {t.target}: {t.label}")
        lines += [f"    {s} --> [*]" for s in self.final]
        return "\n".join(lines)


def lock(queryset: models.QuerySet, pk):
    """The row `pk` of `queryset` (with its select_related rows), locked for the rest of the
    transaction; None when there is no such row.

    The lock is taken on the bare row first, the row and its joins are read after it: locking the
    joined query itself (`select_for_update(of=("self",))`) is wrong when the lock had to be
    waited for, because PostgreSQL then re-reads only the locked table's row, and the joined rows
    stay as first read — a handling unit the other transaction changed came back as NULL (a 500)
    or as the old unit (tests/incidents/test_concurrency.py)."""
    locked = queryset.model._base_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True)
    if not list(locked):
        return None
    return queryset.filter(pk=pk).first()


def perform(
    *,
    workflow: Workflow,
    queryset: models.QuerySet,
    pk,
    action: str,
    actor,
    visible: Callable,
    expected_version: int | None = None,
    note: str = "",
    apply: Callable | None = None,
    record: Callable,
    after_commit: Iterable[Callable] = (),
):
    """Run one transition. Returns (obj, event).

    `actor=None` is the platform itself (a task such as 马上办 or 日清): the table's sources still
    apply, the role and scope rules do not, and the event row records no actor.
    `visible(actor, obj)`: False → Http404 (existence never leaks). `apply(obj, transition)`:
    the domain's own changes, may raise ValidationError. `record(obj, transition, from_state,
    note)`: writes and returns the event row. `after_commit`: callables given (obj, event).
    """
    transition = workflow.get(action)
    with transaction.atomic():
        obj = lock(queryset, pk)
        if obj is None or (actor is not None and not visible(actor, obj)):
            raise Http404
        if expected_version is not None and obj.version != expected_version:
            raise Conflict(
                _("该记录已被他人处理（当前状态：%(s)s），请刷新后重试。") % {"s": obj.get_status_display()},
                obj.status,
                obj.version,
            )
        if obj.status not in transition.sources:
            raise Conflict(
                _("当前状态“%(s)s”不能执行“%(a)s”。") % {"s": obj.get_status_display(), "a": transition.label},
                obj.status,
                obj.version,
            )
        if actor is not None and not workflow.may(actor, obj, transition):
            raise PermissionDenied(_("您无权执行“%(a)s”。") % {"a": transition.label})
        if transition.requires_note and not (note or "").strip():
            raise ValidationError({"note": _("请填写%(what)s。") % {"what": transition.note_label or _("原因")}})
        from_state = obj.status
        if apply is not None:
            apply(obj, transition)
        if transition.target is not None:
            obj.status = transition.target
        obj.version += 1
        obj.save()
        event = record(obj, transition, from_state, (note or "").strip())
        for callback in after_commit:
            transaction.on_commit(lambda cb=callback: cb(obj, event))
    return obj, event


def move_locked(workflow: Workflow, obj, action: str) -> Transition:
    """The platform's own batch step (日清's escalation): move `obj`, a row the caller has already
    locked with select_for_update, along `action` of the table, and bump its version. The caller
    saves the rows in bulk and writes their event rows in the same transaction. No actor: only
    the platform itself may use it, so there is no role or scope rule to check."""
    transition = workflow.get(action)
    if obj.status not in transition.sources or transition.target is None:
        raise Conflict(
            _("当前状态“%(s)s”不能执行“%(a)s”。") % {"s": obj.get_status_display(), "a": transition.label},
            obj.status,
            obj.version,
        )
    obj.status = transition.target
    obj.version += 1
    return transition
