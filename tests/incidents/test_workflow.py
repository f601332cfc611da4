"""The closed loop through the services: every transition, who may take it, and the rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from incidents import services
from incidents.constants import CaseStatus as S
from incidents.models import CaseAttachment, CaseEvent
from incidents.workflow import CASE_WORKFLOW
from tests.factories import UserFactory
from tests.incidents.conftest import photo


def officer(loop, town="411425200"):
    return loop.world.officers[town]


def to_state(loop, case, state):
    """Drive a fresh case (HJ01 in 肖旗乡, routed to the township) to `state`."""
    steps = {
        S.REGISTERED: [lambda: services.register(case_id=case.pk, actor=loop.operator)],
        S.DISPATCHED: [lambda: services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)],
        S.ACCEPTED: [lambda: services.accept(case_id=case.pk, actor=officer(loop))],
        S.IN_PROGRESS: [lambda: services.start(case_id=case.pk, actor=officer(loop))],
        S.DISPOSED: [
            lambda: services.dispose(case_id=case.pk, actor=officer(loop), result="已清理", uploads=[photo()])
        ],
        S.VERIFIED: [lambda: services.verify(case_id=case.pk, actor=loop.operator)],
        S.CLOSED: [lambda: services.close(case_id=case.pk, actor=loop.operator)],
    }
    order = [S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.DISPOSED, S.VERIFIED, S.CLOSED]
    for s in order[: order.index(state) + 1]:
        for step in steps[s]:
            step()
    case.refresh_from_db()
    assert case.status == state
    return case


def test_full_loop_records_every_step(loop, report):
    case = to_state(loop, report(), S.CLOSED)
    events = list(case.events.select_related("actor"))
    assert [e.action for e in events] == [
        "report",
        "register",
        "dispatch",
        "accept",
        "start",
        "dispose",
        "verify",
        "close",
    ]
    assert [e.to_state for e in events] == [
        "reported",
        "registered",
        "dispatched",
        "accepted",
        "in_progress",
        "disposed",
        "verified",
        "closed",
    ]
    assert events[0].actor == loop.worker and events[3].actor == officer(loop)
    assert events[3].actor_unit == "肖旗乡综治中心" and events[2].actor_unit == "指挥中心"
    assert case.closed_at is not None and case.closed_on_time is True and case.version == 8
    assert CaseAttachment.objects.get(case=case).event == events[5]


def test_reject_needs_a_reason(loop, report):
    case = report()
    with pytest.raises(ValidationError) as exc:
        services.reject(case_id=case.pk, actor=loop.operator, note="  ")
    assert "不予立案原因" in exc.value.message_dict["note"][0]
    case.refresh_from_db()
    assert case.status == S.REPORTED and case.events.count() == 1
    services.reject(case_id=case.pk, actor=loop.operator, note="不属于受理范围")
    case.refresh_from_db()
    assert case.status == S.REJECTED


def test_return_needs_a_reason_and_goes_back_to_the_centre(loop, report):
    case = to_state(loop, report(), S.DISPATCHED)
    with pytest.raises(ValidationError):
        services.return_case(case_id=case.pk, actor=officer(loop), note="")
    services.return_case(case_id=case.pk, actor=officer(loop), note="不属于本乡职责")
    case.refresh_from_db()
    assert case.status == S.RETURNED and case.due_at is None
    # the centre re-dispatches to a department
    services.dispatch(case_id=case.pk, actor=loop.operator, unit=loop.unit("dept-urban"))
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.handling_unit.code == "dept-urban"


def test_hand_down_to_a_village_and_its_return_to_the_township(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    village_unit = loop.unit(f"area-{loop.world.villages['411425200'][0].code}")
    services.hand_down(case_id=case.pk, actor=officer(loop), unit=village_unit)
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.handling_unit == village_unit
    assert case.dispatcher_unit == loop.town_unit("411425200")
    head = loop.village_heads["411425200"]
    services.return_case(case_id=case.pk, actor=head, note="需要乡镇协调")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS and case.handling_unit == loop.town_unit("411425200")
    assert case.events.last().action == "return_to_township"


def test_hand_down_only_to_a_village_of_the_case(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    other = loop.unit(f"area-{loop.world.villages['411425100'][0].code}")
    with pytest.raises(ValidationError) as exc:
        services.hand_down(case_id=case.pk, actor=officer(loop), unit=other)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.hand_down(case_id=case.pk, actor=officer(loop), unit=loop.unit("dept-police"))


def test_village_escalates_to_township_and_township_to_centre(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    village_unit = loop.unit(f"area-{loop.world.villages['411425200'][0].code}")
    services.hand_down(case_id=case.pk, actor=officer(loop), unit=village_unit)
    head = loop.village_heads["411425200"]
    services.accept(case_id=case.pk, actor=head)
    with pytest.raises(ValidationError):
        services.escalate(case_id=case.pk, actor=head, note="")
    services.escalate(case_id=case.pk, actor=head, note="涉及多村")
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.handling_unit == loop.town_unit("411425200")
    services.accept(case_id=case.pk, actor=officer(loop))
    services.escalate(case_id=case.pk, actor=officer(loop), note="需县级部门处理")
    case.refresh_from_db()
    assert case.status == S.REGISTERED and case.handling_unit is None
    assert [e.action for e in case.events.all()][-2:] == ["accept", "escalate_to_centre"]


def test_failed_verification_is_rework_back_to_the_handler(loop, report):
    case = to_state(loop, report(), S.DISPOSED)
    with pytest.raises(ValidationError):
        services.rework(case_id=case.pk, actor=loop.operator, note="")
    services.rework(case_id=case.pk, actor=loop.operator, note="现场仍有堆物")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS and case.rework_count == 1 and case.phase == "handle"
    services.dispose(case_id=case.pk, actor=officer(loop), result="已彻底清理")
    services.verify(case_id=case.pk, actor=loop.operator)
    case.refresh_from_db()
    assert case.status == S.VERIFIED


def test_township_verifies_what_its_village_handled(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    village_unit = loop.unit(f"area-{loop.world.villages['411425200'][0].code}")
    services.hand_down(case_id=case.pk, actor=officer(loop), unit=village_unit)
    head = loop.village_heads["411425200"]
    services.accept(case_id=case.pk, actor=head)
    services.dispose(case_id=case.pk, actor=head, result="调解成功", outcome="mediation_agreed")
    services.verify(case_id=case.pk, actor=officer(loop))
    services.close(case_id=case.pk, actor=officer(loop))
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.outcome == "mediation_agreed"


def test_urge_comment_and_callback_do_not_move_the_case(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    services.urge(case_id=case.pk, actor=loop.operator, note="请加快", grade="yellow")
    services.urge(case_id=case.pk, actor=loop.operator, note="再催", grade="normal")
    services.comment(case_id=case.pk, actor=officer(loop), note="已联系当事人")
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.urge_count == 2 and case.top_urge_grade == "yellow"
    with pytest.raises(ValidationError):
        services.urge(case_id=case.pk, actor=loop.operator, grade="purple")
    services.start(case_id=case.pk, actor=officer(loop))
    services.dispose(case_id=case.pk, actor=officer(loop), result="已清理")
    services.verify(case_id=case.pk, actor=loop.operator)
    services.close(case_id=case.pk, actor=loop.operator)
    with pytest.raises(ValidationError):
        services.callback(case_id=case.pk, actor=loop.operator, satisfaction=6)
    services.callback(case_id=case.pk, actor=loop.operator, satisfaction=5, note="群众满意")
    case.refresh_from_db()
    assert case.satisfaction == 5 and case.status == S.CLOSED


def test_extension_request_and_decision(loop, report):
    import datetime as dt

    case = to_state(loop, report(), S.ACCEPTED)
    until = case.due_at + dt.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.request_extension(case_id=case.pk, actor=officer(loop), note="需协调", until=case.due_at)
    services.request_extension(case_id=case.pk, actor=officer(loop), note="需协调多部门", until=until)
    with pytest.raises(PermissionDenied):
        services.decide_extension(case_id=case.pk, actor=officer(loop), approve=True)
    services.decide_extension(case_id=case.pk, actor=loop.operator, approve=True)
    case.refresh_from_db()
    assert case.due_at == until and case.pending_extension_until is None
    with pytest.raises(ValidationError):
        services.decide_extension(case_id=case.pk, actor=loop.operator, approve=False)


def test_postpone_is_counted_apart_and_stops_the_clock(loop, report):
    case = to_state(loop, report(), S.ACCEPTED)
    services.postpone(case_id=case.pk, actor=loop.operator, note="等待司法鉴定")
    case.refresh_from_db()
    assert case.is_postponed and case.due_at is None and case.status == S.ACCEPTED


# --- who may do what ---------------------------------------------------------------------------

FORBIDDEN = [
    # (state, action, who) – each role tries something that is not theirs
    (S.REPORTED, "register", "worker"),
    (S.REPORTED, "register", "township"),
    (S.REPORTED, "register", "police"),
    (S.DISPATCHED, "accept", "operator"),
    (S.DISPATCHED, "accept", "police"),
    (S.DISPATCHED, "accept", "village_head"),
    (S.DISPATCHED, "accept", "worker"),
    (S.ACCEPTED, "dispose", "operator"),
    (S.DISPOSED, "verify", "township"),  # the township handled it itself: the centre verifies
    (S.DISPOSED, "verify", "worker"),
    (S.VERIFIED, "close", "police"),
    (S.ACCEPTED, "postpone", "township"),
]


@pytest.mark.parametrize("state,action,who", FORBIDDEN)
def test_forbidden_for_role(loop, report, state, action, who):
    case = to_state(loop, report(), state) if state != S.REPORTED else report()
    actor = {
        "worker": loop.worker,
        "township": officer(loop),
        "police": loop.police,
        "operator": loop.operator,
        "village_head": loop.village_heads["411425200"],
    }[who]
    calls = {
        "register": lambda: services.register(case_id=case.pk, actor=actor),
        "accept": lambda: services.accept(case_id=case.pk, actor=actor),
        "dispose": lambda: services.dispose(case_id=case.pk, actor=actor, result="x"),
        "verify": lambda: services.verify(case_id=case.pk, actor=actor),
        "close": lambda: services.close(case_id=case.pk, actor=actor),
        "postpone": lambda: services.postpone(case_id=case.pk, actor=actor, note="x"),
    }
    before = case.events.count()
    with pytest.raises((PermissionDenied, Http404)):
        calls[action]()
    case.refresh_from_db()
    assert case.status == state and case.events.count() == before


def test_other_townships_officer_gets_404_at_every_step(loop, report):
    stranger = officer(loop, "411425100")
    case = report()
    for state in [S.REPORTED, S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.DISPOSED, S.VERIFIED, S.CLOSED]:
        if state != S.REPORTED:
            case = to_state(loop, report(), state)
        with pytest.raises(Http404):
            services.comment(case_id=case.pk, actor=stranger, note="看看")
        with pytest.raises(Http404):
            services.accept(case_id=case.pk, actor=stranger)


def test_action_out_of_state_is_a_conflict(loop, report):
    from governance.workflow import Conflict

    case = report()
    with pytest.raises(Conflict) as exc:
        services.close(case_id=case.pk, actor=loop.operator)
    assert "不能执行" in exc.value.message


def test_every_action_in_the_table_is_reachable_by_some_role():
    assert {t.action for t in CASE_WORKFLOW.transitions} >= {
        "register",
        "reject",
        "dispatch",
        "accept",
        "return",
        "start",
        "dispose",
        "verify",
        "rework",
        "close",
        "hand_down",
        "escalate_to_township",
        "escalate_to_centre",
        "urge",
        "comment",
        "merge",
        "callback",
    }
    assert all(t.roles for t in CASE_WORKFLOW.transitions)


def test_a_user_with_no_role_is_refused(loop, report):
    nobody = UserFactory()
    case = report()
    with pytest.raises(Http404):
        services.register(case_id=case.pk, actor=nobody)
    assert CaseEvent.objects.filter(case=case).count() == 1


ROLE_POSTS = {
    # role → where such a person sits in the World (the case is in 肖旗乡's first grid)
    "command_operator": "county",
    "command_leader": "county",
    "township_officer": "town_b",
    "department_officer": "county",
    "village_head": "village_b",
    "grid_leader": "village_b",
    "grid_police": "village_b",
    "grid_worker": "grid_b",
    "admin": "county",
    "insurer": "county",
    "credit_cooperative": "county",
    "credit_committee": "county",
}


@pytest.mark.parametrize("role", sorted(ROLE_POSTS))
def test_only_the_command_centre_registers_and_only_the_handler_signs_for(loop, report, role):
    from governance.roles import Role
    from grids import services as grid_services

    places = {
        "county": loop.world.county,
        "town_b": loop.world.b,
        "village_b": loop.world.villages["411425200"][0],
        "grid_b": loop.world.grids["411425200"][1],
    }
    person = UserFactory()
    grid_services.assign(user=person, area=places[ROLE_POSTS[role]], role=role)
    case = report()
    if role in (Role.COMMAND_OPERATOR, Role.COMMAND_LEADER):
        services.register(case_id=case.pk, actor=person)
    else:
        with pytest.raises((PermissionDenied, Http404)):
            services.register(case_id=case.pk, actor=person)
        services.register(case_id=case.pk, actor=loop.operator)
    services.dispatch(case_id=case.pk, actor=loop.operator, unit=case.suggested_unit)  # to 肖旗乡
    if role == Role.TOWNSHIP_OFFICER:
        services.accept(case_id=case.pk, actor=person)
        case.refresh_from_db()
        assert case.status == S.ACCEPTED
    else:
        with pytest.raises((PermissionDenied, Http404)):
            services.accept(case_id=case.pk, actor=person)
        case.refresh_from_db()
        assert case.status == S.DISPATCHED
