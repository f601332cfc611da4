"""Every write of petitions (信访): filing (a case from the petition channel plus the petition
row, its petitioners and the repeat check), the owner leader (领导包案), reply, closing, and the
daily pass that puts long-unsolved petitions in the backlog (积案).

Repeat detection (重复信访): a new petition is a repeat of an earlier one when a petitioner has the
same ID number (compared by keyed hash) or the same phone, the category is the same, the place is
near (within settings.PETITION_REPEAT_RADIUS_METRES when both have coordinates, otherwise the same
village) and the earlier one was received within settings.PETITION_REPEAT_WINDOW_DAYS. It is
linked to the *first* petition of the chain, and that petition's owner is told.
"""

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from governance.phones import normalize_phone
from governance.roles import Role
from governance.workflow import perform
from grids.identity import id_number_digest, mask_id_number, parse_id_number
from grids.models import Assignment
from grids.scoping import VIEW, in_scope
from incidents import intake
from incidents.constants import Source

from .constants import Channel, PetitionStatus
from .models import Petition, Petitioner, PetitionEvent
from .services import actor_role
from .workflow import ENTER_BACKLOG, FILE, PETITION_FILERS, PETITION_WORKFLOW, sees_petition

OWNER_ROLES = (Role.COMMAND_LEADER, Role.TOWNSHIP_OFFICER)


def record_event(petition, transition, from_state, note, *, actor, data=None) -> PetitionEvent:
    return PetitionEvent.of_transition(
        petition, transition, from_state, note, actor=actor, actor_role=actor_role(actor), data=data
    )


def _petitioners(raw) -> list[Petitioner]:
    rows, errors = [], {}
    for i, p in enumerate(raw or []):
        key = f"petitioners[{i}]"
        name = (p.get("name") or "").strip()
        if not name:
            errors[key] = [_("请填写信访人姓名。")]
            continue
        digest = masked = ""
        if (p.get("id_number") or "").strip():
            try:
                number = parse_id_number(p["id_number"]).value
            except ValidationError as exc:
                errors[key] = exc.messages
                continue
            digest, masked = id_number_digest(number), mask_id_number(number)
        try:
            phone = normalize_phone(p.get("phone", ""))
        except ValidationError as exc:
            errors[key] = exc.messages
            continue
        if not digest and not phone:
            errors[key] = [_("请填写信访人的身份证号或电话（用于识别重复信访）。")]
            continue
        rows.append(Petitioner(name=name, id_digest=digest, id_masked=masked, phone=phone))
    if not rows and not errors:
        errors["petitioners"] = [_("请至少登记一位信访人。")]
    if errors:
        raise ValidationError(errors)
    return rows


def distance_metres(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine)."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _near(earlier: Petition, *, lat, lng, village_id) -> bool:
    if None not in (earlier.lat, earlier.lng, lat, lng):
        return distance_metres(earlier.lat, earlier.lng, lat, lng) <= settings.PETITION_REPEAT_RADIUS_METRES
    return earlier.village_id == village_id


def find_first(*, category_id, petitioners, lat, lng, village_id, at) -> Petition | None:
    """The first petition of the matter this one repeats, or None (see the module's rule)."""
    digests = {p.id_digest for p in petitioners if p.id_digest}
    phones = {p.phone for p in petitioners if p.phone}
    same_person = Petitioner.objects.filter(petition=OuterRef("pk")).filter(
        Q(id_digest__in=digests) | Q(phone__in=phones)
    )
    since = at - dt.timedelta(days=settings.PETITION_REPEAT_WINDOW_DAYS)
    candidates = (
        Petition.objects.filter(category_id=category_id, received_at__gte=since, received_at__lte=at)
        .filter(Exists(same_person))
        .only("id", "lat", "lng", "village_id", "first_petition_id")
        .order_by("received_at", "id")
    )
    for earlier in candidates[:100]:
        if _near(earlier, lat=lat, lng=lng, village_id=village_id):
            return Petition.objects.get(pk=earlier.first_petition_id or earlier.pk)
    return None


