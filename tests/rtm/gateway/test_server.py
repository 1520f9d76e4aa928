"""The gateway over real sockets: HTTP routes, the handshake, validation of every frame,
abuse and rate limits, slow consumers, per-IP limits, resume hand-over, shutdown."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from rtm import codec
from rtm import protocol as p
from rtm.gateway import CloseCode
from tests.rtm.netkit import APP, GatewayThread, Raw, wait_until


def http_get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def closed_with(raw: Raw, timeout: float = 5.0) -> tuple[int | None, str]:
    """Read until the server closes the connection; its close code and reason."""
    with pytest.raises(ConnectionClosed) as info:
        while True:
            raw.ws.recv(timeout=timeout)
    received = info.value.rcvd
    return (received.code, received.reason) if received is not None else (None, "")


def test_health_readiness_and_metrics(gateway: GatewayThread) -> None:
    assert http_get(gateway.http + "/healthz")[:2] == (200, "ok\n")
    assert http_get(gateway.http + "/readyz")[:2] == (200, "ready\n")
    raw = Raw(gateway.url)
    raw.login("alice")
    status, body, headers = http_get(gateway.http + "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = dict(line.rsplit(" ", 1) for line in body.splitlines() if not line.startswith("#"))
    assert lines["rtm_connections"] == "1"
    assert lines["rtm_connections_total"] == "1"
    assert int(lines["rtm_frames_received_total"]) >= 1
    assert http_get(gateway.http + "/nope")[0] == 404
    assert http_get(gateway.http + "/v2")[0] == 404, "only protocol version 1 is served"


def test_welcome_names_the_session_node_and_limits(gateway: GatewayThread) -> None:
    welcome = Raw(gateway.url).welcome
    assert isinstance(welcome, codec.Welcome)
    assert welcome.node == "g1" and welcome.session.startswith("g1:")
    assert (welcome.v, welcome.max_frame) == (1, gateway.config.max_frame_bytes)


@pytest.mark.parametrize("query", ["?foo=1", "?ack=2", "?ack=1&ack=1"])
def test_bad_handshake_queries_are_closed_with_a_reason(gateway: GatewayThread, query: str) -> None:
    from websockets.sync.client import connect

    ws = connect(gateway.url + "/v1" + query, open_timeout=5, legacy=True)
    with pytest.raises(ConnectionClosed) as info:
        ws.recv(timeout=5)
    assert info.value.rcvd is not None
    assert info.value.rcvd.code == CloseCode.BAD_HANDSHAKE
    assert info.value.rcvd.reason


BAD: list[tuple[Any, str, int | None]] = [
    ("{not json", "bad_json", None),
    ("42", "bad_frame", None),
    ([], "bad_batch", None),
    ({"t": "fly", "req": 7}, "unknown_type", 7),
    ({"t": "logout"}, "missing_field", None),
    ({"t": "logout", "req": 8, "x": 1}, "unknown_field", 8),
    ({"t": "join", "req": 9, "channel_id": 5}, "bad_field", 9),
    ({"t": "join", "req": -1, "channel_id": "a"}, "bad_field", None),
    ({"t": "result", "req": 10, "code": 0, "value": None}, "wrong_direction", 10),
    ({"t": "send_peer", "req": 11, "peer_id": "b", "offline": False,
      "payload": {"type": 1, "text": "x", "raw": "%%%"}}, "bad_field", 11),
    (b"\x00binary", "bad_frame", None),
]  # fmt: skip


@pytest.mark.parametrize(("message", "code", "req"), BAD)
def test_every_bad_frame_gets_an_error_frame_and_changes_nothing(
    gateway: GatewayThread, message: Any, code: str, req: int | None
) -> None:
    raw = Raw(gateway.url)
    assert raw.login("alice").code == 0
    raw.send(message)
    error = raw.next()
    assert isinstance(error, codec.ErrorFrame)
    assert (error.code, error.req) == (code, req)
    assert error.message
    # The session is untouched: still logged in, still answering.
    assert raw.request(p.QuerySubscribed).code == 0


def test_oversized_frames_are_refused_but_the_connection_lives() -> None:
    gateway = GatewayThread(node_id="g1", max_frame_bytes=1024)
    try:
        raw = Raw(gateway.url)
        raw.login("alice")
        raw.send(codec.encode(p.SendPeer(5, "bob", p.Payload(1, "x" * 2000), False)))
        error = raw.next()
        assert isinstance(error, codec.ErrorFrame) and error.code == "too_large"
        assert raw.request(p.QuerySubscribed).code == 0
    finally:
        gateway.stop()


def test_a_batch_is_checked_frame_by_frame(gateway: GatewayThread) -> None:
    raw = Raw(gateway.url)
    raw.login("alice")
    raw.send([{"t": "query_subscribed", "req": 1}, {"t": "nope"}, {"t": "query_subscribed", "req": 2}])  # noqa: E501
    frames = [raw.next() for _ in range(3)]
    results = sorted(f.req for f in frames if isinstance(f, p.Result))
    errors = [f.code for f in frames if isinstance(f, codec.ErrorFrame)]
    assert results == [1, 2] and errors == ["unknown_type"]


def test_repeated_abuse_closes_the_connection_other_clients_unaffected() -> None:
    gateway = GatewayThread(node_id="g1", errors_per_10s=5)
    try:
        bystander = Raw(gateway.url)
        bystander.login("bob")
        abuser = Raw(gateway.url)
        for _ in range(10):
            with_error = False
            try:
                abuser.send("garbage")
                with_error = True
            except ConnectionClosed:
                break
            assert with_error
        code, reason = closed_with(abuser)
        assert code == CloseCode.POLICY and "invalid frames" in reason
        assert bystander.request(p.QuerySubscribed).code == 0
    finally:
        gateway.stop()


def test_frame_rate_limit_answers_rate_limited() -> None:
    gateway = GatewayThread(node_id="g1", frame_burst=5, frames_per_second=1.0, errors_per_10s=100)
    try:
        raw = Raw(gateway.url)
        raw.send([{"t": "query_subscribed", "req": n} for n in range(1, 9)])
        frames = [raw.next() for _ in range(8)]
        limited = [f.req for f in frames if isinstance(f, codec.ErrorFrame)]
        assert [f.code for f in frames if isinstance(f, codec.ErrorFrame)] == ["rate_limited"] * 3
        assert limited == [6, 7, 8]
    finally:
        gateway.stop()


def test_per_ip_connection_limit_refuses_with_429() -> None:
    gateway = GatewayThread(node_id="g1", connections_per_ip=2)
    try:
        first, second = Raw(gateway.url), Raw(gateway.url)
        with pytest.raises(InvalidStatus) as info:
            Raw(gateway.url)
        assert info.value.response.status_code == 429
        first.close()
        wait_until(lambda: gateway.gateway.metrics.value("rtm_connections") == 1)
        Raw(gateway.url).close()
        second.close()
    finally:
        gateway.stop()


def test_client_that_does_not_acknowledge_is_disconnected_as_slow() -> None:
    gateway = GatewayThread(node_id="g1", max_unacked=20, rates="unlimited")
    try:
        lazy = Raw(gateway.url, query="?ack=1")
        lazy.login("lazy")
        sender = Raw(gateway.url)
        sender.login("bob")
        for n in range(40):
            sender.send(p.SendPeer(100 + n, "lazy", p.Payload(1, f"m{n}"), False))
        code, reason = closed_with(lazy)
        assert code == CloseCode.SLOW_CONSUMER and "acknowledged" in reason
        assert sender.request(p.QuerySubscribed).code == 0
    finally:
        gateway.stop()


def test_client_that_does_not_read_is_disconnected_as_slow() -> None:
    gateway = GatewayThread(node_id="g1", send_buffer_bytes=64 * 1024, rates="unlimited")
    try:
        stuck = Raw(gateway.url)
        stuck.login("stuck")
        # A small receive window, so the kernel does not absorb megabytes first.
        stuck.ws.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sender = Raw(gateway.url)
        sender.login("bob")
        big = "x" * 30_000
        for n in range(2000):
            sender.send(p.SendPeer(100 + n, "stuck", p.Payload(1, big), False))
            if gateway.gateway.metrics.value("rtm_disconnects_total", reason="slow_consumer"):
                break
        wait_until(
            lambda: gateway.gateway.metrics.value("rtm_disconnects_total", reason="slow_consumer"),
            10,
            "slow consumer disconnect",
        )
        assert sender.request(p.QuerySubscribed).code == 0, "others are not stalled"
    finally:
        gateway.stop()


def test_acks_are_checked(gateway: GatewayThread) -> None:
    plain = Raw(gateway.url)
    plain.send(codec.Ack(0))
    error = plain.next()
    assert isinstance(error, codec.ErrorFrame) and error.code == "bad_ack"
    acking = Raw(gateway.url, query="?ack=1")
    acking.send(codec.Ack(5))
    error = acking.next()
    assert isinstance(error, codec.ErrorFrame) and error.code == "bad_ack"
    assert acking.login("alice").code == 0
    acking.send(codec.Ack(1))
    assert acking.request(p.QuerySubscribed).code == 0


def test_resume_on_a_new_connection_hands_over_and_closes_the_old_one(
    gateway: GatewayThread,
) -> None:
    old = Raw(gateway.url, query="?ack=1")
    assert old.login("alice").code == 0
    assert old.request(lambda r: p.Join(r, "room")).code == 0
    new = Raw(gateway.url, query=f"?ack=1&resume={old.welcome.session}")
    assert new.login("alice").code == 0
    code, reason = closed_with(old)
    assert code == CloseCode.SUPERSEDED and "resumed" in reason
    # Resumed, not a new login: still in the channel.
    assert new.request(lambda r: p.Join(r, "room")).code == 6  # ALREADY_JOINED


def test_a_new_login_without_resume_kicks_the_old_session(gateway: GatewayThread) -> None:
    old = Raw(gateway.url)
    assert old.login("alice").code == 0
    new = Raw(gateway.url)
    assert new.login("alice").code == 0
    kicked, _ = old.until(lambda f: isinstance(f, p.Kicked))
    assert kicked.reason == 8  # REMOTE_LOGIN


def test_shutdown_tells_clients_to_reconnect_elsewhere() -> None:
    gateway = GatewayThread(node_id="g1")
    raw = Raw(gateway.url)
    raw.login("alice")
    gateway.stop()
    code, reason = closed_with(raw)
    assert code == CloseCode.RESTART and "reconnect" in reason


def test_metrics_count_errors_by_code(gateway: GatewayThread) -> None:
    raw = Raw(gateway.url)
    raw.send("{")
    raw.next()
    raw.send(json.dumps({"t": "x"}))
    raw.next()
    body = http_get(gateway.http + "/metrics")[1]
    assert 'rtm_frame_errors_total{code="bad_json"} 1' in body
    assert 'rtm_frame_errors_total{code="unknown_type"} 1' in body
    assert APP  # the kit's app id is what clients use
