"""One demo case's life: reported (or resolved on the spot), registered or rejected,
dispatched, signed for or sent back, handed down or escalated, maybe postponed or extended,
disposed, verified or reworked, closed, called back — each step through steps.Steps, so it
follows incidents.workflow and records what incidents.services records."""

import datetime as dt

from governance.roles import Role
from incidents.constants import CaseStatus as S
from incidents.constants import Outcome, Phase, ResponseStage, UnitKind, UrgeGrade, Urgency

from . import texts
from .context import Actor
from .steps import Pending, Steps

SATISFACTION = ([1, 2, 3, 4, 5], [2, 3, 10, 30, 55])

# How often things happen (per case, or per chance to happen).
REJECT = 0.04
COMMENT = 0.03
RETURN = 0.03  # a handler sends the centre's dispatch back
RETURN_TO_TOWNSHIP = 0.05
HAND_DOWN = 0.35  # a township passes its case to the village (小事不出村)
ESCALATE_TO_TOWNSHIP = 0.04
ESCALATE_TO_CENTRE = 0.01
POSTPONE = 0.02
EXTENSION = 0.04
EXTENSION_APPROVED = 0.85
STUCK = 0.03  # long-running, overdue
REWORK = 0.07
CALLBACK = 0.55
SELF_CALLBACK = 0.3
# “115” (incidents/response.py): an urgent case's push, dispatch and arrival — the share of each
# that runs over its limit (60 s, 60 s, 300 s).
LATE_PUSH, LATE_DISPATCH, LATE_ARRIVAL = 0.04, 0.04, 0.08


