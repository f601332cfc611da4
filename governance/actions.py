"""One action plumbing: how an app offers its workflow actions on the API and on its pages.

An app declares its actions ONCE, in its own `actions.py`, as a table name → `Action`:

    from governance.actions import Action, plain_call
    from . import services
    from .api import serializers as s

    ACTIONS = {
        # a version and a note: services.approve(thing_id=pk, actor=…, version=…, note=…)
        "approve": Action(s.ActionSerializer, plain_call(services.approve, "thing_id"), "审核通过"),
        "settle": Action(
            s.SettleSerializer,  # parses the API body and the page form alike
            lambda pk, actor, d: services.settle(thing_id=pk, actor=actor, amount=d["amount"], note=d["note"]),
            "赔付（金额和日期）",  # OpenAPI summary; the part before "（" is the page's short label
        ),
    }

`call(pk, actor, validated_data)` is a service call (which goes through
`governance.workflow.perform`); it raises Django's `ValidationError` for bad input,
`PermissionDenied`, `Http404` for anything out of the actor's scope, and `Conflict` for a
stale page or a state that does not allow the action.

The API, in the app's `api/views.py`:

    add_action_endpoints(ThingViewSet, ACTIONS, responses={200: s.ThingDetailSerializer})

adds `POST /<things>/{id}/<action>/` for every entry (underscores become hyphens); each parses
the body, runs the call and answers `viewset.action_response(pk)` (the app's detail view of the
object). Errors are the API's: 400 with field messages, 403, 404, 409 (governance.exceptions).

The pages, in the app's `views.py`:

    thing_action = action_view(ACTIONS, page=thing_page, next_url=lambda request, pk: reverse(...))

is the POST view of `<thing>/<int:pk>/act/<str:action>/`. One behaviour for every page:

- an unknown action → 404; an empty optional file field is no file (browsers send it empty);
- bad input (the serializer's or the service's, nested ones too) → the object's page again
  with status 400: `page(request, pk, failure)` renders it, `failure.action` names the form to
  open, `failure.errors` holds `{field: [Chinese messages]}` to show next to the fields,
  `failure.other_errors` the messages about no field of the form (shown above it);
- a stale page (Conflict) → back to the page with a warning, reloaded with the current state;
- not allowed (PermissionDenied) → back to the page with an error message;
- done → a success message and `next_url(request, pk)`.

`form_errors` is the one conversion of a serializer's or a service's errors into
`{field: [messages]}` for any page that posts through a serializer, and `run_for_page` the
same outcomes for a page that calls a service without an action table (messages only).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as drf_action
from rest_framework.exceptions import ValidationError as InputError
from rest_framework.settings import api_settings

from .errors import Conflict

__all__ = [
    "Action",
    "ActionFailure",
    "action_view",
    "add_action_endpoints",
    "failure_context",
    "form_data",
    "form_errors",
    "parse",
    "plain_call",
    "run_for_page",
]

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
# Fields every action form carries hidden: their messages go above the form.
HIDDEN_FIELDS = {"version"}

ACTION_ERRORS = {
    400: OpenApiResponse(description="输入有误"),
    403: OpenApiResponse(description="您的角色不能执行此操作"),
    404: OpenApiResponse(description="不存在或不在辖区内"),
    409: OpenApiResponse(description="已被他人处理或当前状态不允许"),
}


class Action(NamedTuple):
    """One entry of an app's action table (see the module's docstring)."""

    serializer: type[serializers.Serializer]
    call: Callable[[int, Any, dict], Any]
    summary: str

    @property
    def short_label(self) -> str:
        return str(self.summary).split("（")[0]

    def run(self, pk: int, actor, data):
        """Parse `data` (400 on bad input) and run the service call."""
        return self.call(pk, actor, parse(self.serializer, data))


def plain_call(service, id_arg: str) -> Callable[[int, Any, dict], Any]:
    """The call of an action whose input is the page's version and a note only:
    `service(<id_arg>=pk, actor=actor, version=…, note=…)`."""
    return lambda pk, actor, d: service(**{id_arg: pk}, actor=actor, version=d.get("version"), note=d["note"])


# --- input and errors -------------------------------------------------------------------------


def _takes_files(f) -> bool:
    return isinstance(f, serializers.FileField) or (
        isinstance(f, serializers.ListField) and isinstance(f.child, serializers.FileField)
    )


def without_empty_files(serializer_class, data):
    """A form's empty file field is no file: browsers send the part with no file name, which
    reaches the data as "" and would fail as "not a file". Drops those for the file fields."""
    if not isinstance(data, QueryDict):
        return data
    names = [name for name, f in serializer_class().fields.items() if _takes_files(f) and name in data]
    if not names:
        return data
    data = data.copy()
    for name in names:
        kept = [v for v in data.getlist(name) if v != ""]
        if kept:
            data.setlist(name, kept)
        else:
            del data[name]
    return data


def parse(serializer_class, data) -> dict:
    """The validated data of an API body or a page's `form_data` — ids that are not whole
    numbers, like any bad input, raise DRF's ValidationError with Chinese field messages (400)."""
    serializer = serializer_class(data=without_empty_files(serializer_class, data))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def form_data(request: HttpRequest) -> QueryDict:
    """A page form's fields and files in one QueryDict (what DRF's request.data is)."""
    data = request.POST.copy()
    data.update(request.FILES)
    return data


