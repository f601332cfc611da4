"""The mechanism of a demo case's timeline: a step of incidents.workflow at a simulated time,
checked against the table, changing the case's fields and recording the event row that the
matching service in incidents.services records; running clocks (incidents.deadlines) and
urges. The first step that would happen after `now` raises Pending: the case stays there."""

import datetime as dt

from incidents.constants import CaseStatus as S
from incidents.constants import UnitKind, UrgeGrade
from incidents.units import COMMAND_ROLES, UNIT_ROLES
from incidents.workflow import CASE_WORKFLOW

from . import texts
from .context import Actor, Context

SECOND = dt.timedelta(seconds=1)
URGE_ORDER = [UrgeGrade.NORMAL, UrgeGrade.YELLOW, UrgeGrade.RED]


class Pending(Exception):
    """The next step would happen after now: the case stays where it is."""


def labels() -> dict[str, str]:
    return {t.action: str(t.label) for t in CASE_WORKFLOW.transitions}


class Steps:
    """A case's state while its life is simulated (the fields the services change)."""

    def __init__(self, ctx: Context, rng, now: dt.datetime, category, grid, created_at: dt.datetime, labels):
        self.ctx, self.rng, self.now, self.labels = ctx, rng, now, labels
        self.category, self.grid = category, grid
        self.t = created_at
        self.events: list[dict] = []
        self.status, self.version = S.REPORTED, 1
        self.suggested = ctx.route(category, grid)
        self.handling = self.dispatcher = None
        self.phase, self.warn_at, self.due_at, self.clock_start = "", None, None, None
        self.dispatched_at = self.closed_at = self.closed_on_time = self.pending_until = self.satisfaction = None
        self.is_postponed, self.rework_count, self.urge_count, self.top_urge = False, 0, 0, ""
        self.outcome = self.result = ""
        self.centre = ctx.actor("zhihui")

    def _do(self, action, at, actor: Actor, *, note="", unit=None, data=None, apply=None):
        at = max(at, self.t + SECOND)
        if at > self.now:
            raise Pending
        transition = CASE_WORKFLOW.get(action)
        if self.status not in transition.sources:
            raise AssertionError(f"{action} from {self.status}")
        from_state, self.t = self.status, at
        if apply is not None:
            apply(at)
        if transition.target is not None:
            self.status = transition.target
        self.version += 1
        self._event(action, self.labels[action], from_state, actor, note, unit, data or {})

    def _event(self, action, label, from_state, actor, note, unit, data):
        self.events.append(
            {
                "action": action,
                "action_label": label,
                "from_state": from_state,
                "to_state": self.status,
                "actor_id": actor.id,
                "actor_role": actor.role if actor.id else "",
                "actor_unit": self._actor_unit(actor),
                "note": note,
                "unit_id": unit.id if unit else None,
                "data": data,
                "created_at": self.t,
            }
        )

    def _actor_unit(self, actor: Actor) -> str:
        """incidents.services._actor_unit_name for a demo user (who holds exactly one role)."""
        if actor.id is None:
            return "系统"
        if self.handling is not None and actor.role in UNIT_ROLES[self.handling.kind]:
            return self.handling.name
        return "指挥中心" if actor.role in COMMAND_ROLES else ""

    def _clock(self, phase, start):
        self.phase, self.clock_start = phase, start
        self.warn_at, self.due_at = self.ctx.stage(self.category, self.handling.kind, phase, start)

    def _stop_clock(self):
        self.phase, self.warn_at, self.due_at = "", None, None

    def _minutes(self, low, high) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.uniform(low, high))

    def _when(self, on_time=0.75, late=0.1) -> dt.datetime:
        """When the step the running clock waits for happens: mostly before yellow, a share
        `late` after the deadline, the rest in between."""
        start, warn, due, r = self.clock_start, self.warn_at, self.due_at, self.rng.random()
        if due is None:
            return self.t + self._minutes(30, 600)
        warn = warn or due
        if r < on_time:
            return start + (warn - start) * self.rng.uniform(0.05, 0.95)
        if r < 1 - late:
            return warn + (due - warn) * self.rng.uniform(0.0, 1.0)
        return due + (due - start) * self.rng.uniform(0.05, 1.5)

    def _urges_until(self, at, again=False):
        """Yellow when the step comes after the warning time, red when after the deadline (and
        `again` every week or so while it stays overdue)."""
        if self.due_at is None:
            return
        if self.warn_at and at > self.warn_at and self.rng.random() < 0.6:
            span = min(at, self.due_at) - self.warn_at
            self._urge(self.warn_at + span * self.rng.uniform(0.05, 0.6), UrgeGrade.YELLOW)
        if at > self.due_at and self.rng.random() < 0.8:
            span = min(at - self.due_at, dt.timedelta(days=1))
            self._urge(self.due_at + span * self.rng.uniform(0.05, 0.5), UrgeGrade.RED)
            for _ in range(4 if again else 0):
                next_at = self.t + dt.timedelta(days=self.rng.uniform(5, 10))
                if next_at >= at:
                    break
                self._urge(next_at, UrgeGrade.RED)

    def _urge(self, at, grade):
        actor = self.ctx.actor("zhihui-lead") if grade == UrgeGrade.RED else self.centre
        if self.handling is not None and self.handling.kind == UnitKind.VILLAGE and self.rng.random() < 0.5:
            actor = self.ctx.officer(self._township_unit())  # the township presses its village
        if actor.id is None:
            actor = self.centre

        def apply(at):
            self.urge_count += 1
            if URGE_ORDER.index(grade) > (URGE_ORDER.index(self.top_urge) if self.top_urge else -1):
                self.top_urge = grade

        note = texts.URGE_NOTES[URGE_ORDER.index(grade)]
        self._do("urge", at, actor, note=note, apply=apply, data={"grade": grade})

    def _pick(self, options):
        return self.rng.choice(options)

    def _township_unit(self):
        return self.ctx.unit_at.get((self.grid.township_id, UnitKind.TOWNSHIP))

    def _other_unit(self):
        """Where the centre sends a case that came back: the township, or the department."""
        kind = self.handling.kind if self.handling else None
        if kind == UnitKind.TOWNSHIP:
            return self.ctx.department_of(self.category) or self.ctx.unit_at.get(
                (self.grid.village_id, UnitKind.VILLAGE)
            )
        return self._township_unit()
