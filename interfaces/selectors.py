"""Every read of the open interfaces, scoped to the calling key's areas: the cases a system may
see go through `incidents.selectors.cases_in` with the key's areas as grants."""

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from incidents import selectors as case_selectors

from . import keys
from .models import ApiKey, PublicService, ServiceAttribute, Submission, Subscription, WebhookAttempt, WebhookDelivery


def public_services():
    """The active categories offered to other systems (Open311 services), each with whether it
    has questions of its own (`has_attributes`)."""
    return (
        PublicService.objects.filter(is_active=True, category__is_active=True)
        .select_related("category")
        .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(service=OuterRef("pk"))))
    )


def public_service(code: str) -> PublicService:
    """One service by its code (the category's), with its questions; 404 when not offered."""
    service = public_services().prefetch_related("attributes").filter(category__code=code).first()
    if service is None:
        raise Http404(_("service_code 不存在：%(c)s") % {"c": code})
    return service


def public_requests(key: ApiKey):
    """The cases in the public services' categories inside the key's areas (the Open311 read
    side), with their submission (media link) in the same query."""
    categories = PublicService.objects.filter(is_active=True).values("category_id")
    return case_selectors.cases_in(keys.grants(key), categories).select_related("submission")


def submission_by_token(key: ApiKey, token):
    """The key's own Open311 submission by its token (another key's answers like a missing one)."""
    return Submission.objects.filter(key=key, token=token).select_related("case").first()


def order(key: ApiKey, number: str):
    """The key's hotline order by its number, with its case (None when it has not sent it)."""
    return (
        Submission.objects.filter(key=key, external_number=number)
        .select_related("case__category", "case__handling_unit")
        .first()
    )


ORDERS_PER_ANSWER = 200


def orders_changed(key: ApiKey, since):
    """The key's hotline orders whose case changed at or after `since`, oldest change first (the
    hotline asks again from the last one it saw), at most ORDERS_PER_ANSWER."""
    return (
        Submission.objects.filter(key=key, channel="hotline", case__updated_at__gte=since)
        .select_related("case__handling_unit")
        .order_by("case__updated_at", "id")[:ORDERS_PER_ANSWER]
    )


def keys_for_console():
    return ApiKey.objects.select_related("created_by", "revoked_by").prefetch_related("areas").order_by(
        "revoked_at", "-created_at"
    )


def subscriptions_for_console():
    return Subscription.objects.select_related("key", "created_by").prefetch_related("areas").order_by(
        "-is_active", "name", "id"
    )


DELIVERIES_PER_PAGE = 50


def deliveries_for_console(*, subscription=None, status: str = "", kind: str = "", before: int | None = None):
    """The newest deliveries first, filtered, with their subscription, case and attempts: a fixed
    number of queries whatever the number of rows (one for the rows, one for their attempts)."""
    rows = WebhookDelivery.objects.select_related("subscription", "case").prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.select_related("replayed_by"))
    )
    if subscription is not None:
        rows = rows.filter(subscription=subscription)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if before:
        rows = rows.filter(pk__lt=before)
    return rows.order_by("-id")[: DELIVERIES_PER_PAGE + 1]
