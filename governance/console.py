"""The admin console (/console/): a designed page set for admins and command-centre leaders.

Each app serves the console pages of the data it owns (`grids/console_urls.py`,
`incidents/console_urls.py`), included under /console/ by the project's urls, and names its
sections in settings.CONSOLE_SECTIONS; this module holds what they share and knows nothing of
areas: who may open the console, how a service's ValidationError lands on a form, and the
landing page listing the sections that are installed.
"""

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import workdays
from .actions import form_errors
from .registry import entries
from .roles import Role

CONSOLE_ROLES = (Role.ADMIN, Role.COMMAND_LEADER)

# settings.CONSOLE_SECTIONS: the kernel's own (label, url name, description, icon).
SECTIONS = [(_l("两步验证"), "two-factor", _l("登录时除密码外再输入手机验证器的动态验证码"), "shield-lock")]



def may_use_console(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(set(CONSOLE_ROLES) & user.role_names()))


def console_view(view):
    """Signed in, and an admin or a command-centre leader (others: 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_use_console(request.user):
            raise PermissionDenied(_("只有系统管理员和指挥中心领导可以使用管理控制台。"))
        return view(request, *args, **kwargs)

    return wrapped


def admin_only(request) -> None:
    """Writes to the catalogue, accounts and imports are the platform admin's (others: 403)."""
    if not request.user.is_platform_admin:
        raise PermissionDenied(_("只有系统管理员可以执行此操作。"))


def submit(form, action, names: dict[str, str] | None = None) -> bool:
    """Validate `form` and run `action(cleaned_data)` (a service call). A ValidationError from the
    service lands on the form's fields (renamed by `names`); True when the action ran."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc, names)
        return False
    return True


def add_service_errors(form, exc: ValidationError, names: dict[str, str] | None = None) -> None:
    """Put a service's field messages on the form's fields (renamed by `names`); messages about
    a key the form has no field for become the form's own errors."""
    names = names or {}
    for key, texts in form_errors(exc).items():
        field = names.get(key, key)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


class ConsoleForm(forms.Form):
    """A form drawn with Bootstrap's classes (templates/console/_form.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"


def sections():
    """The landing page's sections: each app's list in settings.CONSOLE_SECTIONS, of
    (label, url name, description, icon); a section whose urls are not installed is left out."""
    found = []
    for label, url_name, description, icon in (s for listed in entries("CONSOLE_SECTIONS") for s in listed):
        try:
            found.append({"label": label, "url": reverse(url_name), "description": description, "icon": icon})
        except NoReverseMatch:
            continue
    return found


@console_view
def home(request):
    return render(
        request, "console/home.html", {"sections": sections(), "calendar_missing": workdays.missing_years()}
    )