def _messages(value, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        out = []
        for key, inner in value.items():
            label = _("第%(n)s项：") % {"n": key + 1} if isinstance(key, int) else ""
            out += _messages(inner, prefix + label)
        return out
    if isinstance(value, list | tuple):
        return [m for inner in value for m in _messages(inner, prefix)]
    return [prefix + str(value)]


def form_errors(errors) -> dict[str, list[str]]:
    """`{field: [messages]}` from a serializer's errors, DRF's or Django's ValidationError —
    nested errors (a list's items, a nested serializer) flattened under their top-level field,
    with the item's number; messages about no field under "non_field_errors"."""
    if isinstance(errors, DjangoValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {NON_FIELD: errors.messages}
    elif isinstance(errors, InputError):
        errors = errors.detail
    if not isinstance(errors, dict):
        errors = {NON_FIELD: errors}
    found: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = NON_FIELD if key in (NON_FIELD_ERRORS, None) else str(key)
        found.setdefault(name, []).extend(_messages(value))
    return found


@dataclass
class ActionFailure:
    """Bad input for the action `action`: the page shows `errors` next to its form's fields and
    `other_errors` (messages about no field the form shows) above the form."""

    action: str
    errors: dict[str, list[str]]
    on_form: set[str] = field(default_factory=set)

    @property
    def other_errors(self) -> list[str]:
        return [m for key, texts in self.errors.items() if key not in self.on_form for m in texts]


def failure_context(failure: ActionFailure | None) -> dict:
    """What an object's page template reads to open the failed form and show its messages:
    `failed_action`, `errors` ({field: [messages]}) and `other_errors`."""
    if failure is None:
        return {"failed_action": None, "errors": {}, "other_errors": []}
    return {"failed_action": failure.action, "errors": failure.errors, "other_errors": failure.other_errors}


# --- pages ------------------------------------------------------------------------------------


def _refusal(request, exc) -> bool:
    """A stale page or a refused action as a message for the next page; False for others."""
    if isinstance(exc, Conflict):
        messages.warning(request, exc.message + _(" 已为您重新载入最新内容。"))
    elif isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("您无权执行此操作。"))
    else:
        return False
    return True


def run_for_page(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """Call a service from a page that shows its outcome as a message (a page without an action
    table): a stale page, a refusal and bad input become messages. True when it went through."""
    try:
        call()
    except (Conflict, PermissionDenied) as exc:
        _refusal(request, exc)
    except (DjangoValidationError, InputError) as exc:
        messages.error(request, "；".join(m for texts in form_errors(exc).values() for m in texts))
    else:
        messages.success(request, success)
        return True
    return False


def action_view(
    actions: Mapping[str, Action],
    *,
    page: Callable[[HttpRequest, int, ActionFailure], HttpResponse],
    next_url: Callable[[HttpRequest, int], str],
):
    """The POST view of `<thing>/<int:pk>/act/<str:action>/` (see the module's docstring)."""

    @login_required
    @require_POST
    def view(request, pk: int, action: str):
        entry = actions.get(action)
        if entry is None:
            raise Http404
        try:
            entry.run(pk, request.user, form_data(request))
        except (DjangoValidationError, InputError) as exc:
            on_form = set(entry.serializer().fields) - HIDDEN_FIELDS
            response = page(request, pk, ActionFailure(action, form_errors(exc), on_form))
            response.status_code = 400
            return response
        except (Conflict, PermissionDenied) as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("已完成：%(label)s") % {"label": entry.short_label})
        return redirect(next_url(request, pk))

    return view


# --- the API ----------------------------------------------------------------------------------


def _endpoint(name: str, entry: Action, responses: dict):
    def handler(self, request, pk=None):
        entry.run(int(pk), request.user, request.data)
        return self.action_response(int(pk))

    handler.__name__ = f"do_{name}"  # never shadow a view method (APIView.dispatch!)
    slug = name.replace("_", "-")
    endpoint = drf_action(detail=True, methods=["post"], url_path=slug, url_name=slug)(handler)
    # After @action, which replaces the function's `kwargs` where drf-spectacular keeps its
    # annotation: the other order loses the summary and the request body (the detail serializer
    # was described as the body).
    return extend_schema(summary=entry.summary, request=entry.serializer, responses={**ACTION_ERRORS, **responses})(
        endpoint
    )


def add_action_endpoints(viewset, actions: Mapping[str, Action], *, responses: dict):
    """Add `POST /<things>/{id}/<action>/` to `viewset` for every entry of `actions`; each
    answers `viewset.action_response(pk)`. `responses` documents the answer (200) and may
    override the error descriptions of ACTION_ERRORS."""
    assert hasattr(viewset, "action_response"), f"{viewset.__name__} needs action_response(pk)"
    for name, entry in actions.items():
        setattr(viewset, f"do_{name}", _endpoint(name, entry, responses))
