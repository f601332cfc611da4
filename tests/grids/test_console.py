"""The admin console's grids pages: the tree, assignments (assign, transfer, end), vacancies,
people and imports — through the pages, with scoping, Chinese form errors and query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.models import User
from governance.roles import Role
from grids import services
from grids.models import Assignment
from tests.factories import UserFactory

A, B = "411425100", "411425200"


@pytest.fixture
def admin(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def worker(world):
    person = UserFactory(username="gw-1", full_name="网格员一")
    services.assign(user=person, area=world.grids[A][0], role=Role.GRID_WORKER)
    return person


def test_the_console_is_for_admins_and_command_leaders(client, world):
    client.force_login(world.officers[A])
    assert client.get("/console/").status_code == 403
    assert client.get("/console/areas/").status_code == 403
    leader = UserFactory()
    services.assign(user=leader, area=world.county, role=Role.COMMAND_LEADER)
    client.force_login(leader)
    page = client.get("/console/").content.decode()
    assert "区划与网格" in page and "分拨规则" in page
    client.logout()
    assert client.get("/console/").status_code == 302


def test_tree_search_and_lazy_children(admin, world):
    page = admin.get("/console/areas/", {"q": "肖旗"}).content.decode()
    assert "肖旗乡1村第1网格" in page and "城关镇1村" not in page
    assert "虞城县 › 肖旗乡 › 肖旗乡1村" in page  # where a result sits
    children = admin.get(f"/console/areas/{world.a.id}/children/").content.decode()
    assert [v.name in children for v in world.villages[A]] == [True, True] and "肖旗乡" not in children


def test_a_command_leader_of_one_township_sees_only_its_subtree(client, world):
    leader = UserFactory()
    services.assign(user=leader, area=world.a, role=Role.COMMAND_LEADER)
    client.force_login(leader)
    assert client.get(f"/console/areas/{world.b.id}/").status_code == 404
    assert client.get(f"/console/areas/{world.b.id}/children/").status_code == 404
    assert client.get(f"/console/areas/{world.a.id}/").status_code == 200
    assert "肖旗" not in client.get("/console/areas/", {"q": "村"}).content.decode()


def vacancy_table(client) -> str:
    return client.get("/console/vacancies/").content.decode().split('id="vacancies"', 1)[1]


def test_assign_on_the_area_page_and_see_the_vacancy_go(admin, world):
    grid = world.grids[A][1]
    person = UserFactory(username="new-gw")
    assert grid.name in vacancy_table(admin)
    response = admin.post(f"/console/areas/{grid.id}/assign/", {"user": "new-gw", "role": Role.GRID_WORKER})
    assert response.status_code == 302
    assignment = Assignment.objects.get(area=grid, user=person, end_date__isnull=True)
    assert assignment.assigned_by == world.admin and person.has_role(Role.GRID_WORKER)
    assert grid.name not in vacancy_table(admin)


def test_a_second_grid_worker_is_refused_with_a_chinese_message(admin, world, worker):
    grid = world.grids[A][0]
    UserFactory(username="other")
    response = admin.post(f"/console/areas/{grid.id}/assign/", {"user": "other", "role": Role.GRID_WORKER})
    assert response.status_code == 400
    assert "已有在任网格员" in response.content.decode()
    assert Assignment.objects.filter(area=grid, end_date__isnull=True).count() == 1
    response = admin.post(f"/console/areas/{grid.id}/assign/", {"user": "nobody", "role": Role.GRID_WORKER})
    assert response.status_code == 400 and "用户“nobody”不存在或已停用" in response.content.decode()


def test_transfer_ends_the_old_and_starts_the_new_in_one_step(admin, world, worker):
    old = Assignment.objects.get(user=worker, end_date__isnull=True)
    target = world.grids[B][3]
    response = admin.post(f"/console/assignments/{old.id}/transfer/", {"to_area": target.code, "reason": "工作调整"})
    assert response.status_code == 302 and response["Location"] == f"/console/areas/{target.id}/"
    old.refresh_from_db()
    assert old.end_date == timezone.localdate() and old.end_reason == "工作调整" and old.ended_by == world.admin
    assert Assignment.objects.get(user=worker, end_date__isnull=True).area == target
    history = admin.get(f"/console/areas/{world.grids[A][0].id}/").content.decode()
    assert "工作调整" in history and "空缺" in history


def test_a_refused_transfer_changes_nothing(admin, world, worker):
    old = Assignment.objects.get(user=worker, end_date__isnull=True)
    services.assign(user=UserFactory(), area=world.grids[B][0], role=Role.GRID_WORKER)  # the target is taken
    response = admin.post(f"/console/assignments/{old.id}/transfer/", {"to_area": world.grids[B][0].code})
    assert response.status_code == 400 and "已有在任网格员" in response.content.decode()
    old.refresh_from_db()
    assert old.end_date is None  # the end was rolled back with the refused start
    response = admin.post(f"/console/assignments/{old.id}/transfer/", {"to_area": "999"})
    assert response.status_code == 400 and "不存在或不在您的管理范围内" in response.content.decode()


def test_end_an_assignment_and_refuse_a_future_date(admin, world, worker):
    assignment = Assignment.objects.get(user=worker, end_date__isnull=True)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = admin.post(f"/console/assignments/{assignment.id}/end/", {"end_date": tomorrow})
    assert response.status_code == 400 and "结束日期不能晚于今天" in response.content.decode()
    response = admin.post(f"/console/assignments/{assignment.id}/end/", {"reason": "辞职"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (
        assignment.end_date == timezone.localdate() and not worker.__class__.objects.get(pk=worker.pk).groups.exists()
    )


def test_only_assignment_managers_change_assignments(client, world, worker):
    leader = UserFactory()
    services.assign(user=leader, area=world.county, role=Role.COMMAND_LEADER)
    client.force_login(leader)
    assignment = Assignment.objects.get(user=worker, end_date__isnull=True)
    assert "确认调整" not in client.get(f"/console/areas/{world.grids[A][0].id}/").content.decode()
    assert client.post(f"/console/assignments/{assignment.id}/end/").status_code == 403
    assert client.post(f"/console/areas/{world.grids[A][1].id}/assign/", {"user": "gw-1"}).status_code == 403


def test_create_a_person_and_give_them_a_role(admin, world):
    response = admin.post("/console/people/new/", {"username": "li", "full_name": "李四", "phone": "123"})
    assert response.status_code == 400 and "手机号" in response.content.decode()
    response = admin.post("/console/people/new/", {"username": "li", "full_name": "李四", "phone": "13800138000"})
    person = User.objects.get(username="li")
    assert response["Location"] == f"/console/people/{person.id}/" and person.phone == "+8613800138000"
    response = admin.post(f"/console/people/{person.id}/assign/", {"area": world.a.code, "role": Role.GRID_WORKER})
    assert response.status_code == 400 and "不能任职于" in response.content.decode()
    response = admin.post(f"/console/people/{person.id}/assign/", {"area": world.a.code, "role": Role.TOWNSHIP_OFFICER})
    assert response.status_code == 302 and person.has_role(Role.TOWNSHIP_OFFICER)
    assert "城关镇" in admin.get(f"/console/people/{person.id}/").content.decode()


def test_imports_show_the_dry_run_report_as_a_table(admin, world):
    csv = "区划代码,名称,层级,上级代码\n411425100201009,新网格,基础网格,411425100201\n12,坏代码,基础网格,411425100201\n"
    upload = SimpleUploadedFile("areas.csv", csv.encode("utf-8"), content_type="text/csv")
    response = admin.post("/console/imports/", {"kind": "areas", "file": upload, "dry_run": "on"})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="import-report"' in page and "有错误，未写入" in page
    assert "<td>3</td>" in page  # the bad line, numbered as in Excel
    client_officer = world.officers[A]
    admin.force_login(client_officer)
    assert admin.get("/console/imports/").status_code == 403


@pytest.mark.parametrize("extra", [0, 20])
def test_console_lists_keep_their_query_counts(admin, world, django_assert_max_num_queries, extra):
    for i in range(extra):
        services.assign(user=UserFactory(), area=world.grids[B][i % 4], role=Role.GRID_LEADER)
    with django_assert_max_num_queries(13):  # 12 + the area's name corrections (更正名称)
        assert admin.get(f"/console/areas/{world.grids[B][0].id}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert admin.get(f"/console/areas/{world.b.id}/children/").status_code == 200
    with django_assert_max_num_queries(8):
        assert admin.get("/console/people/").status_code == 200
    with django_assert_max_num_queries(8):
        assert admin.get("/console/vacancies/").status_code == 200


def test_an_area_page_carries_the_links_upper_apps_register(admin, world, settings):
    """settings.AREA_LINKS: oversight adds the area's 态势 above the base grids; grids names no app above."""
    township = admin.get(f"/console/areas/{world.a.id}/").content.decode()
    assert f'href="/oversight/?area={world.a.id}">态势</a>' in township
    assert ">态势</a>" not in admin.get(f"/console/areas/{world.grids[A][0].id}/").content.decode()
    settings.AREA_LINKS = []
    assert ">态势</a>" not in admin.get(f"/console/areas/{world.a.id}/").content.decode()


