"""An Open311 report registered by a real Celery worker on Redis (not eager): the POST answers a
token at once, and the token names the case once the worker has registered it."""

import pytest

from incidents.constants import CaseStatus
from incidents.models import Case
from tests.incidents.conftest import loop  # noqa: F401 - the fixture
from tests.incidents.test_urgent_response_worker import wait_for

from .test_open_interfaces import BASE, make_key, offered, post_report  # noqa: F401 - the fixture


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_is_registered_on_a_real_worker(real_worker, api, loop, offered):  # noqa: F811
    key, raw = make_key(loop, loop.world.b)
    answer = post_report(api, raw)
    assert answer.status_code == 201, answer.content
    token = answer.json()[0]["token"]

    def number():
        return api.get(f"{BASE}/tokens/{token}.json", {"api_key": raw}).json()[0]["service_request_id"]

    wait_for(lambda: number() is not None, "the worker did not register the report")
    assert Case.objects.get(number=number()).status == CaseStatus.REPORTED
