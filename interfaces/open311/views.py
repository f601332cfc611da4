"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

Each method answers `.json` or `.xml` (the suffix of its path). Discovery, the service list and a
service's definition are public; POST requests needs an api_key with the `open311.write` scope,
the request reads (requests, requests/{id}, tokens/{token}) one with `open311.read`, and see
only the cases inside that key's areas — another area's request answers like a missing one (404).
Every error is the spec's list of {code, description}: 400 a parameter missing or wrong, 403 no
valid api_key, 404 not found (also an unknown jurisdiction_id or format), 429 over the key's rate
(with Retry-After). The read side never shows who reported (no name, phone or account).
"""

import datetime as dt
import uuid
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from grids.levels import AreaLevel
from grids.models import Area
from incidents.constants import CaseStatus

from .. import selectors, services
from ..access import KeyRefused, authorize
from ..constants import KeyScope, SubmissionState
from . import render

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
CLOSED = (CaseStatus.CLOSED, CaseStatus.REJECTED)


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(*descriptions)
        self.status, self.descriptions = status, list(descriptions)


def endpoint(*methods):
    """An Open311 method: its HTTP methods, its format suffix, jurisdiction_id, and every error
    (ours, a service's ValidationError, a 404, a refused key) in the spec's format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, fmt, **kwargs):
            try:
                if fmt not in render.FORMATS:
                    raise Open311Error(404, _("不支持的格式：%(f)s（可用 json 或 xml）。") % {"f": fmt})
                if request.method not in methods:
                    raise Open311Error(405, _("不支持的请求方法。"))
                _check_jurisdiction(request)
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return render.errors(fmt, error.status, error.descriptions)
            except KeyRefused as refused:
                headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
                return render.errors(fmt, refused.status, [refused.message], headers=headers)
            except ValidationError as error:
                return render.errors(fmt, 400, _described(error))
            except Http404 as error:
                return render.errors(fmt, 404, [str(error) or _("未找到。")])

        return wrapped

    return decorate


