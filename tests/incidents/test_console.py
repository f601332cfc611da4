"""The admin console's catalogue pages: categories, time limits, routing rules and the tester."""

import pytest
from django.test import Client

from governance.roles import Role
from grids import services as grid_services
from incidents.constants import HandlingLevel, LimitUnit, Phase
from incidents.models import Category, RoutingRule, TimeLimit
from tests.factories import UserFactory


@pytest.fixture
def admin(client, loop):
    client.force_login(loop.world.admin)
    return client


def test_the_tester_answers_with_the_unit_routing_would_choose(admin, loop):
    grid = loop.world.grids["411425100"][0]
    category = loop.category("MD02")  # 邻里纠纷: a village matter
    page = admin.get("/console/routing/", {"category": category.id, "grid": grid.code}).content.decode()
    assert 'id="route-result"' in page and "城关镇1村网格站" in page
    response = admin.post(
        "/console/routing/add/",
        {"category": category.id, "area": loop.world.a.code, "unit": loop.town_unit("411425100").id},
    )
    assert response.status_code == 302 and RoutingRule.objects.filter(category=category).count() == 1
    page = admin.get("/console/routing/", {"category": category.id, "grid": grid.code}).content.decode()
    assert "城关镇综治中心" in page.split('id="route-result"', 1)[1].split("</div>", 1)[0]


def test_the_tester_wants_a_base_grid_in_scope(client, loop):
    leader = UserFactory()
    grid_services.assign(user=leader, area=loop.world.a, role=Role.COMMAND_LEADER)
    client.force_login(leader)
    category = loop.category("MD02")
    response = client.get(
        "/console/routing/", {"category": category.id, "grid": loop.world.villages["411425100"][0].code}
    )
    assert response.status_code == 400 and "必须选择基础网格或微网格" in response.content.decode()
    other = loop.world.grids["411425200"][0].code
    response = client.get("/console/routing/", {"category": category.id, "grid": other})
    assert response.status_code == 400 and "不存在或不在您的管理范围内" in response.content.decode()


def test_rules_are_unique_per_category_and_area_and_only_admins_edit(admin, loop):
    data = {"category": loop.category("MD02").id, "area": loop.world.a.code, "unit": loop.unit("dept-police").id}
    assert admin.post("/console/routing/add/", data).status_code == 302
    response = admin.post("/console/routing/add/", data)
    assert response.status_code == 400 and "已有分拨规则" in response.content.decode()
    rule = RoutingRule.objects.get()
    leader = UserFactory()
    grid_services.assign(user=leader, area=loop.world.county, role=Role.COMMAND_LEADER)
    other = Client()
    other.force_login(leader)
    assert other.post(f"/console/routing/{rule.id}/delete/").status_code == 403
    assert admin.post(f"/console/routing/{rule.id}/delete/").status_code == 302
    assert not RoutingRule.objects.exists()


def test_edit_a_category_with_chinese_field_errors(admin, loop):
    category = loop.category("MD02")
    data = {"name": "邻里矛盾", "handling_level": HandlingLevel.DEPARTMENT, "urgency": "normal", "is_active": "on"}
    response = admin.post(f"/console/categories/{category.id}/edit/", data)
    assert response.status_code == 400 and "须指定默认责任部门" in response.content.decode()
    category.refresh_from_db()
    assert category.name == "邻里纠纷"
    data["default_unit"] = loop.unit("dept-police").id
    assert admin.post(f"/console/categories/{category.id}/edit/", data).status_code == 302
    category.refresh_from_db()
    assert (category.name, category.handling_level, category.default_unit.code) == (
        "邻里矛盾",
        "department",
        "dept-police",
    )


def test_set_a_time_limit(admin, loop):
    category = loop.category("MD02")
    limit = {"level": HandlingLevel.VILLAGE, "phase": Phase.HANDLE, "unit": LimitUnit.HOURS}
    response = admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 4, "warn_amount": 6})
    assert response.status_code == 400 and "预警（黄线）不能晚于时限（红线）" in response.content.decode()
    assert (
        admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 8, "warn_amount": 6}).status_code
        == 302
    )
    assert (
        admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 10, "warn_amount": 6}).status_code
        == 302
    )
    saved = TimeLimit.objects.get(category=category, level=HandlingLevel.VILLAGE, phase=Phase.HANDLE)
    assert (saved.amount, saved.warn_amount) == (10, 6)
    page = admin.get("/console/categories/").content.decode()
    assert "邻里纠纷" in page and Category.objects.count() > 10


def test_catalogue_pages_keep_their_query_counts(admin, loop, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert admin.get("/console/categories/").status_code == 200
    with django_assert_max_num_queries(12):
        assert admin.get(f"/console/categories/{loop.category('MD02').id}/").status_code == 200


def test_console_edits_leave_a_config_change_with_before_and_after(admin, loop):
    """Issue 18 (2): the catalogue's edits in the console write the audit trail."""
    from governance.models import ConfigChange

    category = loop.category("MD02")
    limit = {"level": HandlingLevel.VILLAGE, "phase": Phase.HANDLE, "unit": LimitUnit.HOURS}
    admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 8, "warn_amount": 6})
    admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 10, "warn_amount": 6})
    admin.post(f"/console/categories/{category.id}/limits/", {**limit, "amount": 4, "warn_amount": 6})  # refused
    data = {"name": "邻里矛盾", "handling_level": HandlingLevel.VILLAGE, "urgency": "normal", "is_active": "on"}
    admin.post(f"/console/categories/{category.id}/edit/", data)
    admin.post(
        "/console/routing/add/",
        {"category": category.id, "area": loop.world.a.code, "unit": loop.town_unit("411425100").id},
    )
    rule = RoutingRule.objects.get()
    admin.post(f"/console/routing/{rule.id}/delete/")

    rows = list(ConfigChange.objects.order_by("id"))
    assert [(r.model, r.action) for r in rows] == [
        ("incidents.timelimit", "add"),
        ("incidents.timelimit", "change"),
        ("incidents.category", "change"),
        ("incidents.routingrule", "add"),
        ("incidents.routingrule", "delete"),
    ]
    assert {r.user_id for r in rows} == {loop.world.admin.pk} and {r.via for r in rows} == {"console"}
    added, changed, renamed = rows[0], rows[1], rows[2]
    assert added.before == {} and (added.after["amount"], added.after["warn_amount"]) == (8, 6)
    assert (changed.before, changed.after) == ({"amount": 8}, {"amount": 10})  # only what changed
    assert (renamed.before, renamed.after) == ({"name": "邻里纠纷"}, {"name": "邻里矛盾"})
    assert rows[4].before["area_id"] == loop.world.a.id and rows[4].after == {}
    assert rows[2].path == f"/console/categories/{category.id}/edit/"
