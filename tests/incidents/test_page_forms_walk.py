"""Issue #12: every action form of the case page, in every state and for every role that acts
on it, posted as a browser posts it with only the required fields filled (optional ones empty,
the photo field with no file chosen): no 500."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from incidents import services
from incidents.constants import CaseStatus as S
from tests.forms import assert_no_server_error, walk_forms
from tests.incidents.test_workflow import officer, to_state

STATES = [S.REPORTED, S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.DISPOSED, S.VERIFIED, S.CLOSED]


def test_every_case_page_form_with_optional_fields_empty_answers_without_a_500(loop, report):
    people = [loop.operator, officer(loop), loop.village_heads["411425200"], loop.police, loop.worker]
    cases = [report(description="堆物待立案")]
    cases += [to_state(loop, report(description=f"堆物{state}"), state) for state in STATES[1:]]
    pending = to_state(loop, report(description="待审批延期"), S.IN_PROGRESS)
    services.request_extension(
        case_id=pending.pk, actor=officer(loop), note="材料未到", until=timezone.now() + dt.timedelta(days=60)
    )
    walked = set()
    for case in [*cases, pending]:
        for person in people:
            client = Client()
            client.force_login(person)
            walked |= assert_no_server_error(walk_forms(client, f"/cases/{case.pk}/"))
    assert {"register", "reject", "merge", "dispatch", "accept", "return", "start", "dispose"} <= walked
    assert {"verify", "rework", "close", "urge", "comment", "request_extension", "decide_extension"} <= walked