class Timeline(Steps):
    moments: list  # 115: (stage, time) of an urgent case's push, first dispatch and arrival
    first_unit = arrived_by = None

    def run(self, reporter: Actor | None, source: str, self_resolved: bool) -> None:
        self.moments = []
        try:
            if self_resolved:
                self._self_resolve(reporter, source)
                if self.rng.random() < SELF_CALLBACK:
                    self._callback()
                return
            self._report(reporter, source)
            if not self._register():
                return
            urgent = self.category.urgency == Urgency.URGENT
            unit = self.suggested or self._township_unit()
            self._dispatch(unit, self.t + (self._seconds(60, LATE_DISPATCH) if urgent else self._minutes(1, 60)))
            if urgent:
                self._arrive()
            self._assign()
            self._handle()
            if self.rng.random() < CALLBACK:
                self._callback()
        except Pending:
            pass

    def _report(self, reporter, source):
        role = Role.GRID_WORKER if reporter and reporter.role == Role.GRID_WORKER else ""
        actor = reporter or Actor(None, "")
        self.events.append(
            {
                "action": "report",
                "action_label": "上报",
                "from_state": "",
                "to_state": S.REPORTED,
                "actor_id": actor.id,
                "actor_role": role,
                "actor_unit": "",
                "note": "",
                "unit_id": None,
                "data": {"source": source},
                "created_at": self.t,
            }
        )

    def _self_resolve(self, reporter, source):
        """上报 then the table's 自办结 a second later (incidents.intake.submit_report)."""
        self._report(reporter, source)
        result = texts.result(self.rng, self.category.code)

        def apply(at):
            self.result, self.closed_at, self.closed_on_time = result, at, True

        self._do("self_resolve", self.t, reporter, note=result, apply=apply)

    def _seconds(self, limit: int, late: float) -> dt.timedelta:
        """A 115 step's delay: within `limit` seconds, or a share `late` of the time over it."""
        if self.rng.random() < late:
            return dt.timedelta(seconds=self.rng.uniform(limit * 1.1, limit * 3))
        return dt.timedelta(seconds=self.rng.uniform(limit * 0.15, limit * 0.9))

    def _register(self) -> bool:
        urgent = self.category.urgency == Urgency.URGENT
        at = self.t + (self._seconds(60, LATE_PUSH) if urgent else self._minutes(5, 180))
        if not urgent and self.rng.random() < REJECT:
            self._do("reject", at, self.centre, note=self.rng.choice(texts.REJECT_REASONS))
            return False
        self._do("register", at, self.centre)
        if urgent:
            self.moments.append((ResponseStage.PUSH, self.t))
        if self.rng.random() < COMMENT:
            self._do("comment", self.t + self._minutes(1, 30), self.centre, note=self.rng.choice(texts.COMMENTS))
        return True

    def _dispatch(self, unit, at):
        def apply(at):
            self.handling, self.dispatcher, self.dispatched_at = unit, None, at
            self._clock(Phase.SIGN, at)

        self._do("dispatch", at, self.centre, unit=unit, apply=apply)
        if self.category.urgency == Urgency.URGENT:
            if len(self.moments) == 1:  # the first dispatch (115): the team's arrival follows
                self.moments.append((ResponseStage.DISPATCH, self.t))
                self.first_unit = unit
            else:  # 马上办: the centre presses at once
                self._urge(self.t + self._minutes(1, 5), UrgeGrade.NORMAL)

    def _arrive(self):
        """到场确认 (115): the team on site within five minutes, mostly; then the centre presses on."""
        officer, at = self.ctx.officer(self.handling), self.t + self._seconds(300, LATE_ARRIVAL)
        self._do("arrive", at, officer, data={"arrived_at": at.isoformat()})
        self.moments.append((ResponseStage.ARRIVE, self.t))
        self.arrived_by = officer
        self._urge(self.t + self._minutes(1, 5), UrgeGrade.NORMAL)  # 马上办: the centre presses at once

    def _assign(self):
        """From dispatch to someone working on it: sign for, send back, hand down, escalate."""
        moves = 0
        while True:
            at = self._when(on_time=0.88, late=0.04)  # signing for is quick, mostly
            self._urges_until(at)
            officer = self.ctx.officer(self.handling)
            from_township = self.dispatcher is not None and self.dispatcher.kind == UnitKind.TOWNSHIP
            if from_township and moves < 2 and self.rng.random() < RETURN_TO_TOWNSHIP:
                self._do("return_to_township", at, officer, note=self._pick(texts.RETURN_REASONS), apply=self._back_up)
                moves += 1
            elif not from_township and moves < 2 and self.rng.random() < RETURN:
                other = self._other_unit()
                self._do(
                    "return", at, officer, note=self._pick(texts.RETURN_REASONS), apply=lambda at: self._stop_clock()
                )
                moves += 1
                self._dispatch(other, self.t + self._minutes(10, 240))
                continue
            else:
                self._do("accept", at, officer, apply=lambda at: self._clock(Phase.HANDLE, self.dispatched_at))
                self._do("start", self.t + self._minutes(0, 120), officer)
            if moves < 2 and self._moved_on(officer):
                moves += 1
                continue
            return

    def _moved_on(self, officer) -> bool:
        """Hand down to the village, escalate to the township or back to the centre (maybe)."""
        kind, r, at = self.handling.kind, self.rng.random(), self.t + self._minutes(10, 600)
        village = self.ctx.unit_at.get((self.grid.village_id, UnitKind.VILLAGE))
        if kind == UnitKind.TOWNSHIP and village is not None and r < HAND_DOWN:
            self._do("hand_down", at, officer, unit=village, apply=lambda at: self._move(village, self.handling, at))
            return True
        if kind == UnitKind.VILLAGE and self.dispatcher is None and r < ESCALATE_TO_TOWNSHIP:
            township = self._township_unit()
            note = self._pick(texts.ESCALATE_REASONS)
            self._do("escalate_to_township", at, officer, note=note, apply=lambda at: self._move(township, None, at))
            return True
        if kind in (UnitKind.TOWNSHIP, UnitKind.DEPARTMENT) and r < ESCALATE_TO_CENTRE:
            other = self._other_unit()
            note = self._pick(texts.ESCALATE_REASONS)
            self._do("escalate_to_centre", at, officer, note=note, apply=lambda at: self._move(None, None, at))
            self._dispatch(other, self.t + self._minutes(10, 300))
            return True
        return False

    def _move(self, unit, dispatcher, at):
        self.handling, self.dispatcher = unit, dispatcher
        if unit is None:
            self._stop_clock()
        else:
            self.dispatched_at = at
            self._clock(Phase.SIGN, at)

    def _back_up(self, at):
        self.handling, self.dispatcher = self.dispatcher, None
        self._clock(Phase.HANDLE, self.dispatched_at)

    def _postpone(self, at):
        self.is_postponed = True
        self._stop_clock()

    def _handle(self):
        """Work, maybe a postponement or an extension, dispose; verify or rework; close."""
        officer, r = self.ctx.officer(self.handling), self.rng.random()
        postponed = r < POSTPONE
        if postponed:
            note = self._pick(texts.POSTPONE_REASONS)
            self._do("postpone", self.t + self._minutes(60, 2880), self.centre, note=note, apply=self._postpone)
        elif r < POSTPONE + EXTENSION and self.due_at is not None and self.due_at > self.t:
            self._extension(officer)
        stuck = self.rng.random() < STUCK
        for attempt in range(3):
            if postponed:
                at = self.t + dt.timedelta(days=self.rng.uniform(15, 80))
            elif stuck and self.due_at is not None:
                at = self.due_at + dt.timedelta(days=self.rng.uniform(5, 60))
            else:
                at = max(self.t + self._minutes(30, 300), self._when())
            self._urges_until(at, again=stuck)
            self._dispose(at, officer)
            verifier = self._verifier()
            at = self._when(on_time=0.9, late=0.02)
            if attempt < 2 and self.rng.random() < REWORK:
                self._do("rework", at, verifier, note=self._pick(texts.REWORK_REASONS), apply=self._rework)
                continue
            self._do("verify", at, verifier, apply=lambda at: self._stop_clock())
            self._do("close", self.t + self._minutes(1, 90), verifier, apply=self._close)
            return

    def _extension(self, officer):
        at = self.t + (self.due_at - self.t) * self.rng.uniform(0.2, 0.8)
        until = self.due_at + dt.timedelta(days=self.rng.randint(2, 7))

        def request(at):
            self.pending_until = until

        note = self._pick(texts.EXTENSION_REASONS)
        self._do("request_extension", at, officer, note=note, apply=request, data={"until": until.isoformat()})
        approved = self.rng.random() < EXTENSION_APPROVED
        from_township = self.dispatcher is not None and self.dispatcher.kind == UnitKind.TOWNSHIP
        decider = self.ctx.officer(self.dispatcher) if from_township else self.centre

        def decide(at):
            if approved:
                self.due_at, self.warn_at = until, None
            self.pending_until = None

        self._do(
            "decide_extension", self.t + self._minutes(30, 600), decider, apply=decide, data={"approved": approved}
        )

    def _dispose(self, at, officer):
        code = self.category.code
        if code.startswith("MD"):  # mediation is a kind of disposal
            choices = [Outcome.MEDIATION_AGREED, Outcome.MEDIATION_FAILED, Outcome.RESOLVED], [85, 8, 7]
        else:
            choices = [Outcome.RESOLVED, Outcome.UNRESOLVABLE], [95, 5]
        outcome = self.rng.choices(*choices)[0]
        result = texts.result(self.rng, code)

        def apply(at):
            self.result, self.outcome = result, outcome
            self.closed_on_time = self.due_at is None or at <= self.due_at
            self._clock(Phase.VERIFY, at)

        self._do("dispose", at, officer, note=result, apply=apply, data={"outcome": outcome})

    def _verifier(self) -> Actor:
        """A township checks what its villages did (most of the time); the centre the rest."""
        if self.handling.kind == UnitKind.VILLAGE and self.rng.random() < 0.7:
            town = self.ctx.officer(self._township_unit())
            if town.id:
                return town
        return self.centre

    def _rework(self, at):
        self.rework_count += 1
        self._clock(Phase.HANDLE, at)

    def _close(self, at):
        self.closed_at = at

    def _callback(self):
        score = self.rng.choices(*SATISFACTION)[0]

        def apply(at):
            self.satisfaction = score

        at = self.t + self._minutes(240, 5760)
        self._do(
            "callback", at, self.centre, note=texts.CALLBACK_NOTES[score], apply=apply, data={"satisfaction": score}
        )
