"""Issue #12: an id in a body that is not a whole number is bad input — on the API a 400 with
the field's Chinese message, on the pages a message — never a 500 (governance.actions.parse)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from credit.models import CreditLine, EvaluationRound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad", [False, "abc", "null,null", 1.5])
def test_an_api_body_id_that_is_not_a_whole_number_is_a_field_error(cw, as_user, bad):
    response = as_user(cw.head).post("/api/v1/credit/rounds/", {"village": bad, "period": "2026"}, format="json")
    assert response.status_code == 400 and response.json()["village"] == ["请填写合法的整数值。"]


@pytest.mark.parametrize("bad", ["false", "abc", "1.5", ""])
def test_a_page_body_id_that_is_not_a_whole_number_is_a_message(cw, client, bad):
    client.force_login(cw.head)
    response = client.post("/credit/rounds/new/", {"village": bad, "period": "2026"})
    assert response.status_code == 302 and response.url == "/credit/rounds/"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not EvaluationRound.objects.exists()

    coop = Client()
    coop.force_login(cw.coop)
    response = coop.post("/credit/cooperative/grant/", {"subject": bad, "amount": "1000"})
    assert response.status_code == 302 and not CreditLine.objects.exists()
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
