"""Every change to a case after intake: one function per action, each one transaction through
the workflow mechanism (lock, version check, table, scope, change, event, notify on commit)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.notifications import notify
from governance.workflow import lock, perform

from . import events, response
from .attachments import link_to_event, store
from .constants import CaseStatus, Outcome, Phase, UnitKind, UrgeGrade
from .deadlines import stage_times
from .escalation import one_level_up
from .models import Case, CaseEvent, Unit
from .units import COMMAND_ROLES, UNIT_ROLES, centre_of, people_of
from .workflow import CASE_WORKFLOW, sees

_URGE_ORDER = [UrgeGrade.NORMAL, UrgeGrade.YELLOW, UrgeGrade.RED]


UNIT_ROLES_ORDER = [r for roles in UNIT_ROLES.values() for r in roles]


def _actor_role(actor) -> str:
    roles = actor.role_names()
    return next((r for r in UNIT_ROLES_ORDER if r in roles), "superuser" if actor.is_superuser else "")


def case_queryset():
    return Case.objects.select_related("handling_unit__area", "dispatcher_unit__area", "category")


def record_event(case, transition, from_state, note, *, actor, unit=None, data=None, attachments=()):
    event = CaseEvent.of_transition(
        case,
        transition,
        from_state,
        note,
        actor=actor,
        actor_role=_actor_role(actor) if actor else "",
        actor_unit=_actor_unit_name(actor, case),
        unit=unit,
        data=data,
    )
    if attachments:
        link_to_event(attachments, event)
    events.announce([event])
    return event


def _actor_unit_name(actor, case) -> str:
    if actor is None:
        return _("系统")
    if case.handling_unit_id and actor.pk and set(UNIT_ROLES[case.handling_unit.kind]) & actor.role_names():
        return case.handling_unit.name
    if set(COMMAND_ROLES) & actor.role_names():
        return _("指挥中心")
    return ""


def _notify_unit(kind: str, title_format: str):
    def send(case, event):
        notify(
            people_of(case.handling_unit),
            kind=kind,
            title=title_format % {"number": case.number},
            body=event.note,
            link=f"/cases/{case.pk}/",
        )

    return send


def _notify_people(kind: str, title_format: str, people):
    def send(case, event):
        notify(
            people(case),
            kind=kind,
            title=title_format % {"number": case.number},
            body=event.note,
            link=f"/cases/{case.pk}/",
        )

    return send


def _centre_people(case):
    return people_of(centre_of(case.county_id))


def act(
    action: str,
    *,
    case_id: int,
    actor,
    version: int | None = None,
    note: str = "",
    apply=None,
    unit=None,
    data=None,
    attachments=(),
    after_commit=(),
):
    """Run one workflow action on a case (the shared path every action below takes)."""
    return perform(
        workflow=CASE_WORKFLOW,
        queryset=case_queryset(),
        pk=case_id,
        action=action,
        actor=actor,
        visible=sees,
        expected_version=version,
        note=note,
        apply=apply,
        record=lambda case, t, from_state, n: record_event(
            case, t, from_state, n, actor=actor, unit=unit, data=data, attachments=attachments
        ),
        after_commit=after_commit,
    )


def _locked(case_id):
    """The case row, locked for the rest of the transaction: a branch chosen on it still holds
    when `perform` runs (None when there is no such case; `perform` then answers 404)."""
    return lock(case_queryset(), case_id)


def _start_clock(case, phase: str, start: dt.datetime | None = None):
    start = start or timezone.now()
    case.phase = phase
    case.warn_at, case.due_at = stage_times(case.category, case.handling_unit.kind, phase, start, case.county_id)


def _stop_clock(case):
    case.phase, case.warn_at, case.due_at = "", None, None


def _check_unit_for_case(unit: Unit, case: Case, kinds=None):
    if unit is None:
        raise ValidationError({"unit": _("请选择处置单位。")})
    if kinds and unit.kind not in kinds:
        raise ValidationError({"unit": _("该单位类型不能接收此操作。")})
    if unit.kind in (UnitKind.TOWNSHIP, UnitKind.VILLAGE):
        own = case.township_id if unit.kind == UnitKind.TOWNSHIP else case.village_id
        if unit.area_id != own:
            raise ValidationError({"unit": _("只能派给事件所在的乡镇或村。")})


# --- registration -------------------------------------------------------------------------


def register(*, case_id, actor, version=None, note=""):
    def apply(case, t):
        response.pushed(case.pk)  # an urgent case is with the centre (115)

    return act("register", case_id=case_id, actor=actor, version=version, note=note, apply=apply)


def reject(*, case_id, actor, note, version=None):
    return act("reject", case_id=case_id, actor=actor, version=version, note=note)


def merge(*, case_id, actor, original: Case, version=None, note=""):
    """Close a duplicate report, pointing at the original (its reporter stays on record)."""

    def apply(case, t):
        if not sees(actor, original):  # out of scope reads as missing, before anything about it is said
            raise ValidationError({"original": _("原事件不存在。")})
        if original.pk == case.pk or original.status in (CaseStatus.REJECTED,) or original.duplicate_of_id:
            raise ValidationError({"original": _("请选择另一件有效的原事件。")})
        case.duplicate_of = original
        case.closed_at = timezone.now()
        _stop_clock(case)

    return act(
        "merge",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"original": original.number},
    )


# --- dispatch and sign-for -------------------------------------------------------------------


def dispatch(*, case_id, actor, unit: Unit, version=None, note=""):
    def apply(case, t):
        _check_unit_for_case(unit, case)
        case.handling_unit, case.dispatcher_unit = unit, None
        case.dispatched_at = timezone.now()
        _start_clock(case, Phase.SIGN, case.dispatched_at)
        response.dispatched(case.pk, unit, case.dispatched_at)

    return act(
        "dispatch",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        unit=unit,
        after_commit=[_notify_unit("dispatched", _("新派遣事件 %(number)s"))],
    )


def arrive(*, case_id, actor, lat=None, lng=None, accuracy=None, version=None, note=""):
    """到场确认 (115): the team is on site; the phone's position goes on the timeline where given."""
    at = timezone.now()
    where = {"lat": lat, "lng": lng, "accuracy": accuracy} if lat is not None and lng is not None else {}

    def apply(case, t):
        response.arrived(case, actor=actor, at=at, **where)

    return act(
        "arrive",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"arrived_at": at.isoformat(), **where},
        after_commit=[_notify_people("arrived", _("事件 %(number)s 处置人员已到场"), _centre_people)],
    )