def _described(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {text}" for field, texts in error.message_dict.items() for text in texts]
    return error.messages


def _check_jurisdiction(request):
    """jurisdiction_id is optional; given, it must be a county's (or, in a prefecture, the city's)
    administrative code (or settings.OPEN311_JURISDICTION_ID)."""
    given = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id")
    if given is None or given == "":
        return
    if given == getattr(settings, "OPEN311_JURISDICTION_ID", None):
        return
    if not Area.objects.filter(level__in=[AreaLevel.CITY, AreaLevel.COUNTY], code=given).exists():
        raise Open311Error(404, _("jurisdiction_id 不存在：%(j)s") % {"j": given})


def _api_key(request, scope):
    """The key from the form, the query string (some clients put it there on a POST too) or the header."""
    raw = request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-API-Key")
    return authorize(raw, scope)


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    changeset = render.iso(timezone.now().replace(hour=0, minute=0, second=0, microsecond=0))
    return render.respond(
        fmt,
        "discovery",
        {
            "changeset": changeset,
            "contact": getattr(settings, "OPEN311_CONTACT", "") or _("县社会治理综合指挥中心"),
            "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "") or _("向指挥中心系统管理员申请接口密钥"),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


def _service_row(service) -> dict:
    return {
        "service_code": service.category.code,
        "service_name": service.category.name,
        "description": service.description,
        "metadata": service.has_attributes,
        "type": "batch",  # a report gets its id a moment after it is accepted (tokens)
        "keywords": service.keywords,
        "group": service.group,
    }


@endpoint("GET")
def service_list(request, fmt):
    rows = selectors.public_services().order_by("category__code")
    return render.respond(fmt, "services", [_service_row(s) for s in rows])


@endpoint("GET")
def service_definition(request, fmt, code):
    service = selectors.public_service(code)
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": "",
            "order": a.order,
            "description": a.description,
            "values": [{"key": k, "name": n} for k, n in a.values],
        }
        for a in service.attributes.all()
    ]
    return render.respond(fmt, "service_definition", {"service_code": service.category.code, "attributes": attributes})


def _number(params, name):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("%(n)s 须是数字。") % {"n": name}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Open311Error(400, _("%(n)s 须是数字。") % {"n": name})
    return value


def _attributes(params) -> dict[str, list[str]]:
    """attribute[code]=value and, for multivaluelist, attribute[code][]=v1&attribute[code][]=v2."""
    found: dict[str, list[str]] = {}
    for name in params:
        if name.startswith("attribute[") and "]" in name:
            code = name[len("attribute[") : name.index("]")]
            found.setdefault(code, []).extend(params.getlist(name))
    return found


@endpoint("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    return _list_requests(request, fmt)


def _post_request(request, fmt):
    params = request.POST
    key = _api_key(request, KeyScope.OPEN311_WRITE)
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code 未提供。"))
    lat, lng = _number(params, "lat"), _number(params, "long")
    if (lat is None) != (lng is None):
        raise Open311Error(400, _("lat 和 long 须同时提供。"))
    if lat is None and not params.get("address_string", "").strip():
        raise Open311Error(400, _("须提供 lat/long 或 address_string。"))
    name = f"{params.get('last_name', '').strip()}{params.get('first_name', '').strip()}"
    submission = services.accept_report(
        key=key,
        service_code=code,
        lat=lat,
        lng=lng,
        address=params.get("address_string", ""),
        description=params.get("description", ""),
        media_url=params.get("media_url", "").strip(),
        attributes=_attributes(params),
        reporter_name=name,
        reporter_phone=params.get("phone", ""),
    )
    notice = _("已受理，登记后可凭 token 查询诉求编号。")
    return render.respond(
        fmt,
        "service_requests",
        [{"token": str(submission.token), "service_notice": notice, "account_id": None}],
        status=201,
    )


def _split(params, name) -> list[str]:
    return [v.strip() for v in params.get(name, "").split(",") if v.strip()]


def _moment(params, name):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:  # well formed, but no such moment (month 13)
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(n)s 须是 ISO 8601 时间，如 2026-05-01T08:00:00+08:00。") % {"n": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _list_requests(request, fmt):
    params = request.GET
    key = _api_key(request, KeyScope.OPEN311_READ)
    cases = selectors.public_requests(key)
    numbers = _split(params, "service_request_id")
    if numbers:  # the other filters are ignored then (the spec)
        cases = cases.filter(number__in=numbers[:MAX_REQUESTS])
    else:
        statuses = _split(params, "status")
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, _("status 只能是 open 或 closed。"))
        end = _moment(params, "end_date") or timezone.now()
        start = _moment(params, "start_date") or end - dt.timedelta(days=DEFAULT_DAYS)
        if start > end:
            raise Open311Error(400, _("start_date 不能晚于 end_date。"))
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        if codes := _split(params, "service_code"):
            cases = cases.filter(category__code__in=codes)
        if statuses == ["open"]:
            cases = cases.exclude(status__in=CLOSED)
        elif statuses == ["closed"]:
            cases = cases.filter(status__in=CLOSED)
    rows = [_request_row(case) for case in cases.order_by("-created_at", "-id")[:MAX_REQUESTS]]
    return render.respond(fmt, "service_requests", rows)


def _request_row(case) -> dict:
    """A case as the public sees it: no reporter's name, phone or account."""
    closed = case.status in CLOSED
    notes = case.get_status_display()
    if closed and case.result:
        notes = f"{notes}：{case.result}"
    submission = getattr(case, "submission", None)
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.handling_unit.name if case.handling_unit else "",
        "service_notice": "",
        "requested_datetime": render.iso(case.created_at),
        "updated_datetime": render.iso(case.updated_at),
        "expected_datetime": render.iso(case.due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lng,
        "media_url": submission.media_url if submission else "",
    }


@endpoint("GET")
def request_detail(request, fmt, number):
    key = _api_key(request, KeyScope.OPEN311_READ)
    case = selectors.public_requests(key).filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("service_request_id 不存在：%(n)s") % {"n": number})
    return render.respond(fmt, "service_requests", [_request_row(case)])


@endpoint("GET")
def token(request, fmt, token):
    key = _api_key(request, KeyScope.OPEN311_READ)
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    submission = selectors.submission_by_token(key, value) if value else None
    if submission is None:
        raise Open311Error(404, _("token 不存在：%(t)s") % {"t": token})
    if submission.state == SubmissionState.FAILED:
        raise Open311Error(400, _("诉求未能登记：%(r)s") % {"r": submission.failure})
    number = submission.case.number if submission.case else None
    return render.respond(fmt, "service_requests", [{"service_request_id": number, "token": str(submission.token)}])
