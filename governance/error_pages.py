"""What an error answers: JSON under /api/ — never an HTML page — and the Chinese error pages
elsewhere.

`RequestIdMiddleware` gives every request an id (`request.request_id`: the reverse proxy's
`X-Request-ID` when it is a sane token, else a new one) and answers it in the `X-Request-ID`
header. The project's handler404/403/400/500 (governance/urls.py) answer an /api/ request with
`{"detail": …}` — a 500 with `"request_id"` too, written in the log beside the error, so a
client's report finds the traceback. Errors inside DRF views are DRF's JSON already
(governance.exceptions); these handlers cover what happens outside them: a path that matches
no route (an id that is not a whole number, see governance.routers) and an uncaught exception.

PostgreSQL restarting or a dropped connection is not a bug but a moment to wait: when the
uncaught exception is the database's (wherever it was raised — a view, a middleware reading the
session), handler500 answers 503 with Retry-After (the JSON detail, or templates/503.html);
nothing of the request was saved (ATOMIC_REQUESTS). The broken connection is closed when the
request ends, and the next request opens a fresh one (CONN_HEALTH_CHECKS).
"""

import logging
import re
import sys
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from . import logs

logger = logging.getLogger("governance.errors")
API_PREFIX = "/api/"
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        logs.request_id.set(request.request_id)  # on every log record until request_finished
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if is_api(request):
        return JsonResponse({"detail": _("请求有误。")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return JsonResponse({"detail": str(exception) or _("您没有执行该操作的权限。")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    request_id = getattr(request, "request_id", "") or uuid.uuid4().hex
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request, request_id)
    logger.error("500 on %s %s, request id %s", request.method, request.path, request_id)
    if is_api(request):
        body = {"detail": _("服务器内部错误，请稍后重试；反馈问题时请提供请求编号。"), "request_id": request_id}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


RETRY_AFTER_SECONDS = 30


def database_unavailable(request, request_id: str):
    logger.error("database unavailable on %s %s, request id %s", request.method, request.path, request_id)
    if is_api(request):
        body = {"detail": _("数据库暂时不可用，操作没有保存，请稍后重试。"), "request_id": request_id}
        response = JsonResponse(body, status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
