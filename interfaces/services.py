"""Every write of the open interfaces: API keys made and revoked, Open311 reports accepted and
registered, 12345 hotline orders taken, webhook subscriptions made, switched and replayed.

A report from another system goes through the one intake service
(`incidents.intake.submit_report`) like any other: it lands in the command centre's 待立案
queue with the key's source, its report event names the key's account as actor, and a
`Submission` row keeps which key sent it (and the other side's number and media link).
"""

import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import idempotency, outbox
from governance.phones import normalize_phone
from grids import spatial
from grids.coords import SYSTEMS
from grids.levels import AreaLevel
from grids.models import Area
from grids.scoping import scope_q
from incidents import events, intake
from incidents.models import Category

from . import keys, selectors, tasks, webhooks
from .constants import AttributeType, Channel, KeyScope, SubmissionState
from .models import ApiKey, PublicService, Submission, Subscription, WebhookDelivery

HOTLINE_SCOPE = "interfaces.hotline"  # governance.idempotency's scope of a hotline order


# ---- keys -----------------------------------------------------------------------------------


@transaction.atomic
def create_key(*, name: str, source: str, scopes, areas, rate_per_minute: int, actor) -> tuple[ApiKey, str]:
    """Make a key; returns it and the raw key, which is shown once and never stored."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写系统名称。")
    if not scopes or any(s not in KeyScope.values for s in scopes):
        errors["scopes"] = _("请至少选择一项可调用的接口。")
    if not areas:
        errors["areas"] = _("请至少选择一个区域。")
    if rate_per_minute is None or rate_per_minute < 1:
        errors["rate_per_minute"] = _("每分钟请求上限须为正整数。")
    if errors:
        raise ValidationError(errors)
    raw, prefix = keys.make_raw_key()
    account = get_user_model().objects.create(
        username=f"apikey-{prefix}", full_name=_("%(name)s（接口）") % {"name": name.strip()}, is_active=False
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    key = ApiKey.objects.create(
        name=name.strip(),
        prefix=prefix,
        digest=keys.digest(raw),
        source=source,
        scopes=sorted(set(scopes)),
        rate_per_minute=rate_per_minute,
        account=account,
        created_by=actor,
    )
    key.areas.set(areas)
    return key, raw


@transaction.atomic
def revoke_key(*, key: ApiKey, actor) -> ApiKey:
    """Revoke at once: the key's next request is refused (its row is read on every request)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at, key.revoked_by = timezone.now(), actor
        key.save(update_fields=["revoked_at", "revoked_by"])
    return key


# ---- where a report is ------------------------------------------------------------------------


def _grid_by_address(key: ApiKey, address: str) -> Area | None:
    """The base grid an address names inside the key's areas: a grid's name, or a village's when
    the village has one grid only (longest name first). None when the address names neither."""
    candidates = list(
        Area.objects.filter(scope_q(Area, keys.grants(key)), level__in=[AreaLevel.VILLAGE, AreaLevel.GRID]).only(
            "id", "name", "path", "level", "depth"
        )
    )
    for area in sorted(candidates, key=lambda a: -len(a.name)):
        if area.name and area.name in address:
            if area.level == AreaLevel.GRID:
                return area
            grids = [c for c in candidates if c.level == AreaLevel.GRID and c.path.startswith(area.path)]
            if len(grids) == 1:
                return grids[0]
    return None


def locate(*, key: ApiKey, lat=None, lng=None, crs="WGS84", address="", grid_code="") -> Area:
    """The base grid of a report from a system: by its grid code, its point or its address.
    A grid outside the key's areas answers like a missing one (404)."""
    if crs not in SYSTEMS:
        raise ValidationError({"crs": _("坐标系只能是 WGS84、GCJ02 或 BD09。")})
    if grid_code:
        grid = Area.objects.filter(code=grid_code, level=AreaLevel.GRID).first()
        if grid is None:
            raise Http404(_("所选网格不存在。"))
    elif lat is not None and lng is not None:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError({"lat": _("坐标超出范围。")})
        found = spatial.grid_at(lat, lng, crs)
        if found is None:
            raise ValidationError({"lat": _("该位置不在本县任何网格内。")})
        grid = Area.objects.get(pk=found)
    elif (address or "").strip():
        grid = _grid_by_address(key, address)
        if grid is None:
            raise ValidationError({"address_string": _("无法根据地址确定所在网格，请提供经纬度。")})
    else:
        raise ValidationError({"lat": _("请提供经纬度或地址。")})
    if not keys.covers(key, grid):
        raise Http404(_("所选网格不存在。"))
    return grid


