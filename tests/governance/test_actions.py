"""The kernel's one action plumbing (governance/actions.py): one conversion of errors for the
pages, an empty file field that is no file, one behaviour of the page action view for bad input,
a stale page, a refusal and success; the API factory adds one endpoint per declared action."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.test import RequestFactory
from rest_framework import serializers, viewsets

from governance.actions import Action, ActionFailure, action_view, add_action_endpoints, form_errors
from governance.errors import Conflict
from governance.routers import Router


class Note(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


def test_form_errors_flattens_nested_serializer_errors_under_their_field():
    errors = Note(data={"version": "x", "photos": ["a"]})
    assert not errors.is_valid()
    flat = form_errors(errors.errors)
    assert flat["version"] == ["请填写合法的整数值。"]
    assert flat["photos"] == ["第1项：提交的数据不是一个文件。请检查表单的编码类型。"]


def test_form_errors_reads_django_validation_errors():
    assert form_errors(ValidationError({"unit": ["单位不存在。"]})) == {"unit": ["单位不存在。"]}
    assert form_errors(ValidationError("状态不允许。")) == {"non_field_errors": ["状态不允许。"]}
    assert form_errors(ValidationError({"__all__": ["整体有误。"]})) == {"non_field_errors": ["整体有误。"]}


def test_an_empty_file_part_is_no_file():
    seen = []
    action = Action(Note, lambda pk, actor, d: seen.append(d["photos"]), "备注")
    action.run(1, None, QueryDict("note=x&photos="))
    assert seen == [[]]
    with pytest.raises(serializers.ValidationError):
        action.run(1, None, QueryDict("note=x&photos=abc"))


@pytest.fixture
def post():
    def make(data=None):
        request = RequestFactory().post("/things/1/act/x/", data or {})
        request.user = type("U", (), {"is_authenticated": True})()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        return request

    return make


def _view(call, pages):
    def page(request, pk, failure):
        pages.append(failure)
        return HttpResponse("page")

    return action_view({"x": Action(Note, call, "做某事（说明）")}, page=page, next_url=lambda request, pk: f"/t/{pk}/")


def _raise(exc):
    def call(pk, actor, d):
        raise exc

    return call


@pytest.mark.parametrize(
    "exc, level, text",
    [
        (Conflict("该记录已被他人处理。"), "warning", "该记录已被他人处理。 已为您重新载入最新内容。"),
        (PermissionDenied("您无权执行“x”。"), "error", "您无权执行“x”。"),
        (None, "success", "已完成：做某事"),
    ],
)
def test_the_page_view_answers_a_stale_page_a_refusal_and_success_alike(post, exc, level, text):
    pages = []
    request = post({"note": "n"})
    response = _view(_raise(exc) if exc else (lambda pk, actor, d: None), pages)(request, pk=1, action="x")
    assert response.status_code == 302 and response.url == "/t/1/" and not pages
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [(level, text)]


def test_the_page_view_shows_bad_input_with_400(post):
    pages = []
    response = _view(_raise(ValidationError({"unit": ["单位不存在。"], "status": ["状态不对。"]})), pages)(
        post({"note": "n"}), pk=1, action="x"
    )
    assert response.status_code == 400
    failure = pages[0]
    assert isinstance(failure, ActionFailure) and failure.action == "x"
    assert failure.errors == {"unit": ["单位不存在。"], "status": ["状态不对。"]}
    assert failure.other_errors == ["单位不存在。", "状态不对。"]  # neither is a field of the form
    response = _view(lambda *a: None, pages)(post({"version": "v"}), pk=1, action="x")
    assert response.status_code == 400 and pages[-1].other_errors == ["请填写合法的整数值。"]  # hidden field


def test_an_unknown_action_is_404(post):
    from django.http import Http404

    with pytest.raises(Http404):
        _view(lambda *a: None, [])(post(), pk=1, action="nope")


def test_the_api_factory_adds_one_endpoint_per_declared_action():
    class Things(viewsets.GenericViewSet):
        def action_response(self, pk):
            return HttpResponse(str(pk))

    add_action_endpoints(Things, {"send_back": Action(Note, lambda *a: None, "退回")}, responses={200: Note})
    router = Router()
    router.register("things", Things, basename="thing")
    assert [(u.name, str(u.pattern)) for u in router.urls] == [("thing-send-back", "things/<int:pk>/send-back/")]
    with pytest.raises(AssertionError):
        add_action_endpoints(viewsets.GenericViewSet, {}, responses={})
