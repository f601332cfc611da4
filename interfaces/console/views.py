"""The console pages of the open interfaces: the systems' API keys (the list, the form that makes
one — its key shown on the answer, once — and revocation) and the webhooks (subscriptions, made
with their secret shown once and switched on or off; the deliveries with their attempts, and
replay). Admins and command-centre leaders may look; only the platform admin makes, revokes,
switches and replays."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.console import admin_only, console_view, submit

from .. import selectors, services
from ..models import ApiKey, Subscription, WebhookDelivery
from .forms import DeliveryFilter, KeyForm, SubscriptionForm


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


def _made_once(request, form, create, page):
    """Submit `form` through `create(cleaned_data) → what was made`. The answer shows it — with a
    key or a secret that exists on this answer only (never stored in clear, never shown again),
    so it is not cached — or the form's errors."""
    made = {}
    if submit(form, lambda data: made.update(create(data))):
        response = page(request, created=made)
        response["Cache-Control"] = "no-store"
        return response
    return page(request, form=form, status=400)


@console_view
@require_POST
def key_add(request):
    admin_only(request)

    def create(data):
        key, raw = services.create_key(actor=request.user, **data)
        return {"key": key, "raw": raw}

    return _made_once(request, KeyForm(request.POST, actor=request.user), create, _page)


@console_view
@require_POST
def key_revoke(request, pk):
    admin_only(request)
    key = services.revoke_key(key=get_object_or_404(ApiKey, pk=pk), actor=request.user)
    messages.success(request, _("已吊销接口密钥“%(name)s”，它的下一个请求即被拒绝。") % {"name": key.name})
    return redirect("interfaces-console:keys")


# ---- webhooks ---------------------------------------------------------------------------------


def _hooks_page(request, *, form=None, created=None, status=200):
    return render(
        request,
        "interfaces/console/webhooks.html",
        {
            "subscriptions": selectors.subscriptions_for_console(),
            "form": form or SubscriptionForm(actor=request.user),
            "created": created,
        },
        status=status,
    )


@console_view
def webhooks(request):
    return _hooks_page(request)


@console_view
@require_POST
def webhook_add(request):
    admin_only(request)

    def create(data):
        subscription, secret = services.create_subscription(actor=request.user, **data)
        return {"subscription": subscription, "secret": secret}

    return _made_once(request, SubscriptionForm(request.POST, actor=request.user), create, _hooks_page)


@console_view
@require_POST
def webhook_toggle(request, pk):
    admin_only(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    subscription = services.set_subscription_active(
        subscription=subscription, active=not subscription.is_active, actor=request.user
    )
    if subscription.is_active:
        messages.success(request, _("已启用订阅“%(name)s”。") % {"name": subscription.name})
    else:
        messages.success(
            request, _("已停用订阅“%(name)s”：不再推送，待发送的推送不再尝试。") % {"name": subscription.name}
        )
    return redirect("interfaces-console:webhooks")


@console_view
def deliveries(request):
    filters = DeliveryFilter(request.GET or None)
    if request.GET and not filters.is_valid():
        rows, status = [], 400
    else:
        data = filters.cleaned_data if request.GET else {}
        rows, status = list(selectors.deliveries_for_console(**{k: v for k, v in data.items() if v})), 200
    more = len(rows) > selectors.DELIVERIES_PER_PAGE
    rows = rows[: selectors.DELIVERIES_PER_PAGE]
    query = request.GET.copy()
    if more:
        query["before"] = rows[-1].pk
    return render(
        request,
        "interfaces/console/deliveries.html",
        {"filters": filters, "deliveries": rows, "next_query": query.urlencode() if more else ""},
        status=status,
    )


@console_view
@require_POST
def delivery_replay(request, pk):
    admin_only(request)
    delivery = services.replay_delivery(delivery=get_object_or_404(WebhookDelivery, pk=pk), actor=request.user)
    messages.success(
        request, _("已安排重新推送 %(uid)s，结果见推送日志。") % {"uid": str(delivery.uid)[:8]}
    )
    back = reverse("interfaces-console:deliveries")
    wanted = request.POST.get("next", "")
    return redirect(wanted if wanted.startswith(back + "?") else back)  # the list as it was filtered
