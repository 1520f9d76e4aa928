"""The business servers' HTTP API fuzzed from its own OpenAPI description (schemathesis).

Requests generated from ``/openapi.json`` go over real HTTP to a gateway on 127.0.0.1, with
the app's key (and, where the body has one, its AppId, and a single ``To`` naming a
logged-in user, so the checks past authentication are reached and some requests succeed).
Every answer must be a documented status with an envelope of the documented shape, never a
server error. Random locally, derandomized in CI (the suite's Hypothesis profiles).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

import rtm
from rtm import net
from tests.rtm.netkit import APP, GatewayThread, Recorder, wait_until

KEY = "fuzz-key"


@pytest.fixture(scope="module")
def api() -> Iterator[GatewayThread]:
    gateway = GatewayThread(node_id="fuzz", http_port=0, server_api_key={APP: KEY})
    core = net.connect_core(gateway.url, ping_interval=1.0, ping_timeout=1.0)
    recorder = Recorder()
    client = rtm.createRtmService(core)
    client.initialize(APP, recorder.handler("alice"))
    client.login(None, "alice")  # someone to reach, so some requests get through
    wait_until(lambda: recorder.of("alice", "onLoginSuccess"))
    yield gateway
    client.release()
    core.close()
    gateway.stop()


@pytest.fixture(scope="module")
def api_schema(api: GatewayThread) -> Any:
    return schemathesis.openapi.from_url(f"http://127.0.0.1:{api.gateway.api_port}/openapi.json")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# schemathesis's own strategies use ``random`` (its warning, not ours).
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_generated_request_gets_a_documented_answer(api_schema: Any, mode: Any) -> None:
    """Positive: requests the schema allows; negative: requests it does not."""
    operation = api_schema["/"]["POST"]

    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        if isinstance(case.body, dict) and "AppId" in case.body:
            case.body["AppId"] = APP
        if isinstance(case.body, dict) and isinstance(case.body.get("To"), str):
            case.body["To"] = "alice"
        case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)

    fuzz()