def test_an_admin_corrects_an_area_name_with_its_source_and_the_record_is_kept(admin, client, world):
    from django.db import DatabaseError, transaction

    from grids.models import Area, AreaNameChange

    town = world.towns[0]
    url = f"/console/areas/{town.pk}/rename/"
    refused = admin.post(url, {"name": "大侯镇", "reason": ""})
    assert refused.status_code == 400 and "必填" in refused.content.decode()
    assert admin.post(url, {"name": town.name, "reason": "核对"}).status_code == 400  # nothing to correct
    done = admin.post(url, {"name": "大侯镇", "reason": "民政部全国行政区划信息查询平台"}, follow=True)
    page = done.content.decode()
    assert "已将“城关镇”更正为“大侯镇”" in page and "民政部全国行政区划信息查询平台" in page
    assert Area.objects.get(pk=town.pk).name == "大侯镇"
    change = AreaNameChange.objects.get(area=town)
    assert (change.old_name, change.new_name, change.actor) == ("城关镇", "大侯镇", world.admin)
    with pytest.raises(DatabaseError), transaction.atomic():  # the record is append-only
        AreaNameChange.objects.filter(pk=change.pk).update(new_name="x")
    client.force_login(world.officers[A])  # not an admin
    assert client.post(url, {"name": "某镇", "reason": "x"}).status_code == 403
    assert Area.objects.get(pk=town.pk).name == "大侯镇"
