"""The demo's cases: when, where, through which channel and about what they were reported, each
one's life (timeline.py), and their rows, built in memory per chunk and written in bulk
(governance/bulk.py) with pre-allocated ids, so the number "SJ" + date + id is known before the insert."""

import datetime as dt
import random
from bisect import bisect
from collections import Counter
from itertools import accumulate

from django.utils import timezone

from demo.grids import names
from governance import bulk
from incidents import response
from incidents.constants import CaseStatus as S
from incidents.constants import PartyRole as P
from incidents.constants import ResponseStage, Source, Urgency
from incidents.models import Case, CaseEvent, CaseParty, UrgentResponse

from . import texts
from .context import Context
from .steps import labels
from .timeline import Timeline

# Two years of use: the platform is in its third year, so last year's figures (the insurance's
# thefts in the year before this year's policies, the credit and safe-village ratings) have cases under them.
DAYS = 730
CHUNK = 5000
SOURCES = [
    (Source.GRID_APP, 70),
    (Source.HOTLINE, 12),
    (Source.WALK_IN, 6),
    (Source.VIDEO, 6),
    (Source.PETITION, 3),
    (Source.CITIZEN, 3),
]
ENTERED_BY_CENTRE = (Source.HOTLINE, Source.WALK_IN, Source.PETITION)  # the operator types these in
# Leaf categories: disputes, environment and fire hazards most common, emergencies rare.
CATEGORY_WEIGHTS = {
    "MD01": 6, "MD02": 9, "MD03": 5, "MD04": 3, "MD05": 2,
    "HJ01": 8, "HJ02": 10, "HJ03": 3,
    "XF01": 8, "XF02": 7, "XF03": 2,
    "ZA01": 4, "ZA02": 1, "ZA03": 3, "AQ01": 3, "WJ01": 4, "WJ02": 2, "CZ01": 3, "XS01": 2, "FW01": 3, "FW02": 3,
    "YJ01": 0.3, "YJ02": 0.2, "YJ03": 0.2,
    "AQ02": 0.05, "XA01": 0.01, "XA02": 0.4, "XA03": 0.3,
    "DL01": 2, "DL02": 4, "DL03": 3,
}  # fmt: skip
OTHER_WEIGHT = 1  # a category an admin added
SELF_RESOLVABLE = {"MD01", "MD02", "XF01", "XF02", "HJ01", "HJ02", "FW02"}  # small matters fixed on the spot
SELF_SHARE = 0.15
# Reports by hour of day (local time): few at night, most in working hours.
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 14, 10, 10, 14, 15, 15, 13, 9, 7, 5, 3, 2, 1]


