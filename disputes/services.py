"""Every write of mediation: bodies and mediators, opening a mediation on a dispute case, then
moving it only through its workflow table (governance.workflow.perform: row lock, version check
→ 409, table, scope, change, append-only event, notify on commit) — sessions, agreement or
failure, referral, judicial confirmation, follow-up visits, and escalation one level up."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.attachments import prepare as prepare_upload
from governance.notifications import notify
from governance.phones import normalize_phone
from governance.roles import Role
from governance.workflow import perform
from grids.levels import AreaLevel
from grids.models import Area
from incidents import selectors as incident_selectors
from incidents import services as incident_services
from incidents.constants import FINAL_STATES, Outcome
from incidents.models import Case
from incidents.workflow import CASE_WORKFLOW

from .constants import BodyKind, BodyLevel, Difficulty, MediationStatus, PartySide, ReferredTo, level_above
from .models import FollowUp, Mediation, MediationBody, MediationEvent, MediationParty, MediationSession, Mediator
from .workflow import MEDIATION_WORKFLOW, OPEN, acts_at_level, sees_mediation

# --- bodies and mediators --------------------------------------------------------------------

BODY_LEVEL = {
    AreaLevel.VILLAGE: BodyLevel.VILLAGE,
    AreaLevel.TOWNSHIP: BodyLevel.TOWNSHIP,
    AreaLevel.COUNTY: BodyLevel.COUNTY,
}


def create_body(*, kind: str, name: str, area, address: str = "") -> MediationBody:
    """A mediation body serving `area` (a village, a township or the county)."""
    errors = {}
    if kind not in BodyKind.values:
        errors["kind"] = [_("调解组织类型无效。")]
    if not (name or "").strip():
        errors["name"] = [_("请填写名称。")]
    if area.level not in BODY_LEVEL:
        errors["area"] = [_("调解组织只能设在村（社区）、乡镇或县。")]
    if errors:
        raise ValidationError(errors)
    ancestors = {a.level: a for a in Area.objects.get_ancestors(area)} | {area.level: area}
    return MediationBody.objects.create(
        kind=kind,
        level=BODY_LEVEL[area.level],
        name=name.strip(),
        county=ancestors[AreaLevel.COUNTY],
        township=ancestors.get(AreaLevel.TOWNSHIP),
        village=ancestors.get(AreaLevel.VILLAGE),
        address=(address or "").strip(),
    )


def add_mediator(*, body: MediationBody, name: str, phone: str = "", user=None) -> Mediator:
    if not (name or "").strip():
        raise ValidationError({"name": [_("请填写调解员姓名。")]})
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    return Mediator.objects.create(body=body, name=name.strip(), phone=phone, user=user)


# --- which cases and bodies ------------------------------------------------------------------


def is_dispute(category) -> bool:
    """A dispute category (矛盾纠纷 and its children, settings.DISPUTE_CATEGORY_CODES)."""
    codes = set(settings.DISPUTE_CATEGORY_CODES)
    return category.code in codes or (category.parent_id is not None and category.parent.code in codes)


def serves(body: MediationBody, case) -> bool:
    """A body takes the cases of its own village, township or county."""
    own = {BodyLevel.VILLAGE: case.village_id, BodyLevel.TOWNSHIP: case.township_id, BodyLevel.COUNTY: case.county_id}
    return body.is_active and getattr(body, f"{body.level}_id") == own[body.level]


def bodies_serving(case, level: str | None = None):
    """The active bodies that may mediate `case` (its village's, its township's, the county's)."""
    q = (
        Q(level=BodyLevel.VILLAGE, village_id=case.village_id)
        | Q(level=BodyLevel.TOWNSHIP, township_id=case.township_id)
        | Q(level=BodyLevel.COUNTY, county_id=case.county_id)
    )
    qs = MediationBody.objects.filter(q, is_active=True)
    return qs.filter(level=level) if level else qs


# --- the timeline ----------------------------------------------------------------------------

ROLE_ORDER = [
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_HEAD,
    Role.GRID_POLICE,
    Role.GRID_LEADER,
    Role.COMMAND_OPERATOR,
    Role.COMMAND_LEADER,
    Role.GRID_WORKER,
    Role.ADMIN,
]


def actor_role(actor) -> str:
    if actor is None:
        return ""
    roles = actor.role_names()
    return next((r for r in ROLE_ORDER if r in roles), "superuser" if actor.is_superuser else "")


def record_event(mediation, transition, from_state, note, *, actor, data=None) -> MediationEvent:
    return MediationEvent.of_transition(
        mediation,
        transition,
        from_state,
        note,
        actor=actor,
        actor_role=actor_role(actor),
        actor_unit=mediation.body.name,
        data=data,
    )


def mediation_queryset():
    return Mediation.objects.select_related("body", "case__category", "township", "village")


def _notify(title_format: str, people):
    def send(mediation, event):
        notify(
            people(mediation),
            kind="mediation",
            title=title_format % {"number": mediation.number},
            body=event.note,
            link=f"/disputes/mediations/{mediation.pk}/",
        )

    return send


def _body_people(mediation):
    """Who hears about a body's mediation: its mediators' accounts."""
    from governance.models import User

    return User.objects.filter(mediator_roles__body_id=mediation.body_id, is_active=True).distinct()


# --- opening ---------------------------------------------------------------------------------


def _parties(raw) -> list[MediationParty]:
    parties, errors = [], {}
    for i, p in enumerate(raw or []):
        name = (p.get("name") or "").strip()
        side = p.get("side") or PartySide.APPLICANT
        if not name:
            errors[f"parties[{i}]"] = [_("请填写当事人姓名。")]
            continue
        if side not in PartySide.values:
            errors[f"parties[{i}]"] = [_("当事人身份无效。")]
            continue
        try:
            phone = normalize_phone(p.get("phone", ""))
        except ValidationError as exc:
            errors[f"parties[{i}]"] = exc.messages
            continue
        parties.append(MediationParty(name=name, side=side, phone=phone, address=(p.get("address") or "").strip()))
    if not parties and not errors:
        errors["parties"] = [_("请至少登记一位当事人。")]
    if errors:
        raise ValidationError(errors)
    return parties


def _mediators_of(body, mediator_ids) -> list[Mediator]:
    ids = {int(i) for i in mediator_ids or []}
    found = list(Mediator.objects.filter(body=body, is_active=True, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"mediators": [_("调解员须是该调解组织的在任调解员。")]})
    return found


def _create(*, case, body, mediators, matter, difficulty, parties, actor, escalated_from=None) -> Mediation:
    try:
        with transaction.atomic():
            mediation = Mediation.objects.create(
                number=f"T{timezone.now():%H%M%S%f}{case.pk}",  # the final number needs the id
                case=case,
                body=body,
                level=body.level,
                difficulty=difficulty,
                county_id=case.county_id,
                township_id=case.township_id,
                village_id=case.village_id,
                grid_id=case.grid_id,
                matter=matter,
                escalated_from=escalated_from,
                created_by=actor,
                created_at=timezone.now(),
            )
    except IntegrityError:  # opened concurrently since the check
        raise ValidationError({"case": [_("该事件已有正在进行的调解。")]}) from None
    mediation.number = f"TJ{timezone.localdate():%Y}{mediation.pk:07d}"
    mediation.save(update_fields=["number"])
    mediation.mediators.set(mediators)
    for party in parties:
        party.mediation = mediation
    MediationParty.objects.bulk_create(parties)
    data = {"body": body.name, "escalated_from": escalated_from.number if escalated_from else None}
    record_event(mediation, OPEN, "", matter, actor=actor, data=data)
    return mediation


@transaction.atomic
def open_mediation(
    *, actor, case_id: int, body_id: int, mediator_ids, matter: str, parties, difficulty: str = Difficulty.ORDINARY
) -> Mediation:
    """受理调解: a dispute case is taken up by a body that serves its place, with its parties and
    mediators. One current mediation per case (escalated ones stay behind it)."""
    case = incident_selectors.cases_for(actor).filter(pk=case_id).first()
    if case is None:
        raise Http404
    case = Case.objects.select_for_update(of=("self",)).select_related("category__parent").get(pk=case.pk)
    body = MediationBody.objects.filter(pk=body_id).first() if body_id else None
    errors = {}
    if not is_dispute(case.category):
        errors["case"] = [_("只有矛盾纠纷类事件可以走调解程序。")]
    elif case.status in FINAL_STATES:
        errors["case"] = [_("该事件已结案或不予立案，不能再受理调解。")]
    elif Mediation.objects.filter(case=case).exclude(status=MediationStatus.ESCALATED).exists():
        errors["case"] = [_("该事件已有调解（见调解记录）。")]
    if body is None or not serves(body, case):
        errors["body"] = [_("请选择事件所在村、乡镇或本县的调解组织。")]
    if difficulty not in Difficulty.values:
        errors["difficulty"] = [_("难易程度无效。")]
    if not (matter or "").strip():
        errors["matter"] = [_("请填写纠纷事项。")]
    if errors:
        raise ValidationError(errors)
    own_body = Mediator.objects.filter(body=body, user=actor, is_active=True).exists()
    if not (own_body or acts_at_level(actor, body.level, case)):
        raise PermissionDenied(_("您不能为该调解组织受理调解。"))
    mediators = _mediators_of(body, mediator_ids)
    if not mediators:
        raise ValidationError({"mediators": [_("请至少选择一位调解员。")]})
    return _create(
        case=case,
        body=body,
        mediators=mediators,
        matter=matter.strip(),
        difficulty=difficulty,
        parties=_parties(parties),
        actor=actor,
    )


# --- the workflow ----------------------------------------------------------------------------


def act(action: str, *, mediation_id: int, actor, version=None, note: str = "", apply=None, data=None, after_commit=()):
    """Run one workflow action on a mediation (the one path every action below takes)."""
    return perform(
        workflow=MEDIATION_WORKFLOW,
        queryset=mediation_queryset(),
        pk=mediation_id,
        action=action,
        actor=actor,
        visible=sees_mediation,
        expected_version=version,
        note=note,
        apply=apply,
        record=lambda m, t, from_state, n: record_event(m, t, from_state, n, actor=actor, data=data),
        after_commit=after_commit,
    )


@transaction.atomic
def record_session(
    *,
    mediation_id: int,
    actor,
    held_on: dt.date,
    attendees: str,
    notes: str,
    mediator_ids,
    place: str = "",
    version=None,
):
    """一次调解: date, place, who attended, which mediators, what happened. The mediators join the
    mediation (an escalated mediation gets its mediators at its first session)."""
    chosen = []

    def apply(m, t):
        errors = {}
        if held_on is None or held_on > timezone.localdate():
            errors["held_on"] = [_("调解日期不能晚于今天。")]
        elif held_on < timezone.localdate(m.created_at):
            errors["held_on"] = [_("调解日期不能早于受理日期。")]
        if not (attendees or "").strip():
            errors["attendees"] = [_("请填写到场人员。")]
        if not (notes or "").strip():
            errors["notes"] = [_("请填写调解经过。")]
        if errors:
            raise ValidationError(errors)
        chosen.extend(_mediators_of(m.body, mediator_ids))
        if not chosen:
            raise ValidationError({"mediators": [_("请至少选择一位主持调解的调解员。")]})

    mediation, event = act(
        "session",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=notes,
        apply=apply,
        data={"held_on": held_on.isoformat() if held_on else None},
    )
    session = MediationSession.objects.create(
        mediation=mediation,
        event=event,
        held_on=held_on,
        place=(place or "").strip(),
        attendees=attendees.strip(),
        notes=notes.strip(),
    )
    session.mediators.set(chosen)
    mediation.mediators.add(*chosen)
    return mediation, event


def _dispose_case(mediation, actor, outcome: str, result: str) -> None:
    """The case follows its mediation's end: where the actor handles the case and may report its
    disposal now (处置反馈), it is disposed with the mediation's outcome, in the same transaction,
    and goes on to verification and closure in the incidents workflow."""
    case = incident_services.case_queryset().get(pk=mediation.case_id)
    if any(t.action == "dispose" for t in CASE_WORKFLOW.available(actor, case)):
        incident_services.dispose(case_id=case.pk, actor=actor, result=result, outcome=outcome)


def follow_up_days() -> list[int]:
    return sorted({int(d) for d in settings.MEDIATION_FOLLOW_UP_DAYS})


@transaction.atomic
def agree(*, mediation_id: int, actor, agreement_text: str = "", agreement_file=None, version=None, note: str = ""):
    """达成协议: the agreement's text or its scanned document (or both); the follow-up visits
    (常回访) are scheduled from today at settings.MEDIATION_FOLLOW_UP_DAYS."""
    today = timezone.localdate()

    def apply(m, t):
        text = (agreement_text or "").strip()
        if not text and not agreement_file:
            raise ValidationError({"agreement_text": [_("请填写协议内容或上传协议扫描件。")]})
        if agreement_file:
            try:
                content, content_type, _original, _size = prepare_upload(agreement_file)
            except ValidationError as exc:
                raise ValidationError({"agreement_file": exc.messages}) from None
            m.agreement_file, m.agreement_content_type = content, content_type
        m.agreement_text = text
        m.concluded_at = timezone.now()

    mediation, event = act(
        "agree",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"follow_ups": [(today + dt.timedelta(days=d)).isoformat() for d in follow_up_days()]},
    )
    FollowUp.objects.bulk_create(
        [FollowUp(mediation=mediation, due_on=today + dt.timedelta(days=d)) for d in follow_up_days()]
    )
    text = mediation.agreement_text or _("达成调解协议（见协议扫描件）")
    _dispose_case(
        mediation, actor, Outcome.MEDIATION_AGREED, _("调解 %(n)s：%(t)s") % {"n": mediation.number, "t": text}
    )
    return mediation, event


