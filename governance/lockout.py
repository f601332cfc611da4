"""What a locked-out sign-in answers (django-axes, `AXES_LOCKOUT_CALLABLE`).

After `LOGIN_FAILURE_LIMIT` wrong passwords for one username — on the sign-in page, the admin's
or the API token endpoint, counted together — the account is locked for `LOGIN_LOCKOUT_MINUTES`,
even with the right password. The API answers 429 with a Chinese `detail`, the page answers 429
with the sign-in form and the same sentence. An admin unlocks at once: 后台管理 → 用户 → action
“解除登录锁定” (`governance.admin`), or by deleting the account's row under 登录失败记录.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .error_pages import is_api

STATUS = 429


def message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，账号已暂时锁定。请 %(minutes)d 分钟后再试，或请系统管理员解锁。") % {"minutes": minutes}


def locked_out(request, original_response=None, credentials=None):
    if is_api(request):
        return JsonResponse({"detail": message()}, status=STATUS)
    form = AuthenticationForm(request)
    context = {"form": form, "locked_out": message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=STATUS)
