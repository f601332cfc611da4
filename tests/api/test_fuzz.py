"""Issue #20, point 6: schemathesis against the OpenAPI schema of a live test server.

The schema is loaded from the live server (`/api/schema/?format=json`), as a client would; every
operation is called with generated requests — positive data (fits the schema) and negative data
(does not) — as a county command-centre operator and as a township officer, each with an API
token (`Authorization: Token …`; a session would need a CSRF token on every write). Every answer
is checked:

- `not_a_server_error` — no 5xx;
- `status_code_conformance` — the status is one the operation declares (governance.openapi);
- `response_schema_conformance` — the body fits the schema of that status.

Bounded: EXAMPLES requests per operation and mode (2; FUZZ_EXAMPLES), a fixed seed (derandomized:
the same requests on every run), no shrinking, a deadline per request; about 1,300 requests, two
to three minutes on an idle two-core machine.
Excluded, each with its reason, in EXCLUDED. A failure lists every (operation, check, status) that
broke, with one request that shows it (`curl`).

Alone: DATABASE_URL=… .venv/bin/python -m pytest tests/api/test_fuzz.py -p no:xdist -q
More examples for a deeper run (not in make test): FUZZ_EXAMPLES=15 … (docs/api.md).
"""

import os
import time
from collections import Counter, defaultdict
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.incidents.conftest import loop, report  # noqa: F401  (the county with its catalogue)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
LIMIT = 60  # seconds: the deadline of one request (generous: CI's machine is shared and slow)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# The township officer's run sends positive data only: data that breaks the schema is refused by
# the same validation whoever sends it, and the county's run covers it.
MODES = {
    "county": [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    "township": [GenerationMode.POSITIVE],
}
# (method, path): why it is not fuzzed.
EXCLUDED = {
    ("POST", "/api/v1/auth/token/revoke/"): "ends the very token the fuzzer calls with",
    ("POST", "/api/v1/auth/token/revoke-all/"): "ends the very token the fuzzer calls with",
}


@pytest.fixture
def county(loop, report):  # noqa: F811
    """The closed-loop county (tests/incidents/conftest.py) with a few cases in both townships."""
    for lng in (115.805, 115.905, 115.915):
        report(lng=lng)
    yield loop
    cache.clear()  # the token endpoint's per-address throttle counted the fuzzer's guesses


def token_for(user) -> str:
    return AuthToken.objects.create(user)[1]


def has_input(operation) -> bool:
    """Whether there is anything to make invalid (else negative data cannot be generated)."""
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody"))


@pytest.mark.parametrize("who", ["county", "township"])
def test_the_api_answers_as_its_schema_says(live_server, county, who):
    user = county.operator if who == "county" else county.world.officers["411425100"]
    headers = {"Authorization": f"Token {token_for(user)}"}
    # Loaded from the live server as a client would (generating it takes a while on a busy machine).
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json", timeout=120)
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # the token alone, never a session
    problems, answered, calls, waited, slowest = {}, defaultdict(Counter), 0, 0.0, defaultdict(float)
    began = time.monotonic()

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 200
    for operation in operations:
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        for mode in MODES[who]:
            if mode == GenerationMode.NEGATIVE and not has_input(operation):
                continue

            @settings(
                max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal calls, waited
                calls += 1
                started = time.monotonic()
                response = case.call(base_url=live_server.url, session=session, headers=headers, timeout=LIMIT)
                waited += time.monotonic() - started
                slowest[case.operation.label] = max(slowest[case.operation.label], time.monotonic() - started)
                answered[case.operation.label][response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Failure, FailureGroup) as exc:
                    for failure in getattr(exc, "exceptions", [exc]):
                        key = (case.operation.label, type(failure).__name__, response.status_code)
                        problems.setdefault(key, f"{failure.title}: {failure.message}\n{case.as_curl_command()}")

            try:
                run()
            except Unsatisfiable:  # e.g. only an optional header to make invalid
                assert mode == GenerationMode.NEGATIVE, operation.label

    print(f"\n{who}: {calls} calls, {waited:.0f}s waiting of {time.monotonic() - began:.0f}s")
    print(sorted(slowest.items(), key=lambda kv: -kv[1])[:15])
    assert not problems, "\n\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))
    served = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
    # It really got in: many operations answered with their data, not only refusals.
    assert len(served) >= (50 if who == "county" else 40), sorted(answered.items())
    called = {o.label for o in operations if (o.method.upper(), o.path) not in EXCLUDED}
    assert set(answered) == called  # every operation was asked, none skipped quietly
