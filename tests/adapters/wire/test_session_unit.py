"""One legacy wire session, sans sockets: an embedded core on virtual time and a fake wire."""

from __future__ import annotations

import json
from typing import Any

import pytest

import rtm
from adapters.wire.endpoint import LegacyEndpoint, NodeCore
from adapters.wire.session import LegacyWireSession
from rtm.gateway.metrics import Metrics
from rtm.limits import Rate


class FakeWire:
    peer = "127.0.0.1"

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.closed: tuple[int, str] | None = None

    def send(self, text: str) -> bool:
        self.sent.append(json.loads(text))
        return self.closed is None

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


@pytest.fixture
def setup() -> tuple[rtm.EmbeddedCore, LegacyEndpoint]:
    core = rtm.EmbeddedCore.deterministic()
    endpoint = LegacyEndpoint(
        NodeCore(core.service, core.scheduler),
        Metrics(),
        max_frame_bytes=4096,
        frames=Rate(1000, 1.0),
        errors=Rate(20, 10.0),
    )
    return core, endpoint


def _login(
    core: rtm.EmbeddedCore, endpoint: LegacyEndpoint, account: str
) -> tuple[LegacyWireSession, FakeWire]:
    wire = FakeWire()
    session = endpoint.open(wire, {})
    session.receive(
        json.dumps(["login", {"account": account, "token": "_no_need_token", "vid": "app"}])
    )
    core.run_until_idle()
    err, body = wire.sent.pop(0)[1]
    assert err == ""
    assert json.loads(body)["result"] == "ok"
    return session, wire


def test_a_failing_call_costs_that_call_not_the_connection(
    setup: tuple[rtm.EmbeddedCore, LegacyEndpoint], monkeypatch: pytest.MonkeyPatch
) -> None:
    core, endpoint = setup
    session, wire = _login(core, endpoint, "alice")

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(LegacyWireSession.HANDLERS, "getmsg", broken)
    session.receive(json.dumps(["call2", ["user_getmsg", 1, {"line": session.line}]]))
    assert wire.sent[-1][1][:2] == [1, "internal_error"]
    session.receive(json.dumps(["ping", 5]))
    assert wire.sent[-1] == ["pong", 5] and wire.closed is None


def test_closing_the_connection_logs_the_client_out(
    setup: tuple[rtm.EmbeddedCore, LegacyEndpoint],
) -> None:
    core, endpoint = setup
    alice, _ = _login(core, endpoint, "alice")
    bob, bob_wire = _login(core, endpoint, "bob")
    bob.receive(
        json.dumps(["call2", ["user_query_user_status", 1, {"line": bob.line, "account": "alice"}]])
    )
    core.run_until_idle()
    assert json.loads(bob_wire.sent[-1][1][2])["status"] == 1
    alice.closed(orderly=False)
    core.run_until_idle()
    assert alice not in endpoint.sessions
    bob.receive(
        json.dumps(["call2", ["user_query_user_status", 2, {"line": bob.line, "account": "alice"}]])
    )
    core.run_until_idle()
    assert json.loads(bob_wire.sent[-1][1][2])["status"] == 0