def _check_owner(owner, place) -> None:
    """An owner leader is a county leader or a township officer whose scope holds the petition."""
    if owner is None:
        return
    if not (set(OWNER_ROLES) & owner.role_names()) or not in_scope(owner, VIEW, place):
        raise ValidationError({"owner": [_("包案领导须是县领导或该乡镇的领导干部。")]})


def _tell_owner_of_repeat(petition: Petition):
    first = petition.first_petition
    people = [first.owner] if first.owner_id else list(_township_officers(first))
    notify(
        people,
        kind="petition",
        title=_("信访 %(first)s 有重复信访 %(number)s") % {"first": first.case.number, "number": petition.case.number},
        body=petition.case.description[:200],
        link=f"/disputes/petitions/{first.pk}/",
    )


def _township_officers(petition):
    from governance.models import User

    ids = Assignment.objects.filter(
        area_id=petition.township_id, role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


@transaction.atomic
def file_petition(
    *,
    actor,
    channel: str,
    category,
    description: str,
    petitioners,
    lat=None,
    lng=None,
    crs: str = "WGS84",
    grid_id=None,
    address: str = "",
    owner=None,
    reply_due_on: dt.date | None = None,
    on_behalf: bool = False,
) -> Petition:
    """登记信访: the matter becomes a case (source 信访) and a petition with its petitioners; a
    grid worker or village filing for the petitioner records it as 信访代办 (`on_behalf`)."""
    if not (actor.is_superuser or set(PETITION_FILERS) & actor.role_names()):
        raise PermissionDenied(_("您的角色不能登记信访。"))
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = [_("请选择信访渠道。")]
    today = timezone.localdate()
    if reply_due_on is not None and reply_due_on < today:
        errors["reply_due_on"] = [_("答复期限不能早于今天。")]
    try:
        rows = _petitioners(petitioners)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    first_name = rows[0].name
    case = intake.submit_report(
        reporter=actor,
        source=Source.PETITION,
        category=category,
        description=description,
        lat=lat,
        lng=lng,
        crs=crs,
        grid_id=grid_id,
        address=address,
        reporter_name=first_name,
        reporter_phone=rows[0].phone,
    )
    _check_owner(owner, case)
    now = case.created_at
    first = find_first(
        category_id=category.pk, petitioners=rows, lat=case.lat, lng=case.lng, village_id=case.village_id, at=now
    )
    petition = Petition.objects.create(
        case=case,
        channel=channel,
        category=category,
        county_id=case.county_id,
        township_id=case.township_id,
        village_id=case.village_id,
        grid_id=case.grid_id,
        lat=case.lat,
        lng=case.lng,
        received_at=now,
        first_petition=first,
        owner=owner,
        reply_due_on=reply_due_on or today + dt.timedelta(days=settings.PETITION_REPLY_DAYS),
        filed_by_agent=bool(on_behalf),
        agent=actor,
    )
    for row in rows:
        row.petition = petition
    Petitioner.objects.bulk_create(rows)
    record_event(
        petition,
        FILE,
        "",
        description.strip(),
        actor=actor,
        data={
            "channel": channel,
            "on_behalf": bool(on_behalf),
            "repeat_of": first.case.number if first else None,
            "owner": owner.pk if owner else None,
        },
    )
    if first is not None:
        transaction.on_commit(lambda: _tell_owner_of_repeat(petition))
    if owner is not None:
        transaction.on_commit(lambda: _tell_owner(petition, owner))
    return petition


def _tell_owner(petition, owner):
    notify(
        [owner],
        kind="petition",
        title=_("您包案的信访 %(number)s，%(due)s 前答复")
        % {"number": petition.case.number, "due": petition.reply_due_on},
        body=petition.case.description[:200],
        link=f"/disputes/petitions/{petition.pk}/",
    )


# --- the workflow ------------------------------------------------------------------------------


def petition_queryset():
    return Petition.objects.select_related("case", "owner", "township", "village", "first_petition__case")


def act(action: str, *, petition_id: int, actor, version=None, note: str = "", apply=None, data=None, after_commit=()):
    return perform(
        workflow=PETITION_WORKFLOW,
        queryset=petition_queryset(),
        pk=petition_id,
        action=action,
        actor=actor,
        visible=sees_petition,
        expected_version=version,
        note=note,
        apply=apply,
        record=lambda p, t, from_state, n: record_event(p, t, from_state, n, actor=actor, data=data),
        after_commit=after_commit,
    )


def assign_owner(*, petition_id: int, actor, owner, reply_due_on: dt.date | None = None, version=None, note=""):
    """领导包案: a leader answers for the petition, with the date the reply is due."""

    def apply(p, t):
        if owner is None:
            raise ValidationError({"owner": [_("请选择包案领导。")]})
        _check_owner(owner, p)
        if reply_due_on is not None:
            if reply_due_on < timezone.localdate(p.received_at):
                raise ValidationError({"reply_due_on": [_("答复期限不能早于受理日期。")]})
            p.reply_due_on = reply_due_on
        p.owner = owner

    return act(
        "assign_owner",
        petition_id=petition_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"owner": owner.pk if owner else None, "reply_due_on": reply_due_on.isoformat() if reply_due_on else None},
        after_commit=[lambda p, e: _tell_owner(p, owner)],
    )


