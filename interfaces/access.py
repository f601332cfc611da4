"""Who may call: a system's API key, its scopes and its rate limit, for the Open311 views (plain
Django, the spec's own error format) and the DRF endpoints (the hotline's)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from . import keys, ratelimit
from .models import ApiKey


class KeyRefused(Exception):
    """403 (no key, unknown, revoked or without the scope) or 429 (over its rate, with Retry-After)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def authorize(raw: str | None, scope: str) -> ApiKey:
    """The active key for `raw` holding `scope`, counted against its rate; KeyRefused otherwise."""
    key = keys.active_key(raw)
    if key is None:
        raise KeyRefused(403, _("api_key 未提供、无效或已吊销。"))
    if scope not in key.scopes:
        raise KeyRefused(403, _("该 api_key 无权调用此接口。"))
    wait = ratelimit.hit(key.pk, key.rate_per_minute)
    if wait is not None:
        raise KeyRefused(429, _("请求过于频繁，请 %(s)d 秒后再试。") % {"s": wait}, retry_after=wait)
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """DRF: the `X-API-Key` header; request.user is the key's account, request.auth the key."""

    def authenticate(self, request):
        raw = request.headers.get(keys.HEADER)
        if not raw:
            return None
        key = keys.active_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("接口密钥无效或已吊销。"))
        return key.account, key

    def authenticate_header(self, request):
        return keys.HEADER


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the OpenAPI schema: an apiKey in the X-API-Key header."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": keys.HEADER}


def key_scope(scope: str):
    """A DRF permission class: the request came with a key holding `scope`."""

    class HasScope(permissions.BasePermission):
        openapi_description = f"接口密钥须含权限范围 {scope}（管理员在控制台签发）"  # governance.openapi
        message = _("该接口密钥无权调用此接口。")

        def has_permission(self, request, view):
            return isinstance(request.auth, ApiKey) and scope in request.auth.scopes

    return HasScope


class KeyRateThrottle(throttling.BaseThrottle):
    """DRF: the key's rate limit (interfaces.ratelimit); 429 with Retry-After when over it."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        self.retry_after = ratelimit.hit(request.auth.pk, request.auth.rate_per_minute)
        return self.retry_after is None

    def wait(self):
        return self.retry_after
