"""Routing stays per county: each county of a prefecture has its own command centre and
departments, a village's or township's case goes to that county's own unit, a department's case to
that county's department, and a routing rule one county sets does not touch the other."""

import pytest
from django.utils import timezone

from incidents.models import Category, RoutingRule, Unit
from incidents.routing import route
from incidents.units import centre_of


@pytest.mark.django_db
def test_each_county_has_its_own_centre_and_departments(pref):
    yc, xy = pref.yucheng.county, pref.xiayi
    assert centre_of(yc.id).code == "command-centre" and centre_of(yc.id).area_id == yc.id
    assert centre_of(xy.id).code == "command-centre-411426" and centre_of(xy.id).area_id == xy.id
    assert Unit.objects.get(code="dept-police").area_id == yc.id
    police = Unit.objects.get(code="dept-police-411426")
    assert police.area_id == xy.id and police.name == "夏邑县县公安局"


@pytest.mark.django_db
def test_routing_by_level_finds_the_grids_own_township_and_village_under_a_city(pref):
    grid = pref.xiayi_grids[0]
    assert route(Category.objects.get(code="MD01"), grid).code == "area-411426100001"  # village level
    assert route(Category.objects.get(code="MD03"), grid).code == "area-411426100"  # township level
    yc_grid = pref.yucheng.grids["411425200"][0]
    assert route(Category.objects.get(code="MD03"), yc_grid).code == "area-411425200"


@pytest.mark.django_db
def test_department_cases_go_to_the_countys_own_department(pref):
    theft = Category.objects.get(code="ZA01")
    assert route(theft, pref.yucheng.grids["411425100"][0]).code == "dept-police"
    assert route(theft, pref.xiayi_grids[0]).code == "dept-police-411426"
    # the other county's routes are routing rules on its own node, which its admin may change
    assert RoutingRule.objects.filter(area=pref.xiayi, category=theft).exists()
    assert not RoutingRule.objects.filter(area=pref.yucheng.county).exists()


@pytest.mark.django_db
def test_a_rule_one_county_sets_stays_in_that_county(pref):
    category = Category.objects.get(code="MD01")
    RoutingRule.objects.create(category=category, area=pref.xiayi, unit=Unit.objects.get(code="dept-civil-411426"))
    assert route(category, pref.xiayi_grids[0]).code == "dept-civil-411426"
    assert route(category, pref.yucheng.grids["411425100"][0]).code == "area-411425100201"


@pytest.mark.django_db
def test_a_reported_case_is_routed_and_announced_in_its_own_county(pref):
    case = pref.report(pref.xiayi_worker, pref.xiayi_grids[0], category="MD03")
    assert case.suggested_unit.code == "area-411426100"
    assert (case.county_id, case.township_id) == (pref.xiayi.id, pref.xiayi_town.id)


@pytest.mark.django_db
def test_a_county_sets_its_own_time_limits(pref):
    from incidents import services
    from incidents.constants import HandlingLevel, LimitUnit, Phase
    from incidents.deadlines import limit_for
    from incidents.models import TimeLimit

    category = Category.objects.get(code="MD03")  # township level; its limits are its parent's (MD)
    common = limit_for(category, HandlingLevel.TOWNSHIP, Phase.SIGN)
    own = TimeLimit.objects.create(
        category=category.parent,
        county=pref.xiayi,
        level=HandlingLevel.TOWNSHIP,
        phase=Phase.SIGN,
        amount=240,
        warn_amount=200,
        unit=LimitUnit.MINUTES,
    )
    assert (common.amount, common.unit) == (120, LimitUnit.MINUTES)
    assert limit_for(category, HandlingLevel.TOWNSHIP, Phase.SIGN, pref.xiayi.id) == own
    assert limit_for(category, HandlingLevel.TOWNSHIP, Phase.SIGN, pref.yucheng.county.id) == common
    # a case's clock runs on its own county's limit
    due = {}
    for worker, grid, town in (
        (pref.xiayi_worker, pref.xiayi_grids[0], "area-411426100"),
        (pref.yucheng_worker, pref.yucheng.grids["411425200"][0], "area-411425200"),
    ):
        case = pref.report(worker, grid, category="MD03")
        services.register(case_id=case.pk, actor=None, note="立案")
        case, _event = services.dispatch(case_id=case.pk, actor=None, unit=Unit.objects.get(code=town), note="派遣")
        due[case.county_id] = round((case.due_at - timezone.now()).total_seconds() / 60)
    assert due == {pref.xiayi.id: 240, pref.yucheng.county.id: 120}


@pytest.mark.django_db
def test_a_county_sets_its_own_weekly_weights(pref):
    import datetime as dt
    from decimal import Decimal

    from incidents.reviews.models import ReviewRules, SubjectKind, WeeklyScore
    from incidents.reviews.weekly import run_weekly_evaluation

    ReviewRules.current()  # the common rules: reports weigh 0.5
    ReviewRules.objects.create(county=pref.xiayi, weight_reports=Decimal(2))
    assert set(ReviewRules.by_county()) == {None, pref.xiayi.id}
    pref.report(pref.yucheng_worker, pref.yucheng.grids["411425200"][0])
    pref.report(pref.xiayi_worker, pref.xiayi_grids[0])
    today = timezone.localdate()
    evaluation = run_weekly_evaluation(week_start=today - dt.timedelta(days=today.weekday()), at=timezone.now())
    towns = {s.township_id: s.score for s in WeeklyScore.objects.filter(evaluation=evaluation, kind="township")}
    assert towns[pref.yucheng.towns[1].id] == Decimal("90.50")  # 30 + 40 + 20 + 1 report × 0.5
    assert towns[pref.xiayi_town.id] == Decimal("92.00")  # 夏邑县's own: 1 report × 2
    # the city compares its counties on the common rules
    scores = WeeklyScore.objects.filter(evaluation=evaluation, kind=SubjectKind.COUNTY)
    counties = {s.county_id: s.score for s in scores}
    assert counties == {pref.yucheng.county.id: Decimal("90.50"), pref.xiayi.id: Decimal("90.50")}