class Planner:
    """Builds the rows of the demo cases, deterministic from the seed, `now` and the county."""

    def __init__(self, ctx: Context, seed, now: dt.datetime):
        self.ctx, self.now = ctx, now
        self.rng = random.Random(f"{seed}:incidents")
        self.tz = timezone.get_current_timezone()
        self.labels = labels()
        self.sources, self.source_weights = zip(*SOURCES, strict=True)
        self.source_cum = list(accumulate(self.source_weights))
        weights = [CATEGORY_WEIGHTS.get(c.code, OTHER_WEIGHT) for c in ctx.leaves]
        self.category_cum = list(accumulate(weights))
        small = sum(w for c, w in zip(ctx.leaves, weights, strict=True) if c.code in SELF_RESOLVABLE)
        app_share = dict(SOURCES)[Source.GRID_APP] / sum(self.source_weights)
        self.self_chance = min(1.0, SELF_SHARE / (app_share * small / sum(weights))) if small else 0.0
        self.petition = next((c for c in ctx.leaves if c.code == "XS01"), None)
        self.statuses: Counter = Counter()

    def report_times(self, n: int) -> list[dt.datetime]:
        """n report times over the last DAYS days, oldest first, mostly in the daytime. A time that
        falls after `now` on today's date is drawn again (not moved to yesterday, which would make
        yesterday a peak in every trend)."""
        rng, today = self.rng, timezone.localtime(self.now, self.tz).date()
        times = []
        while len(times) < n:
            day = today - dt.timedelta(days=rng.randrange(DAYS))
            hour = rng.choices(range(24), HOURS)[0]
            at = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), self.tz)
            if at <= self.now:
                times.append(at)
        times.sort()
        return times

    def plan(self, ids: list[int], times: list[dt.datetime]):
        """Rows (dicts) of cases, events, parties and 115 responses for one chunk: case ids[i] was
        reported at times[i]."""
        cases, events, parties, responses = [], [], [], []
        for case_id, created_at in zip(ids, times, strict=True):
            case, case_events, case_parties, case_response = self._case(case_id, created_at)
            cases.append(case)
            for event in case_events:
                event["case_id"] = case_id
            events += case_events
            parties += case_parties
            responses += [case_response] if case_response else []
        return cases, events, parties, responses

    def _case(self, case_id: int, created_at: dt.datetime):
        ctx, rng = self.ctx, self.rng
        grid = ctx.pick_grid(rng)
        source = self.sources[_index(self.source_cum, rng.random())]
        worker = ctx.worker_on(grid, created_at.date())
        if source == Source.GRID_APP and worker is None:
            source = Source.HOTLINE  # nobody on the grid that day: the villagers call
        if source == Source.PETITION and self.petition and rng.random() < 0.6:
            category = self.petition
        else:
            category = ctx.leaves[_index(self.category_cum, rng.random())]
        self_resolved = (
            source == Source.GRID_APP
            and category.code in SELF_RESOLVABLE
            and category.urgency != Urgency.URGENT
            and rng.random() < self.self_chance
        )
        reporter, reporter_name, reporter_phone = worker, "", ""
        if source != Source.GRID_APP:
            reporter = ctx.actor("zhihui") if source in ENTERED_BY_CENTRE else None
            reporter = reporter if reporter and reporter.id else None
            if source != Source.VIDEO:
                reporter_name, reporter_phone = names.full_name(rng, rng.random() < 0.55), names.mobile(rng)
        west, south, east, north = grid.rect
        lat = round(south + (north - south) * rng.uniform(0.05, 0.95), 6)
        lng = round(west + (east - west) * rng.uniform(0.05, 0.95), 6)
        place = grid.place + (f"{rng.randint(1, 120)}号" if grid.is_community else f"{rng.randint(1, 15)}组")
        description = texts.describe(rng, category.code, grid.place, names.surname(rng))

        life = Timeline(ctx, rng, self.now, category, grid, created_at, self.labels)
        life.run(reporter, source, self_resolved)
        self.statuses[life.status] += 1
        case = dict(
            id=case_id,
            number=f"SJ{created_at:%Y%m%d}{case_id:07d}",
            source=source,
            category_id=category.id,
            urgency=category.urgency,
            description=description,
            address=place,
            lat=lat,
            lng=lng,
            reported_crs="WGS84",
            county_id=ctx.county.id,
            township_id=grid.township_id,
            village_id=grid.village_id,
            grid_id=grid.id,
            reporter_id=reporter.id if reporter else None,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            status=life.status,
            version=life.version,
            suggested_unit_id=life.suggested.id if life.suggested else None,
            handling_unit_id=life.handling.id if life.handling else None,
            dispatcher_unit_id=life.dispatcher.id if life.dispatcher else None,
            phase=life.phase,
            warn_at=life.warn_at,
            due_at=life.due_at,
            dispatched_at=life.dispatched_at,
            closed_at=life.closed_at,
            closed_on_time=life.closed_on_time,
            is_postponed=life.is_postponed,
            rework_count=life.rework_count,
            urge_count=life.urge_count,
            top_urge_grade=life.top_urge,
            self_resolved=self_resolved,
            outcome=life.outcome,
            result=life.result,
            pending_extension_until=life.pending_until,
            satisfaction=life.satisfaction,
            created_at=created_at,
        )
        urgent = category.urgency == Urgency.URGENT and not self_resolved
        return case, life.events, self._parties(case_id, category, grid), self._response(case, life) if urgent else None

    def _response(self, case: dict, life: Timeline) -> dict:
        """The 115 row of an urgent case: its moments replayed through incidents.response, then
        what the beat's sweep would have marked by now (lapsed, alerted)."""
        r = response.opened(
            case_id=case["id"],
            township_id=case["township_id"],
            received_at=case["created_at"],
            limits=response.DEFAULT_LIMITS,
        )
        for stage, at in life.moments:
            response.advance(r, stage, at)
        r.unit_id = life.first_unit.id if life.first_unit else None
        r.arrived_by_id = life.arrived_by.id if life.arrived_by else None
        running = r.stage != ResponseStage.DONE
        if running and r.due_at < self.now and not r.lapsed_stage:
            r.lapsed_stage = r.stage
        r.alerted = running and r.due_at - dt.timedelta(seconds=r.alert_seconds) <= self.now
        return {f.attname: getattr(r, f.attname) for f in UrgentResponse._meta.concrete_fields if not f.primary_key}

    def _parties(self, case_id, category, grid) -> list[dict]:
        """Disputes have two sides: a household of the grid and a neighbour (or an outsider)."""
        if not category.code.startswith("MD"):
            return []
        rng, households = self.rng, self.ctx.households.get(grid.id, [])
        picked = rng.sample(households, min(2, len(households)))
        rows = [{"case_id": case_id, "household_id": h, "name": head, "role": P.AFFECTED} for h, head in picked[:1]]
        if len(picked) > 1 and rng.random() < 0.6:
            household_id, head = picked[1]
        else:
            household_id, head = None, names.full_name(rng, rng.random() < 0.6)
        rows.append({"case_id": case_id, "household_id": household_id, "name": head, "role": P.RESPONSIBLE})
        return rows


def _index(cumulative: list[float], r: float) -> int:
    return bisect(cumulative, r * cumulative[-1])


def build(planner: Planner, ids: list[int], times: list[dt.datetime]):
    """One chunk ready to send (no database access: runs beside the writes) and its row counts."""
    cases, events, parties, responses = planner.plan(ids, times)
    batches = [
        bulk.prepare(Case, cases),
        bulk.prepare(CaseEvent, events),
        bulk.prepare(CaseParty, parties),
        bulk.prepare(UrgentResponse, responses),
    ]
    return [b for b in batches if b is not None], (len(cases), len(events), len(parties))


def open_count(statuses: Counter) -> int:
    return sum(n for s, n in statuses.items() if s not in (S.CLOSED, S.REJECTED))