def accept(*, case_id, actor, version=None, note=""):
    def apply(case, t):
        _start_clock(case, Phase.HANDLE, case.dispatched_at)  # the handling clock runs from dispatch

    return act("accept", case_id=case_id, actor=actor, version=version, note=note, apply=apply)


@transaction.atomic
def return_case(*, case_id, actor, note, version=None):
    """退回: not ours. From the centre's dispatch back to the centre; from a township's hand-down
    back to the township. The way back is chosen on the locked row."""
    case = _locked(case_id)
    if case is not None and case.dispatcher_unit_id and case.dispatcher_unit.kind == UnitKind.TOWNSHIP:

        def apply(c, t):
            c.handling_unit, c.dispatcher_unit = c.dispatcher_unit, None
            _start_clock(c, Phase.HANDLE, c.dispatched_at)

        return act(
            "return_to_township",
            case_id=case_id,
            actor=actor,
            version=version,
            note=note,
            apply=apply,
            after_commit=[_notify_unit("returned", _("事件 %(number)s 被退回"))],
        )

    def apply(c, t):
        _stop_clock(c)

    return act(
        "return",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        after_commit=[_notify_people("returned", _("事件 %(number)s 被退回"), _centre_people)],
    )


def start(*, case_id, actor, version=None, note=""):
    return act("start", case_id=case_id, actor=actor, version=version, note=note)


def hand_down(*, case_id, actor, unit: Unit, version=None, note=""):
    """下派: a township sends its case to one of its villages."""

    def apply(case, t):
        _check_unit_for_case(unit, case, kinds=(UnitKind.VILLAGE,))
        case.dispatcher_unit, case.handling_unit = case.handling_unit, unit
        case.dispatched_at = timezone.now()
        _start_clock(case, Phase.SIGN, case.dispatched_at)

    return act(
        "hand_down",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        unit=unit,
        after_commit=[_notify_unit("dispatched", _("乡镇下派事件 %(number)s"))],
    )


@transaction.atomic
def escalate(*, case_id, actor, note, version=None):
    """上报: a village passes the case to its township; a township or department to the centre
    (incidents/escalation.py, the rule 日清 applies too). The way up is chosen on the locked row."""
    case = _locked(case_id)
    village = case is not None and case.handling_unit_id and case.handling_unit.kind == UnitKind.VILLAGE

    def apply(c, t):
        township = Unit.objects.filter(kind=UnitKind.TOWNSHIP, area_id=c.township_id).first() if village else None
        step = one_level_up(c, at=timezone.now(), township_unit=township)
        if step is None:
            raise ValidationError({"unit": _("所在乡镇没有处置单位。")})
        for name, value in step[1].items():
            setattr(c, name, value)

    if village:
        return act(
            "escalate_to_township",
            case_id=case_id,
            actor=actor,
            version=version,
            note=note,
            apply=apply,
            after_commit=[_notify_unit("dispatched", _("村级上报事件 %(number)s"))],
        )
    return act(
        "escalate_to_centre",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        after_commit=[_notify_people("escalated", _("事件 %(number)s 上报指挥中心"), _centre_people)],
    )


