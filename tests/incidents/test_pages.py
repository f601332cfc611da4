"""The work spaces in the browser's terms (Django test client): where each role lands, the
desk's queues and filters, the case page's actions and their errors, the inbox, search,
the printable case file and the reporting pages."""

import re

import pytest
from django.contrib.messages import get_messages

from governance.roles import Role
from grids import services as grid_services
from incidents import services
from incidents.constants import CaseStatus as S
from incidents.intake import PartyInput
from incidents.models import Case
from tests.factories import UserFactory
from tests.incidents.test_workflow import officer, to_state


def signed_in(client, user):
    client.force_login(user)
    return client


def numbers_on(page: str) -> set[str]:
    return set(re.findall(r'href="/cases/\d+/">([A-Z0-9-]+)<', page))


@pytest.mark.parametrize(
    "who, lands_on",
    [("operator", "/desk/"), ("officer", "/inbox/"), ("worker", "/care/today/"), ("police", "/inbox/")],
)
def test_each_role_lands_on_its_work(client, loop, who, lands_on):
    user = {"operator": loop.operator, "officer": officer(loop), "worker": loop.worker, "police": loop.police}[who]
    response = signed_in(client, user).get("/")
    assert response.status_code == 302 and response.url == lands_on


def test_desk_queue_and_filters_stay_in_the_url(client, loop, report):
    fresh = report()
    registered = report(description="另一处堆物")
    services.register(case_id=registered.pk, actor=loop.operator)
    other_town = report(lat=34.405, lng=115.805, description="城关镇堆物")
    signed_in(client, loop.operator)

    page = client.get("/desk/?queue=new").content.decode()
    assert numbers_on(page) == {fresh.number, other_town.number}
    assert re.search(r'data-queue="new">\s*待立案 <span class="badge text-bg-light">2</span>', page)

    page = client.get(f"/desk/?queue=new&township={loop.world.b.pk}").content.decode()
    assert numbers_on(page) == {fresh.number}
    assert f"township={loop.world.b.pk}&amp;queue=registered" in page  # queue links keep the filter


def test_desk_counts_flag_a_new_urgent_case(client, loop, report):
    signed_in(client, loop.operator)
    quiet = client.get("/desk/counts/?seen_urgent=").content.decode()
    assert 'data-new-urgent="0"' in quiet
    urgent = report("YJ01", description="河堤渗水")
    page = client.get("/desk/counts/?seen_urgent=").content.decode()
    assert 'data-new-urgent="1"' in page and f'data-urgent-url="/cases/{urgent.pk}/"' in page
    again = client.get(f"/desk/counts/?seen_urgent={urgent.pk}").content.decode()
    assert 'data-new-urgent="0"' in again


def test_desk_queries_do_not_grow_with_the_cases(client, loop, report, django_assert_max_num_queries):
    signed_in(client, loop.operator)
    for i in range(3):
        report(description=f"堆物{i}")
    with django_assert_max_num_queries(20) as few:
        client.get("/desk/")
    for i in range(12):
        report(description=f"更多堆物{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/desk/").content.decode()
    assert len(numbers_on(page)) == 15


def test_case_page_offers_the_actions_of_the_moment_and_runs_one(client, loop, report):
    case = report()
    signed_in(client, loop.operator)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/act/register/"' in page and "/act/accept/" not in page
    assert "网格员王" in page and 'data-action="report"' in page

    response = client.post(f"/cases/{case.pk}/act/register/", {"version": case.version, "note": "属实"})
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.status == S.REGISTERED
    page = client.get(response.url).content.decode()
    assert "已完成：立案" in page
    assert f'<option value="{case.suggested_unit_id}" selected>★ {case.suggested_unit.name}' in page


def test_stale_action_reloads_the_case_with_a_message(client, loop, report):
    case = report()
    signed_in(client, loop.operator)
    services.register(case_id=case.pk, actor=loop.operator)  # someone else was quicker
    response = client.post(f"/cases/{case.pk}/act/register/", {"version": case.version, "note": ""})
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert any("已为您重新载入" in str(m) for m in get_messages(response.wsgi_request))
    assert Case.objects.get(pk=case.pk).events.filter(action="register").count() == 1