# ---- Open311 ----------------------------------------------------------------------------------


def _answers(service: PublicService, attributes: dict) -> list[str]:
    """The answers to the service's questions as lines "问题：答案"; ValidationError on a required
    question left out or a value outside its list."""
    lines, errors = [], {}
    for attribute in service.attributes.all():
        given = [v.strip() for v in attributes.get(attribute.code, []) if v.strip()]
        name = f"attribute[{attribute.code}]"
        if not given:
            if attribute.required:
                errors[name] = _("请回答“%(q)s”。") % {"q": attribute.description}
            continue
        if attribute.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
            names = {str(k): n for k, n in attribute.values}
            if any(v not in names for v in given) or (attribute.datatype == AttributeType.SINGLE and len(given) > 1):
                errors[name] = _("“%(q)s”的答案不在选项中。") % {"q": attribute.description}
                continue
            given = [names[v] for v in given]
        elif attribute.datatype == AttributeType.NUMBER:
            try:
                [float(v) for v in given]
            except ValueError:
                errors[name] = _("“%(q)s”须填数字。") % {"q": attribute.description}
                continue
        lines.append(f"{attribute.description}：{'、'.join(given)}")
    if errors:
        raise ValidationError(errors)
    return lines


@transaction.atomic
def accept_report(
    *,
    key: ApiKey,
    service_code: str,
    lat=None,
    lng=None,
    address: str = "",
    description: str = "",
    media_url: str = "",
    attributes: dict | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> Submission:
    """Check an Open311 report and accept it: a Submission with a token, registered as a case by
    a task right after the commit (`register`); the token tells the client its id once it has one."""
    service = selectors.public_service(service_code)
    grid = locate(key=key, lat=lat, lng=lng, address=address)
    lines = _answers(service, attributes or {})
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError({"media_url": _("图片链接须是 http 或 https 地址。")}) from None
    try:
        reporter_phone = normalize_phone(reporter_phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    text = (description or "").strip() or service.category.name
    if len(text) > 4000:
        raise ValidationError({"description": _("描述不能超过 4000 个字符。")})
    if lines:
        text += "\n" + _("补充信息：") + "；".join(lines)
    submission = Submission.objects.create(
        key=key,
        channel=Channel.OPEN311,
        token=uuid.uuid4(),
        media_url=media_url,
        payload={
            "category": service.category_id,
            "grid": grid.id,
            "lat": lat,
            "lng": lng,
            "address": (address or "").strip()[:200],
            "description": text,
            "reporter_name": (reporter_name or "").strip()[:50],
            "reporter_phone": reporter_phone or "",
        },
    )
    outbox.enqueue(tasks.register_submission, submission.pk)
    return submission


def _submit(submission: Submission):
    data = submission.payload
    return intake.submit_report(
        reporter=None,
        submitted_by=submission.key.account,
        source=submission.key.source,
        category=Category.objects.get(pk=data["category"]),
        description=data["description"],
        lat=data["lat"],
        lng=data["lng"],
        grid_id=data["grid"],
        address=data["address"],
        reporter_name=data["reporter_name"],
        reporter_phone=data["reporter_phone"],
    )


def register(submission_id: int) -> Submission:
    """Register an accepted report as a case (the task's body; once, however often it runs)."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("key__account").get(pk=submission_id)
        if submission.state != SubmissionState.ACCEPTED:
            return submission
        try:
            with transaction.atomic():
                submission.case = _submit(submission)
                submission.state = SubmissionState.REGISTERED
        except (ValidationError, Http404) as error:  # the catalogue or the map changed since acceptance
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            submission.state, submission.failure = SubmissionState.FAILED, "；".join(messages)[:500]
        submission.save(update_fields=["case", "state", "failure"])
        return submission


# ---- 12345 hotline ------------------------------------------------------------------------------


class DuplicateOrder(Exception):
    """The hotline sent an order number again under another Idempotency-Key (409)."""

    def __init__(self, submission: Submission):
        super().__init__(submission.external_number)
        self.submission = submission


def _take_order(*, key: ApiKey, number: str, category_code: str, description: str, grid: Area, data) -> Submission:
    category = Category.objects.filter(code=category_code, is_active=True, parent__isnull=False).first()
    if category is None:
        raise ValidationError({"category": _("请选择有效的二级分类。")})
    existing = Submission.objects.filter(key=key, external_number=number).first()
    if existing is not None:
        raise DuplicateOrder(existing)
    submission = Submission(
        key=key,
        channel=Channel.HOTLINE,
        token=uuid.uuid4(),
        external_number=number,
        state=SubmissionState.REGISTERED,
        payload={"received_at": data.get("received_at")},
    )
    submission.case = intake.submit_report(
        reporter=None,
        submitted_by=key.account,
        source=key.source,
        category=category,
        description=description,
        lat=data.get("lat"),
        lng=data.get("lng"),
        crs=data.get("crs") or "WGS84",
        grid_id=grid.id,
        address=data.get("address", ""),
        reporter_name=data.get("caller_name", ""),
        reporter_phone=data.get("caller_phone", ""),
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # the same order number under another key at the same moment
        raise DuplicateOrder(Submission.objects.get(key=key, external_number=number)) from None
    return submission


def take_order(*, request, key: ApiKey, data) -> tuple[Submission, bool]:
    """A 12345 work order (工单) as a case, idempotent like the app's intake (governance.idempotency:
    the Idempotency-Key header, scoped to the key's account). Returns (submission, created)."""
    number = data["order_number"].strip()

    def run():
        grid = locate(
            key=key,
            lat=data.get("lat"),
            lng=data.get("lng"),
            crs=data.get("crs") or "WGS84",
            address=data.get("address", ""),
            grid_code=data.get("grid", ""),
        )
        return _take_order(
            key=key,
            number=number,
            category_code=data["category"],
            description=data["description"],
            grid=grid,
            data=data,
        )

    return idempotency.once(
        user=key.account,
        scope=HOTLINE_SCOPE,
        key=request.headers.get(idempotency.HEADER, ""),
        payload=idempotency.request_payload(request),
        run=run,
        model=Submission,
    )


# ---- webhooks -----------------------------------------------------------------------------------

KINDS = dict(events.KINDS)
SECRET_MIN, SECRET_MAX = 16, 128


def _check_target(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"target_url": _("推送地址须是 http 或 https 地址。")}) from None
    if "@" in url.split("://", 1)[1].split("/", 1)[0]:
        raise ValidationError({"target_url": _("推送地址不能含用户名或密码，请用签名密钥验证来源。")})
    if len(url) > 500:
        raise ValidationError({"target_url": _("推送地址不能超过 500 个字符。")})
    return url


@transaction.atomic
def create_subscription(
    *, name: str, target_url: str, kinds, areas, actor, secret: str = "", key: ApiKey | None = None
) -> tuple[Subscription, str]:
    """Make a webhook subscription; returns it and its secret (the one given, or a new random
    one), which is shown once and stored only encrypted."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写名称。")
    try:
        target_url = _check_target(target_url)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not kinds or any(k not in KINDS for k in kinds):
        errors["kinds"] = _("请至少选择一种事件类型。")
    if not areas:
        errors["areas"] = _("请至少选择一个区域。")
    elif any(area.level == AreaLevel.MICRO_GRID for area in areas):
        errors["areas"] = _("区域须是县、乡镇、村（社区）或基础网格；事件不记录微网格。")
    elif key is not None and any(not keys.covers(key, area) for area in areas):
        errors["areas"] = _("区域须在接口密钥的区域之内。")
    secret = (secret or "").strip()
    if secret and not (SECRET_MIN <= len(secret) <= SECRET_MAX):
        errors["secret"] = _("签名密钥须为 %(min)d 到 %(max)d 个字符；留空则由平台生成。") % {
            "min": SECRET_MIN,
            "max": SECRET_MAX,
        }
    if key is not None and key.revoked_at is not None:
        errors["key"] = _("接口密钥已吊销。")
    if errors:
        raise ValidationError(errors)
    secret = secret or webhooks.make_secret()
    subscription = Subscription.objects.create(
        name=name.strip(),
        key=key,
        target_url=target_url,
        secret_encrypted=webhooks.seal(secret),
        kinds=[k for k in KINDS if k in set(kinds)],
        created_by=actor,
    )
    subscription.areas.set(areas)
    return subscription, secret


@transaction.atomic
def set_subscription_active(*, subscription: Subscription, active: bool, actor) -> Subscription:
    """Switch a subscription on or off; off, its pending deliveries fail at their next attempt."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_active != active:
        subscription.is_active = active
        subscription.save(update_fields=["is_active"])
    return subscription


@transaction.atomic
def replay_delivery(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery once more (the same body and X-GG-Delivery id, a new timestamp and
    signature), by the task after the commit; the attempt is logged with the admin's name."""
    outbox.enqueue(tasks.deliver_webhook, delivery.pk, replayed_by=actor.pk)
    return delivery
