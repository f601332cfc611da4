"""The console page of the systems' API keys: the list, the form that makes one (its key shown
on the answer, once), and revocation. Admins and command-centre leaders may look; only the
platform admin makes and revokes keys."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.console import admin_only, console_view, submit

from .. import selectors, services
from ..models import ApiKey
from .forms import KeyForm


def _page(request, *, form=None, created=None, status=200):
    return render(
        request,
        "interfaces/console/keys.html",
        {"keys": selectors.keys_for_console(), "form": form or KeyForm(actor=request.user), "created": created},
        status=status,
    )


@console_view
def keys(request):
    return _page(request)


@console_view
@require_POST
def key_add(request):
    admin_only(request)
    form = KeyForm(request.POST, actor=request.user)
    made = {}

    def create(data):
        made["key"], made["raw"] = services.create_key(actor=request.user, **data)

    if submit(form, create):
        # The key itself is on this answer only: never stored, never shown again.
        response = _page(request, created=made)
        response["Cache-Control"] = "no-store"
        return response
    return _page(request, form=form, status=400)


@console_view
@require_POST
def key_revoke(request, pk):
    admin_only(request)
    key = services.revoke_key(key=get_object_or_404(ApiKey, pk=pk), actor=request.user)
    messages.success(request, _("已吊销接口密钥“%(name)s”，它的下一个请求即被拒绝。") % {"name": key.name})
    return redirect("interfaces-console:keys")
