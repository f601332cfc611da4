"""Issue #12 on the case page: the form posted as a browser posts it (a file field with nothing
chosen is an empty part) disposes the case; a serializer's nested errors come back next to
their field, in Chinese, with status 400 — through the kernel's one page action view."""

from incidents.constants import CaseStatus as S
from incidents.models import Case
from tests.forms import browser_post
from tests.incidents.test_workflow import officer, to_state


def test_dispose_without_a_photo_from_the_case_page(client, loop, report):
    case = to_state(loop, report(), S.IN_PROGRESS)
    case.refresh_from_db()
    client.force_login(officer(loop))
    fields = {"version": case.version, "result": "已清理完毕", "outcome": "resolved", "note": ""}
    response = browser_post(client, f"/cases/{case.pk}/act/dispose/", fields, empty_files=["photos"])
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.status == S.DISPOSED and case.result == "已清理完毕"
    assert not case.events.get(action="dispose").attachments.exists()


def test_a_nested_error_shows_next_to_its_field_with_400(client, loop, report):
    case = to_state(loop, report(), S.IN_PROGRESS)
    case.refresh_from_db()
    client.force_login(officer(loop))
    fields = [("version", case.version), ("result", "已清理"), ("photos", "not-a-file")]
    response = browser_post(client, f"/cases/{case.pk}/act/dispose/", fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="form-dispose" class="collapse show' in page
    assert "第1项：提交的数据不是一个文件" in page and 'id="photos-dispose" name="photos"' in page
    assert Case.objects.get(pk=case.pk).status == S.IN_PROGRESS


def test_a_message_about_no_field_shows_above_the_form(client, loop, report):
    case = report()
    client.force_login(loop.operator)
    response = client.post(f"/cases/{case.pk}/act/register/", {"version": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="form-register" class="collapse show' in page and 'class="alert alert-danger' in page
    assert "请填写合法的整数值" in page