def test_missing_reason_keeps_the_form_with_a_chinese_message(client, loop, report):
    case = report()
    signed_in(client, loop.operator)
    response = client.post(f"/cases/{case.pk}/act/reject/", {"version": case.version, "note": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="form-reject" class="collapse show' in page and "请填写" in page and "is-invalid" in page
    case.refresh_from_db()
    assert case.status == S.REPORTED and case.events.count() == 1


def test_bad_unit_is_a_field_error_not_a_500(client, loop, report):
    case = report()
    services.register(case_id=case.pk, actor=loop.operator)
    signed_in(client, loop.operator)
    response = client.post(f"/cases/{case.pk}/act/dispatch/", {"version": 2, "unit": "999999"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()


def test_another_townships_case_is_404_everywhere(client, loop, report):
    case = report()  # in 肖旗乡
    signed_in(client, officer(loop, "411425100"))
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/print/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{case.pk}/act/accept/", {"version": 1}).status_code == 404
    assert numbers_on(client.get(f"/search/?q={case.number}").content.decode()) == set()


def test_inbox_holds_what_was_sent_to_the_township(client, loop, report):
    sent = to_state(loop, report(), S.DISPATCHED)
    waiting = report(description="尚未派遣")
    page = signed_in(client, officer(loop)).get("/inbox/").content.decode()
    assert numbers_on(page) == {sent.number}
    assert waiting.number not in page
    page = client.get(f"/cases/{sent.pk}/").content.decode()
    assert "/act/accept/" in page and "/act/return/" in page


def test_search_by_number_phone_and_party(client, loop, report):
    by_phone = report(source="hotline", reporter=loop.operator, reporter_name="李四", reporter_phone="13812345678")
    by_party = report(parties=[PartyInput(name="赵六", household_id=None, role="responsible")])
    signed_in(client, loop.operator)
    assert numbers_on(client.get("/search/?q=138 1234 5678").content.decode()) == {by_phone.number}
    assert numbers_on(client.get("/search/?q=赵六").content.decode()) == {by_party.number}
    assert numbers_on(client.get(f"/search/?q={by_party.number.lower()}").content.decode()) == {by_party.number}


def test_case_file_prints_the_timeline_and_masks_the_callers_phone(client, loop, report):
    case = report(source="hotline", reporter=None, reporter_name="李四", reporter_phone="13812345678")
    services.register(case_id=case.pk, actor=loop.operator, note="情况属实")
    signed_in(client, loop.operator)
    page = client.get(f"/cases/{case.pk}/print/").content.decode()
    assert "事件案卷" in page and "情况属实" in page and "立案" in page and "@page" not in page
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail


def test_report_page_fits_the_role(client, loop):
    page = signed_in(client, loop.worker).get("/report/").content.decode()
    assert 'name="source" value="grid_app"' in page and 'capture="environment"' in page
    assert "肖旗乡1村第1网格" in page  # the fallback when the phone has no position
    assert 'id="r-source"' not in page
    page = signed_in(client, loop.operator).get("/report/").content.decode()
    assert 'id="r-source"' in page and "12345热线" in page and 'name="source" value="grid_app" disabled' in page


def test_my_reports_lists_only_mine(client, loop, report):
    mine = report()
    colleague = UserFactory(username="gw2")
    grid_services.assign(user=colleague, area=loop.world.grids["411425200"][1], role=Role.GRID_WORKER)
    theirs = report(reporter=colleague, lat=34.405, lng=115.915)
    page = signed_in(client, loop.worker).get("/report/mine/").content.decode()
    assert f'data-case="{mine.number}"' in page and theirs.number not in page



@pytest.mark.parametrize("url", ["/desk/", "/search/?q=堆物"])
def test_the_case_table_names_each_rows_status_and_source(client, loop, report, url):
    """The table's labels come translated once per page (incidents.views._table_rows), each row
    its own: a hotline report beside a grid worker's."""
    from incidents.constants import CaseStatus, Source

    fresh = report(address="东街堆物点")
    hotline = report(address="西街堆物点", source=Source.HOTLINE, reporter=loop.operator)
    page = signed_in(client, loop.operator).get(url).content.decode()
    cells = {
        number: re.findall(r"<td>([^<]+)</td>", row)
        for number, row in re.findall(r'href="/cases/\d+/">([A-Z0-9-]+)</a>(.*?)</tr>', page, re.S)
    }
    assert cells[fresh.number][0] == CaseStatus.REPORTED.label and cells[fresh.number][4] == Source.GRID_APP.label
    assert cells[hotline.number][4] == Source.HOTLINE.label
