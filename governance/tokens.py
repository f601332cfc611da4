"""API tokens (django-rest-knox): issued for a username and password, valid for API_TOKEN_TTL_HOURS,
stored only as a SHA-512 digest, revoked one by one or all at once (docs/security.md). Wrong
passwords count towards the account's sign-in lock-out like the page's (governance/lockout.py).
A person with a TOTP device (governance/two_factor.py) gives its current code as `otp_token`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox import views as knox_views
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import two_factor


class LoginThrottle(AnonRateThrottle):
    """Password guesses against the token endpoint, per client address."""

    scope = "token_login"


TOKEN_REQUEST = inline_serializer(
    "ApiTokenRequest",
    {
        "username": serializers.CharField(),
        "password": serializers.CharField(style={"input_type": "password"}),
        "otp_token": serializers.CharField(required=False, help_text="启用了两步验证的账号：验证器显示的动态验证码"),
    },
)

TOKEN_ANSWER = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>；只显示这一次"),
        "expiry": serializers.DateTimeField(help_text="过期时间"),
    },
)


class IssueToken(knox_views.LoginView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(summary="用用户名和密码换取 API 令牌（有效期有限，服务器只存其摘要）", request=TOKEN_REQUEST,
                   responses=TOKEN_ANSWER, tags=["auth"])
    def post(self, request, format=None):
        # Django's request, not DRF's: django-axes marks a lock-out on it for AxesMiddleware.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        if not serializer.is_valid():
            # Answered here, not raised: DRF's exception handler would roll the request's
            # transaction back, and with it django-axes' count of this failure.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        device = two_factor.confirmed_device(user)
        if device is not None:
            problem = (
                two_factor.check_code(device, request.data.get("otp_token", ""))
                if request.data.get("otp_token")
                else _("该账号已启用两步验证，请同时提交动态验证码（otp_token）。")
            )
            if problem:
                return Response({"otp_token": [problem]}, status=status.HTTP_400_BAD_REQUEST)
            request._request._two_factor_device = device  # the code step passed (two_factor.py)
        request.user = user
        return super().post(request, format)


class RevokeToken(knox_views.LogoutView):
    permission_unscoped = True  # the caller's own tokens (governance.openapi)

    @extend_schema(summary="注销当前使用的 API 令牌", request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)


class RevokeAllTokens(knox_views.LogoutAllView):
    permission_unscoped = True  # the caller's own tokens (governance.openapi)

    @extend_schema(summary="注销本人的全部 API 令牌", request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)
