"""周评: the figures, score and ranks on a known week; configurable weights; re-runs; and a query
count that does not grow with the number of cases."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.models import Case, CaseEvent, ReviewRules, WeeklyEvaluation, WeeklyScore
from incidents.reviews import weekly

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2025, 11, 10, 8, 0, tzinfo=TZ)  # evaluates the week of Monday 3 November
TOWN = "411425200"


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def _case(loop, number, **fields):
    grid = loop.world.grids[TOWN][0]
    village = loop.world.villages[TOWN][0]
    defaults = {
        "number": number,
        "source": "grid_app",
        "category": loop.category("HJ01"),
        "description": "周评样例",
        "county": loop.world.county,
        "township": loop.world.towns[1],
        "village": village,
        "grid": grid,
        "reporter": loop.worker,
        "created_at": at(2025, 11, 4, 9),
        "handling_unit": loop.town_unit(TOWN),
    }
    return Case.objects.create(**{**defaults, **fields})


@pytest.fixture
def week_set(loop):
    """肖旗乡's first village, first grid (the loop's grid worker), week of 3–9 November 2025:

    A closed 5 Nov within its limit, satisfaction 5      B closed 6 Nov late, satisfaction 3,
    C in progress, due 7 Nov (overdue)                     sent back once (返工), yellow + red card
    D in progress, postponed (缓办)                       E in progress, due 20 Nov
    F closed the week before (created 28 Oct): not this week's
    """
    closed = {"status": "closed"}
    cases = {
        "A": _case(loop, "A", closed_at=at(2025, 11, 5, 10), closed_on_time=True, satisfaction=5, **closed),
        "B": _case(loop, "B", closed_at=at(2025, 11, 6, 10), closed_on_time=False, satisfaction=3, **closed),
        "C": _case(loop, "C", status="in_progress", due_at=at(2025, 11, 7, 9)),
        "D": _case(loop, "D", status="in_progress", is_postponed=True),
        "E": _case(loop, "E", status="in_progress", due_at=at(2025, 11, 20, 9)),
        "F": _case(
            loop, "F", created_at=at(2025, 10, 28, 9), closed_at=at(2025, 10, 30, 9), closed_on_time=True, **closed
        ),
    }
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=cases["B"], action="rework", action_label="返工", created_at=at(2025, 11, 5, 15)),
            CaseEvent(
                case=cases["C"],
                action="urge",
                action_label="督办",
                data={"grade": "yellow"},
                created_at=at(2025, 11, 7, 17),
            ),
            CaseEvent(
                case=cases["C"],
                action="urge",
                action_label="督办",
                data={"grade": "red"},
                created_at=at(2025, 11, 8, 17),
            ),
            CaseEvent(case=cases["F"], action="rework", action_label="返工", created_at=at(2025, 10, 29, 9)),
        ]
    )
    return cases


def evaluate():
    with time_machine.travel(MONDAY, tick=False):
        return weekly.run_weekly_evaluation()


def test_figures_score_and_rank_on_a_known_week(loop, week_set):
    evaluation = evaluate()
    assert evaluation.week_start == dt.date(2025, 11, 3) and evaluation.published_at
    village = WeeklyScore.objects.get(evaluation=evaluation, subject=f"area:{loop.world.villages[TOWN][0].pk}")
    figures = {f: getattr(village, f) for f in weekly.FIGURES}
    assert figures == {
        "due": 4,  # A, B closed this week; C past its deadline; D postponed
        "closed": 2,
        "closed_on_time": 1,
        "postponed": 1,
        "rework": 1,
        "yellow_urges": 1,
        "red_urges": 1,
        "reports": 5,  # A–E
        "overdue": 1,
        "work_overdue": 0,  # no due work (settings.REVIEW_DUE_WORK) in this village
        "satisfaction": Decimal("4.00"),
    }
    assert village.close_rate == Decimal("0.5000")  # 2 / 4
    assert village.on_time_rate == Decimal("0.3333")  # 1 / (4 − 1)
    # default rules: 30 × 0.5 + 40 × 0.3333 + 20 × 4/5 + min(5 × 0.5, 10) − 2 − 1 − 3 − 1 × 1
    assert village.score == Decimal("39.83")
    # the other three villages have nothing due: full marks on every rate, no deductions
    ranks = dict(WeeklyScore.objects.filter(evaluation=evaluation, kind="village").values_list("name", "rank"))
    assert ranks == {"城关镇1村": 1, "城关镇2村": 1, "肖旗乡2村": 1, "肖旗乡1村": 4}

    worker = WeeklyScore.objects.get(evaluation=evaluation, kind="grid_worker", user=loop.worker)
    assert (worker.reports, worker.due, worker.score) == (5, 4, village.score)
    township = WeeklyScore.objects.get(evaluation=evaluation, kind="township", township=loop.world.towns[1])
    assert township.score == village.score and township.rank == 2
    assert WeeklyScore.objects.filter(evaluation=evaluation, kind="department").exists()


def test_weights_are_configurable_and_a_rerun_updates_the_same_rows(loop, week_set):
    first = evaluate()
    ids = set(WeeklyScore.objects.values_list("id", flat=True))
    ReviewRules.objects.filter(pk=1).update(weight_close_rate=0, deduct_red=10)
    again = evaluate()
    assert again.pk == first.pk and set(WeeklyScore.objects.values_list("id", flat=True)) == ids
    village = WeeklyScore.objects.get(evaluation=again, subject=f"area:{loop.world.villages[TOWN][0].pk}")
    # 0 × 0.5 + 40 × 0.3333 + 16 + 2.5 − 2 − 1 − 10 − 1
    assert village.score == Decimal("17.83")
    assert again.rules["deduct_red"] == "10.00"
    assert WeeklyEvaluation.objects.count() == 1


def test_the_score_never_goes_below_zero(loop, week_set):
    ReviewRules.objects.update_or_create(pk=1, defaults={"deduct_overdue": 100})
    evaluate()
    assert WeeklyScore.objects.get(kind="grid_worker", user=loop.worker).score == 0


def _queries(loop, n):
    with transaction.atomic():
        for i in range(n):
            _case(loop, f"Q{n}-{i}", status="in_progress", due_at=at(2025, 11, 7, 9))
        with CaptureQueriesContext(connection) as ctx:
            evaluate()
        transaction.set_rollback(True)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_cases(loop):
    ReviewRules.current()
    assert _queries(loop, 5) == _queries(loop, 50)


def test_a_postponed_case_leaves_both_sides_of_the_on_time_rate(loop):
    """The issue's village: 2 due, both closed on time, 1 of them postponed (缓办). Before the
    fix it scored 2 / (2 − 1) = 200 %; the postponed case is out of both sides: 1 / 1."""
    closed = {"status": "closed", "closed_on_time": True}
    _case(loop, "P1", closed_at=at(2025, 11, 5, 10), **closed)
    _case(loop, "P2", closed_at=at(2025, 11, 6, 10), is_postponed=True, **closed)
    village = WeeklyScore.objects.get(evaluation=evaluate(), subject=f"area:{loop.world.villages[TOWN][0].pk}")
    assert (village.due, village.closed, village.closed_on_time, village.postponed) == (2, 2, 1, 1)
    assert village.on_time_rate == Decimal("1.0000")
    # 30 × 1 + 40 × 1 + 20 (no satisfaction) + min(2 × 0.5, 10): never above the weights and the cap
    assert village.score == Decimal("91.00")


WEEK_START = at(2025, 11, 3)
MOMENTS = st.integers(min_value=-3 * 24, max_value=10 * 24).map(lambda h: WEEK_START + dt.timedelta(hours=h))
CASES = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["closed", "closed", "in_progress", "disposed", "rejected"]),
            "closed_at": MOMENTS,
            "closed_on_time": st.booleans(),
            "is_postponed": st.booleans(),
            "due_at": st.none() | MOMENTS,
            "village": st.integers(min_value=0, max_value=1),
        }
    ),
    max_size=12,
)


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=CASES)
def test_no_rate_is_ever_above_100_percent_on_random_weeks(loop, cases):
    """Property: whatever the week holds, every rate of every subject lies in [0, 1] and no
    score passes the sum of the weights plus the report cap."""
    rules = ReviewRules.current()
    ceiling = rules.weight_close_rate + rules.weight_on_time_rate + rules.weight_satisfaction + rules.reports_cap
    with transaction.atomic():
        for i, fields in enumerate(cases):
            v = fields.pop("village")
            village = loop.world.villages[TOWN][v]
            closed = fields["status"] == "closed"
            _case(
                loop,
                f"H{i}",
                village=village,
                grid=loop.world.grids[TOWN][2 * v],
                status=fields["status"],
                closed_at=fields["closed_at"] if closed else None,
                closed_on_time=fields["closed_on_time"] if closed else None,
                is_postponed=fields["is_postponed"],
                due_at=fields["due_at"],
            )
        evaluation = evaluate()
        for row in WeeklyScore.objects.filter(evaluation=evaluation):
            for rate in (row.close_rate, row.on_time_rate):
                assert rate is None or 0 <= rate <= 1, (row.name, row.closed_on_time, row.due, row.postponed)
            assert row.closed_on_time <= row.closed <= row.due and row.postponed <= row.due
            assert 0 <= row.score <= ceiling
        transaction.set_rollback(True)