def reply(*, petition_id: int, actor, reply_text: str, version=None, note=""):
    """答复: the written answer; on time when given by the reply date (local day)."""

    def apply(p, t):
        if not (reply_text or "").strip():
            raise ValidationError({"reply_text": [_("请填写答复意见。")]})
        p.reply_text, p.replied_at = reply_text.strip(), timezone.now()
        p.replied_on_time = timezone.localdate(p.replied_at) <= p.reply_due_on

    return act("reply", petition_id=petition_id, actor=actor, version=version, note=note or reply_text, apply=apply)


def resolve(*, petition_id: int, actor, version=None, note=""):
    def apply(p, t):
        p.resolved_at = timezone.now()

    return act("resolve", petition_id=petition_id, actor=actor, version=version, note=note, apply=apply)


def reopen(*, petition_id: int, actor, note: str, version=None):
    """The petitioner is not satisfied with the reply: back to work (the reply stays in the timeline)."""

    def apply(p, t):
        p.replied_at, p.replied_on_time = None, None

    return act("reopen", petition_id=petition_id, actor=actor, version=version, note=note, apply=apply)


def comment(*, petition_id: int, actor, note: str, version=None):
    return act("comment", petition_id=petition_id, actor=actor, version=version, note=note)


@transaction.atomic
def mark_backlog(*, today: dt.date | None = None) -> int:
    """积案: unresolved petitions received more than settings.PETITION_BACKLOG_DAYS ago enter the
    backlog, in one UPDATE and one bulk insert of their event rows (idempotent: a petition enters
    once)."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=settings.PETITION_BACKLOG_DAYS), dt.time.min)
    )
    due = Petition.objects.select_for_update(skip_locked=True).filter(
        backlog_since__isnull=True, status__in=(PetitionStatus.OPEN, PetitionStatus.REPLIED), received_at__lt=cutoff
    )
    rows = list(due.values_list("id", "status"))
    if not rows:
        return 0
    Petition.objects.filter(pk__in=[pk for pk, _s in rows]).update(backlog_since=today)
    PetitionEvent.objects.bulk_create(
        [
            PetitionEvent(
                petition_id=pk,
                action=ENTER_BACKLOG.action,
                action_label=str(ENTER_BACKLOG.label),
                from_state=status,
                to_state=status,
                actor=None,
                note=_("受理超过 %(days)d 天未办结") % {"days": settings.PETITION_BACKLOG_DAYS},
            )
            for pk, status in rows
        ]
    )
    return len(rows)


def owner_candidates(petition):
    """Who may own a petition: county leaders, and the officers of its township (for the form)."""
    from governance.models import User

    ids = (
        Assignment.objects.filter(end_date__isnull=True)
        .filter(
            Q(role=Role.COMMAND_LEADER, area_id=petition.county_id)
            | Q(role=Role.TOWNSHIP_OFFICER, area_id=petition.township_id)
        )
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")
