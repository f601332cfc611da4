"""The project's DRF exception handler: services speak Django's ValidationError, clients get 400.

Services raise `django.core.exceptions.ValidationError` with a message dict of Chinese messages
(`{"code": ["区划代码 … 已存在。"]}`); DRF would let that through as a 500. Here it becomes an
HTTP 400 with the same field messages, and the request's transaction is rolled back like for
any other API error. A body that is not valid JSON answers 400 with a Chinese message.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, IdempotencyMismatch


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        body = {"detail": exc.message, "current_state": exc.current_state, "current_version": exc.current_version}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IdempotencyMismatch):
        return Response(
            {"detail": _("该 Idempotency-Key 已用于内容不同的请求。")}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("请求内容格式不正确，无法解析。"))
    return drf_exception_handler(exc, context)