def _conclude(m, t):
    m.concluded_at = timezone.now()


def fail(*, mediation_id: int, actor, note: str, version=None):
    return act("fail", mediation_id=mediation_id, actor=actor, version=version, note=note, apply=_conclude)


@transaction.atomic
def refer(*, mediation_id: int, actor, referred_to: str, note: str, version=None):
    """引导诉讼/仲裁: the parties are shown the way to a court or an arbitration committee."""

    def apply(m, t):
        if referred_to not in ReferredTo.values:
            raise ValidationError({"referred_to": [_("请选择引导至法院或仲裁委员会。")]})
        m.referred_to = referred_to
        _conclude(m, t)

    mediation, event = act(
        "refer",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"referred_to": referred_to},
    )
    where = ReferredTo(referred_to).label
    _dispose_case(
        mediation, actor, Outcome.MEDIATION_FAILED, _("调解未成，引导至%(w)s：%(n)s") % {"w": where, "n": note}
    )
    return mediation, event


def confirm(*, mediation_id: int, actor, confirmed_on: dt.date, court: str, version=None, note: str = ""):
    """司法确认: the court's confirmation of the agreement (date and court), recorded once."""

    def apply(m, t):
        errors = {}
        if m.confirmed_on is not None:
            errors["confirmed_on"] = [_("该协议已经司法确认。")]
        elif confirmed_on is None or confirmed_on > timezone.localdate():
            errors["confirmed_on"] = [_("确认日期不能晚于今天。")]
        elif confirmed_on < timezone.localdate(m.concluded_at):
            errors["confirmed_on"] = [_("确认日期不能早于达成协议的日期。")]
        if not (court or "").strip():
            errors["court"] = [_("请填写作出确认的法院。")]
        if errors:
            raise ValidationError(errors)
        m.confirmed_on, m.confirmed_by_court = confirmed_on, court.strip()

    return act(
        "confirm",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"confirmed_on": confirmed_on.isoformat() if confirmed_on else None, "court": (court or "").strip()},
    )