# --- disposal, verification, closure ---------------------------------------------------------


def dispose(*, case_id, actor, result: str, outcome: str = Outcome.RESOLVED, uploads=(), version=None, note=""):
    """处置反馈: result, outcome (mediation is a kind of disposal) and photo evidence."""
    stored = []

    def apply(case, t):
        errors = {}
        if not (result or "").strip():
            errors["result"] = _("请填写处置情况。")
        if outcome not in Outcome.values:
            errors["outcome"] = _("处置结果无效。")
        if errors:
            raise ValidationError(errors)
        case.result, case.outcome = result.strip(), outcome
        case.closed_on_time = case.due_at is None or timezone.now() <= case.due_at  # handled within the limit
        stored.extend(store(case=case, uploads=uploads, user=actor))
        _start_clock(case, Phase.VERIFY)

    return act(
        "dispose",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note or result,
        apply=apply,
        attachments=stored,
        data={"outcome": outcome},
    )


def verify(*, case_id, actor, version=None, note=""):
    return act(
        "verify", case_id=case_id, actor=actor, version=version, note=note, apply=lambda case, t: _stop_clock(case)
    )


def rework(*, case_id, actor, note, version=None):
    def apply(case, t):
        case.rework_count += 1
        _start_clock(case, Phase.HANDLE)

    return act(
        "rework",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        after_commit=[_notify_unit("rework", _("事件 %(number)s 核查未通过，需返工"))],
    )


def close(*, case_id, actor, version=None, note=""):
    def apply(case, t):
        case.closed_at = timezone.now()

    return act("close", case_id=case_id, actor=actor, version=version, note=note, apply=apply)


# --- actions that record and notify without moving the case -----------------------------------


def urge(*, case_id, actor, note="", grade: str = UrgeGrade.NORMAL, version=None):
    def apply(case, t):
        if grade not in UrgeGrade.values:
            raise ValidationError({"grade": _("督办等级无效。")})
        case.urge_count += 1
        current = _URGE_ORDER.index(case.top_urge_grade) if case.top_urge_grade else -1
        if _URGE_ORDER.index(grade) > current:
            case.top_urge_grade = grade

    return act(
        "urge",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"grade": grade},
        after_commit=[_notify_unit("urged", _("事件 %(number)s 被督办"))],
    )


def comment(*, case_id, actor, note, version=None):
    return act("comment", case_id=case_id, actor=actor, version=version, note=note)


def request_extension(*, case_id, actor, note, until: dt.datetime, version=None):
    def apply(case, t):
        if case.pending_extension_until:
            raise ValidationError({"until": _("已有待审批的延期申请。")})
        if until is None or (case.due_at and until <= case.due_at) or until <= timezone.now():
            raise ValidationError({"until": _("新的截止时间必须晚于当前截止时间。")})
        case.pending_extension_until = until

    return act(
        "request_extension",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"until": until.isoformat() if until else None},
    )


def decide_extension(*, case_id, actor, approve: bool, note="", version=None):
    def apply(case, t):
        if not case.pending_extension_until:
            raise ValidationError({"approve": _("没有待审批的延期申请。")})
        if approve:
            case.due_at = case.pending_extension_until
            case.warn_at = None
        case.pending_extension_until = None

    return act(
        "decide_extension",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"approved": bool(approve)},
        after_commit=[_notify_unit("extension", _("事件 %(number)s 的延期申请已审批"))],
    )


def postpone(*, case_id, actor, note, version=None):
    def apply(case, t):
        case.is_postponed = True
        _stop_clock(case)

    return act("postpone", case_id=case_id, actor=actor, version=version, note=note, apply=apply)


def callback(*, case_id, actor, satisfaction: int, note="", version=None):
    def apply(case, t):
        if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
            raise ValidationError({"satisfaction": _("满意度须为 1 到 5 的整数。")})
        case.satisfaction = satisfaction

    return act(
        "callback",
        case_id=case_id,
        actor=actor,
        version=version,
        note=note,
        apply=apply,
        data={"satisfaction": satisfaction},
    )
