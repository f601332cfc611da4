"""The demo county's incidents (demo.incidents): a small county is seeded once for the module
(inside a transaction rolled back at the end); each test only reads."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from demo import grids as grids_demo
from demo import incidents as demo
from demo.incidents.cases import DAYS, Planner
from demo.incidents.context import Context
from governance.models import User
from governance.roles import Role
from grids import spatial
from grids.models import Area
from incidents.constants import OPEN_STATES, CaseStatus, Source, UnitKind
from incidents.models import Case, CaseEvent, CaseParty, Unit, UrgentResponse
from incidents.routing import route
from incidents.units import acts_for
from incidents.workflow import CASE_WORKFLOW

SEED = 11
NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
SCALE = 0.05  # 1,000 cases over two years


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        grids_demo.seed(townships=1, grids_per_village=1, households_per_grid=1)
        county = Area.objects.get(code=grids_demo.COUNTY_CODE)
        lines = []
        counts = demo.seed_demo(county=county, seed=SEED, scale=SCALE, log=lines.append, now=NOW)
        yield county, counts, lines
        transaction.set_rollback(True)
    spatial.invalidate()


@pytest.fixture(autouse=True)
def _small_county(seeded, db):
    """Every test sees the seeded county."""


@pytest.fixture
def events_by_case():
    grouped = defaultdict(list)
    for e in CaseEvent.objects.order_by("case_id", "created_at", "id"):
        grouped[e.case_id].append(e)
    return grouped


def test_counts_and_log(seeded):
    county, counts, lines = seeded
    assert counts["cases"] == Case.objects.count() == round(demo.DEFAULT_CASES * SCALE)
    assert counts["events"] == CaseEvent.objects.count()
    assert any("事件已生成" in line for line in lines)
    assert set(Case.objects.values_list("county_id", flat=True)) == {county.id}


def test_every_timeline_replays_the_workflow(events_by_case):
    cases = {c.id: c for c in Case.objects.all()}
    assert set(events_by_case) == set(cases)
    for case_id, events in events_by_case.items():
        first, rest = events[0], events[1:]
        assert first.action in ("report", "self_resolve") and first.from_state == ""
        state = first.to_state
        for e in rest:
            t = CASE_WORKFLOW.get(e.action)
            assert state in t.sources, (cases[case_id].number, e.action, state)
            assert e.from_state == state
            assert e.to_state == (t.target or state), (cases[case_id].number, e.action)
            state = e.to_state
        case = cases[case_id]
        assert case.status == events[-1].to_state
        assert case.version == len(events)  # every action after the report bumps the version
        times = [e.created_at for e in events]
        assert times == sorted(times) and times[0] == case.created_at and times[-1] <= NOW


def test_case_fields_match_their_state():
    for case in Case.objects.all():
        is_open = case.status in OPEN_STATES
        if is_open and case.phase:
            assert case.due_at is not None, case.number
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at is not None and case.closed_on_time is not None
        else:
            assert case.closed_at is None
        if case.status in (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
            assert case.handling_unit_id is not None
        if case.self_resolved:
            assert case.source == Source.GRID_APP and case.status == CaseStatus.CLOSED
        assert case.number == f"SJ{timezone.localtime(case.created_at):%Y%m%d}{case.id:07d}"
        assert NOW - dt.timedelta(days=DAYS + 1) <= case.created_at <= NOW


def test_counters_match_the_timeline(events_by_case):
    cases = {c.id: c for c in Case.objects.all()}
    for case_id, events in events_by_case.items():
        case, actions = cases[case_id], Counter(e.action for e in events)
        assert case.urge_count == actions["urge"]
        assert case.rework_count == actions["rework"]
        assert case.is_postponed == bool(actions["postpone"])
        grades = {e.data["grade"] for e in events if e.action == "urge"}
        expected = next((g for g in ("red", "yellow", "normal") if g in grades), "")
        assert case.top_urge_grade == expected
        assert (case.satisfaction is not None) == bool(actions["callback"])


def test_a_realistic_mix():
    cases = list(Case.objects.all())
    n = len(cases)
    sources = Counter(c.source for c in cases)
    assert 0.55 <= sources[Source.GRID_APP] / n <= 0.85
    assert 0.07 <= sum(c.self_resolved for c in cases) / n <= 0.25
    closed = [c for c in cases if c.status == CaseStatus.CLOSED]
    assert len(closed) > n / 2
    recent = [c for c in cases if c.created_at > NOW - dt.timedelta(days=10)]
    old = [c for c in cases if c.created_at < NOW - dt.timedelta(days=30)]
    open_share = lambda rows: sum(c.status in OPEN_STATES for c in rows) / max(1, len(rows))  # noqa: E731
    assert open_share(old) < 0.2 and open_share(recent) > open_share(old)
    categories = Counter(c.category.parent.code for c in Case.objects.select_related("category__parent"))
    assert categories.most_common(1)[0][0] in ("MD", "HJ", "XF")
    assert CaseParty.objects.filter(case__category__code__startswith="MD").exists()


def test_two_years_of_cases_without_a_peak_on_the_last_days(seeded):
    """The cases reach back two years (last year's figures have cases under them), evenly: at
    08:30 in the morning the reports that would fall later today are not piled onto yesterday."""
    county, *_ = seeded
    tz = timezone.get_current_timezone()
    morning = dt.datetime(2026, 11, 20, 8, 30, tzinfo=tz)
    times = Planner(Context(county), SEED, morning).report_times(73_000)  # ≈ 100 a day
    assert all(t <= morning for t in times)
    assert times[0] < morning - dt.timedelta(days=DAYS - 2) and DAYS >= 700
    per_day = Counter(timezone.localtime(t, tz).date() for t in times)
    full_days = [per_day[morning.date() - dt.timedelta(days=d)] for d in range(1, DAYS)]
    mean = sum(full_days) / len(full_days)
    assert max(full_days[:3]) < 1.4 * mean  # yesterday and the days before it: no pile
    assert per_day[morning.date()] < 0.3 * mean  # today so far: the early hours only
    by_year = Counter(t.year for t in times)
    assert by_year[2025] > 0.4 * len(times)  # the whole of last year is covered


def test_locations_are_inside_their_grid():
    for case in Case.objects.select_related("grid")[:100]:
        ring = case.grid.boundary["coordinates"][0]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lngs) < case.lng < max(lngs) and min(lats) < case.lat < max(lats)
        assert spatial.grid_at(case.lat, case.lng) == case.grid_id


def test_routing_matches_incidents_routing():
    for case in Case.objects.select_related("category", "grid")[:60]:
        assert case.suggested_unit_id == getattr(route(case.category, case.grid), "id", None)


def test_actors_are_the_people_on_post(events_by_case):
    users = {u.id: u.username for u in User.objects.all()}
    units = {u.id: u for u in Unit.objects.select_related("area")}
    cases = {c.id: c for c in Case.objects.select_related("grid")}
    seen = Counter()
    for case_id, events in events_by_case.items():
        case = cases[case_id]
        for e in events:
            name = users.get(e.actor_id, "")
            if e.action in ("report", "self_resolve") and case.source == Source.GRID_APP:
                assert name.startswith(f"gw-{case.grid.code}")
            if e.action in ("accept", "start", "dispose"):
                seen[name.split("-")[0]] += 1
            if e.action == "dispatch":
                assert name == "zhihui" and e.unit_id in units
    assert seen["dept"] and seen["town"] and seen["vh"]


def test_department_staff_act_for_their_units(seeded):
    county, _, _ = seeded
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert departments.count() >= 10
    for unit in departments:
        user = User.objects.get(username=unit.code)
        assert unit.code.startswith("dept-") and user.full_name and user.phone.startswith("+86")
        assert Role.DEPARTMENT_OFFICER in user.role_names()
        assert acts_for(user, unit)
        assert not acts_for(user, departments.exclude(pk=unit.pk).first())
        assert check_password(grids_demo.PASSWORD, user.password)


def test_same_seed_same_cases_other_seed_other_cases(seeded):
    county, _, _ = seeded
    stored = list(Case.objects.order_by("id").values_list("id", "number", "category__code", "status", "grid_id"))
    ids = [row[0] for row in stored]

    def plan(seed):
        planner = Planner(Context(county), seed, NOW)
        cases, *_ = planner.plan(ids, planner.report_times(len(ids)))
        codes = {c.id: c.code for c in Context(county).categories.values()}
        return [(c["id"], c["number"], codes[c["category_id"]], c["status"], c["grid_id"]) for c in cases]

    assert plan(SEED) == stored
    assert plan(SEED + 1) != stored


def test_urgent_cases_replay_their_115_moments_mostly_within_the_limits(seeded, events_by_case):
    county, _, _ = seeded
    for r in UrgentResponse.objects.all():  # the stored rows: the moments are the timeline's
        first = {}
        for e in events_by_case[r.case_id]:
            first.setdefault(e.action, e.created_at)
        assert (r.received_at, r.pushed_at) == (first["report"], first.get("register"))
        assert (r.dispatched_at, r.arrived_at) == (first.get("dispatch"), first.get("arrive"))
    planner = Planner(Context(county), SEED, NOW)  # a larger plan, in memory
    ids = list(range(10**7, 10**7 + 5000))
    cases, _, _, responses = planner.plan(ids, planner.report_times(len(ids)))
    urgent = [c for c in cases if c["urgency"] == "urgent" and not c["self_resolved"]]
    assert len(responses) == len(urgent) >= 20
    decided = [r for r in responses if r["stage"] == "done" or r["lapsed_stage"]]
    met = [r for r in decided if not r["lapsed_stage"]]
    assert 0.7 <= len(met) / len(decided) <= 0.97
    assert all(r["unit_id"] and r["arrived_by_id"] for r in responses if r["stage"] == "done")


def test_reset_refuses_on_postgresql_once_cases_exist():
    with pytest.raises(CommandError, match="删除并重建数据库"):
        demo.reset_demo()
    assert Case.objects.exists()
