"""Issue #12: every action form of the credit round page, in every state and for every role that
acts on it, posted with only the required fields filled: no 500."""

import pytest
from django.test import Client

from credit import services
from tests.forms import assert_no_server_error, walk_forms

pytestmark = pytest.mark.django_db


def test_every_round_page_form_with_optional_fields_empty_answers_without_a_500(cw, run_round):
    draft = services.create_round(actor=cw.head, village=cw.village, period="2025")
    rounds = [draft] + [run_round(until=state, period=f"2026-{state}") for state in ("proposed", "reviewed", "notice")]
    services.lodge_objection(actor=cw.head, round_id=rounds[-1].pk, lodged_by_name="张刚", content="分数有误")
    walked = set()
    for rnd in rounds:
        for person in (cw.head, cw.village_member, cw.group, cw.county_group):
            client = Client()
            client.force_login(person)
            walked |= assert_no_server_error(walk_forms(client, f"/credit/rounds/{rnd.pk}/"))
    assert {"nominate", "propose", "send_back", "review", "return_to_township", "publish", "object", "answer"} <= walked
