"""Issue #12: every action form of the claim page, in every open state and for every role that
acts on it, posted with only the required fields filled (the photo field with no file): no 500."""

from django.test import Client

from insurance.models import Claim
from tests.forms import assert_no_server_error, walk_forms

STATES = {"reported": 1, "returned": 2, "verified": 2, "approved": 3}


def test_every_claim_page_form_with_optional_fields_empty_answers_without_a_500(cover):
    people = [cover.village_head, cover.worker, cover.officer_a, cover.claims_officer, cover.operator]
    walked = set()
    for state, version in STATES.items():
        claim = cover.report(item=f"电动车（{state}）")
        Claim.objects.filter(pk=claim.pk).update(status=state, version=version)
        for person in people:
            client = Client()
            client.force_login(person)
            walked |= assert_no_server_error(walk_forms(client, f"/insurance/claims/{claim.pk}/"))
    assert {"verify", "return", "resubmit", "approve", "settle", "decline", "withdraw", "comment"} <= walked
