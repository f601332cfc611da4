"""Optional TOTP second factor (django-otp) for admins and command-centre leaders.

Enrolment (`/accounts/two-factor/`): the page shows a new secret as a QR code and in base32,
and the authenticator app's first code confirms it; the same page turns it off with a current
code. Sign-in: once a person has a confirmed device, the password page (`SignInView`) no longer
signs them in but asks for the code on a second page (`verify`); the API token endpoint wants
`otp_token` beside the password (governance/tokens.py). Any other way to a session — the admin's
own login form, for one — is refused by `refuse_unverified_sign_in`, which signs the person out
again at once. Wrong codes are throttled by django-otp (each failure doubles the wait), on top
of the password's lock-out (django-axes). An admin removes a lost phone's device in the admin
(后台管理 → TOTP devices); the person then signs in with the password alone and enrols again."""

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .console import may_use_console

PENDING = "_two_factor_pending"
PENDING_SECONDS = 300  # the code page waits this long after the password


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def check_code(device: TOTPDevice, code: str) -> str:
    """"" when `code` is the device's current code; otherwise the Chinese reason."""
    code = (code or "").strip().replace(" ", "")
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("动态验证码错误次数过多，请稍后再试。")
    if not code.isdigit() or not device.verify_token(code):
        return _("动态验证码不正确或已过期。")
    return ""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=8,
        error_messages={"required": gettext_lazy("请输入验证器应用显示的 6 位动态验证码。")},
    )


class SignInView(LoginView):
    """The password step; a person with a confirmed device goes on to the code step."""

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("two-factor-verify")


def verify(request):
    """The code step: the pending sign-in of the password step, for PENDING_SECONDS."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, _("登录已超时，请重新输入用户名和密码。"))
        return redirect(settings.LOGIN_URL)
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user is not None else None
    if device is None:
        request.session.pop(PENDING, None)
        return redirect(settings.LOGIN_URL)
    form, status = CodeForm(request.POST or None), 200
    if request.method == "POST" and form.is_valid():
        problem = check_code(device, form.cleaned_data["code"])
        if not problem:
            del request.session[PENDING]
            request._two_factor_device = device  # for refuse_unverified_sign_in
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending["next"]
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
            return redirect(target if safe else settings.LOGIN_REDIRECT_URL)
        form.add_error("code", problem)
    if request.method == "POST":
        status = 400
    return render(request, "registration/two_factor_verify.html", {"form": form}, status=status)


def refuse_unverified_sign_in(sender, request, user, **kwargs):
    """user_logged_in: a browser sign-in of a person with a confirmed device that did not pass
    the code step (the admin's login form, any other view) is undone at once."""
    if request is None or SESSION_KEY not in getattr(request, "session", {}):
        return
    if getattr(request, "_two_factor_device", None) is not None or confirmed_device(user) is None:
        return
    logout(request)


def qr_data_url(text: str) -> str:
    """`text` as a QR code, an SVG in a data: URL (the Content-Security-Policy allows those)."""
    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
def enrol(request):
    """两步验证: set up, confirm or turn off the TOTP second factor (admins, command leaders)."""
    if not may_use_console(request.user):  # admins and command-centre leaders
        raise PermissionDenied(_("只有系统管理员和指挥中心领导可以启用两步验证。"))
    device = confirmed_device(request.user)
    form, status = CodeForm(request.POST or None), 200
    if request.method == "POST":
        status = 400
        if device is not None:  # turning it off
            if form.is_valid():
                problem = check_code(device, form.cleaned_data["code"])
                if not problem:
                    TOTPDevice.objects.filter(user=request.user).delete()
                    messages.success(request, _("已关闭两步验证。"))
                    return redirect("two-factor")
                form.add_error("code", problem)
        else:
            new = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("id").first()
            if new is not None and form.is_valid():
                problem = check_code(new, form.cleaned_data["code"])
                if not problem:
                    new.confirmed = True
                    new.save(update_fields=["confirmed"])
                    request._two_factor_device = new
                    otp_login(request, new)
                    messages.success(request, _("已启用两步验证：以后登录时还需输入动态验证码。"))
                    return redirect("two-factor")
                form.add_error("code", problem)
    context = {"form": form, "device": device}
    if device is None:
        new, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": _("验证器应用")}
        )
        context["secret"] = base64.b32encode(new.bin_key).decode()
        context["qr"] = qr_data_url(new.config_url)
    return render(request, "accounts/two_factor.html", context, status=status)


def admin_login(request):
    """The admin's own login form would skip the code step: the admin signs in here too."""
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.GET.get('next', reverse('admin:index'))})}")
