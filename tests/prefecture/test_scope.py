"""The city's command centre sees every county; each county stays scoped as before: a user of
虞城县 gets 404 for 夏邑县's cases (API and pages) and never finds them in a list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance.roles import Role
from grids import services as grid_services
from grids.models import Area, Household
from grids.scoping import VIEW, granted_areas, in_scope
from incidents.models import Case
from tests.factories import UserFactory


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def case_ids(client, **params) -> set[int]:
    response = client.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def cases(pref):
    """One case reported in each county."""
    yc = pref.report(pref.yucheng_worker, pref.yucheng.grids["411425200"][0])
    xy = pref.report(pref.xiayi_worker, pref.xiayi_grids[0])
    assert (yc.county_id, xy.county_id) == (pref.yucheng.county.id, pref.xiayi.id)
    return yc, xy


@pytest.mark.django_db
def test_city_grant_covers_every_county(pref):
    grants = granted_areas(pref.city_operator, VIEW)
    assert [g.area_id for g in grants] == [pref.city.id]
    assert set(grants[0].counties) == {pref.yucheng.county.id, pref.xiayi.id}
    # a county's user: one grant on the county, no counties attached
    assert granted_areas(pref.yucheng_operator, VIEW)[0].counties == ()


@pytest.mark.django_db
def test_city_command_centre_lists_both_counties_cases(pref, cases):
    yc, xy = cases
    for user in (pref.city_operator, pref.city_leader):
        assert case_ids(api(user)) == {yc.id, xy.id}
        for case in cases:
            assert api(user).get(f"/api/v1/cases/{case.id}/").status_code == 200


@pytest.mark.django_db
def test_county_user_gets_404_for_the_other_countys_case(pref, cases, client):
    yc, xy = cases
    assert case_ids(api(pref.yucheng_operator)) == {yc.id}
    assert case_ids(api(pref.xiayi_operator)) == {xy.id}
    assert api(pref.yucheng_operator).get(f"/api/v1/cases/{xy.id}/").status_code == 404
    assert api(pref.xiayi_operator).get(f"/api/v1/cases/{yc.id}/").status_code == 404
    # an action on the other county's case answers as a missing case
    assert api(pref.yucheng_operator).post(f"/api/v1/cases/{xy.id}/register/", {}, format="json").status_code == 404
    client.force_login(pref.yucheng_operator)
    assert client.get(f"/cases/{xy.id}/").status_code == 404
    assert client.get(f"/cases/{yc.id}/").status_code == 200
    client.force_login(pref.city_operator)
    assert client.get(f"/cases/{xy.id}/").status_code == 200
    assert client.get(f"/cases/{yc.id}/").status_code == 200


@pytest.mark.django_db
def test_a_township_of_one_county_sees_nothing_of_the_other(pref, cases):
    yc, xy = cases
    officer = pref.yucheng.officers["411425200"]
    assert case_ids(api(officer)) == {yc.id}
    assert api(officer).get(f"/api/v1/cases/{xy.id}/").status_code == 404


@pytest.mark.django_db
def test_scoping_by_city_is_one_indexed_filter_and_in_memory_check(pref, cases):
    yc, xy = cases
    user = pref.city_operator
    granted_areas(user, VIEW)  # grants are read once per request
    with CaptureQueriesContext(connection) as queries:
        assert set(Case.objects.restrict(user, VIEW).values_list("id", flat=True)) == {yc.id, xy.id}
        assert in_scope(user, VIEW, xy) and in_scope(user, VIEW, pref.xiayi_grids[0])
    assert len(queries) == 1
    assert '"county_id" IN' in queries[0]["sql"]
    assert not in_scope(pref.yucheng_operator, VIEW, xy)
    assert in_scope(pref.yucheng_operator, VIEW, yc)


@pytest.mark.django_db
def test_households_and_areas_follow_the_same_scope(pref):
    from grids.household_services import create_household

    xy_house, _warnings = create_household(
        grid=pref.xiayi_grids[0], number="4114261000010010001", head_name="李四", address="滨湖路 1 号"
    )
    assert Household.objects.restrict(pref.city_leader, VIEW).filter(pk=xy_house.pk).exists()
    assert not Household.objects.restrict(pref.yucheng_operator, VIEW).filter(pk=xy_house.pk).exists()
    assert api(pref.yucheng_operator).get(f"/api/v1/households/{xy_house.pk}/").status_code == 404
    assert api(pref.city_leader).get(f"/api/v1/households/{xy_house.pk}/").status_code == 200
    areas = set(Area.objects.restrict(pref.yucheng_operator, VIEW).values_list("code", flat=True))
    assert "411426" not in areas and "4114" not in areas and "411425" in areas
    city_areas = set(Area.objects.restrict(pref.city_operator, VIEW).values_list("code", flat=True))
    assert {"4114", "411425", "411426"} <= city_areas


@pytest.mark.django_db
def test_city_roles_sit_on_the_city_only_roles_allowed(pref):
    from django.core.exceptions import ValidationError

    user = UserFactory(username="x")
    with pytest.raises(ValidationError):  # a township officer is never a city's
        grid_services.assign(user=user, area=pref.city, role=Role.TOWNSHIP_OFFICER)
    grid_services.assign(user=user, area=pref.city, role=Role.ADMIN)