@transaction.atomic
def record_follow_up(
    *, mediation_id: int, follow_up_id: int, actor, finding: str, done_on: dt.date | None = None, version=None
):
    """回访: one scheduled visit done — what was found (is the agreement kept?)."""
    done_on = done_on or timezone.localdate()
    visit = None

    def apply(m, t):
        nonlocal visit
        visit = FollowUp.objects.select_for_update().filter(pk=follow_up_id, mediation_id=m.pk).first()
        if visit is None:
            raise ValidationError({"follow_up": [_("该回访计划不存在。")]})
        if visit.done_on is not None:
            raise ValidationError({"follow_up": [_("该次回访已经记录。")]})
        if done_on > timezone.localdate() or done_on < timezone.localdate(m.concluded_at):
            raise ValidationError({"done_on": [_("回访日期须在达成协议之后、不晚于今天。")]})

    mediation, event = act(
        "follow_up",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=finding,
        apply=apply,
        data={"follow_up": follow_up_id, "done_on": done_on.isoformat()},
    )
    FollowUp.objects.filter(pk=visit.pk).update(done_on=done_on, done_by=actor, finding=finding.strip(), event=event)
    return mediation, event


def _upper_people(level: str, mediation):
    """Who hears of a mediation passed up: the township's officers on duty, or the centre."""
    from governance.models import User
    from grids.models import Assignment

    if level == BodyLevel.TOWNSHIP:
        ids = Assignment.objects.filter(
            area_id=mediation.township_id, role=Role.TOWNSHIP_OFFICER, end_date__isnull=True
        ).values("user_id")
    else:
        ids = Assignment.objects.filter(
            area_id=mediation.county_id, role__in=[Role.COMMAND_OPERATOR, Role.COMMAND_LEADER], end_date__isnull=True
        ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


@transaction.atomic
def escalate(*, mediation_id: int, actor, body_id: int, note: str, version=None, mediator_ids=()):
    """移交上级调解: a failed mediation is passed to a body one level up in one action. The failed
    mediation keeps its sessions and timeline (状态“已移交上级”); the new one points back at it,
    takes over the parties, and the case itself goes up the incidents workflow too where the
    actor handles it there (village → township, township → command centre)."""
    body = MediationBody.objects.filter(pk=body_id).first() if body_id else None
    target = {}

    def apply(m, t):
        above = level_above(m.level)
        if body is None or body.level != above or not serves(body, m.case):
            raise ValidationError(
                {
                    "body": [
                        _("请选择上一级（%(level)s）的调解组织。") % {"level": BodyLevel(above).label if above else "—"}
                    ]
                }
            )
        target["mediators"] = _mediators_of(body, mediator_ids)

    old, event = act(
        "escalate",
        mediation_id=mediation_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"to_body": body.name if body else None},
    )
    parties = [MediationParty(name=p.name, side=p.side, phone=p.phone, address=p.address) for p in old.parties.all()]
    new = _create(
        case=old.case,
        body=body,
        mediators=target["mediators"],
        matter=old.matter,
        difficulty=old.difficulty,
        parties=parties,
        actor=actor,
        escalated_from=old,
    )
    case = incident_services.case_queryset().get(pk=old.case_id)
    moves = {t.action for t in CASE_WORKFLOW.available(actor, case)}
    if moves & {"escalate_to_township", "escalate_to_centre"}:
        incident_services.escalate(
            case_id=case.pk,
            actor=actor,
            note=_("调解不成，移交%(body)s：%(note)s") % {"body": body.name, "note": note.strip()},
        )
    transaction.on_commit(
        lambda: _notify(_("调解 %(number)s 由下级移交，请受理"), lambda m: _upper_people(body.level, m))(new, event)
    )
    return new, event


def comment(*, mediation_id: int, actor, note: str, version=None):
    return act("comment", mediation_id=mediation_id, actor=actor, version=version, note=note)
