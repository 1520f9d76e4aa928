"""The RTM endpoint over real sockets: text that is not Unicode (lone surrogates) is refused
at the edge and counted, and a write that fails can neither lose the frames queued with it
nor skew the acknowledgement count (frames acknowledged are never delivered again)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from rtm import codec
from rtm import protocol as p
from rtm.gateway import CloseCode
from tests.rtm.netkit import APP, GatewayThread, Raw, wait_until

LONE = "\ud800"


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The log of the test (the gateway runs in this process, on a thread)."""
    caplog.set_level(logging.INFO)
    return caplog


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


def frames_with_a_lone_surrogate(req: int) -> list[dict[str, Any]]:
    """One frame per place a lone surrogate can hide: values, field names, nested."""
    payload = {"type": 1, "text": "hi", "raw": ""}
    return [
        {"t": "renew_token", "req": req, "token": LONE},
        {"t": "send_peer", "req": req, "peer_id": "bob", "offline": False,
         "payload": {"type": 1, "text": f"x{LONE}y", "raw": ""}},
        {"t": "send_peer", "req": req, "peer_id": f"b{LONE}", "offline": False,
         "payload": payload},
        {"t": "join", "req": req, LONE: 1},
        {"t": "subscribe", "req": req, "peer_ids": ["ok", LONE]},
        {"t": "user_attrs", "req": req, "op": "set", "attrs": [["k", LONE]], "keys": []},
        {"t": "call_signal", "req": req, "kind": "invite", "peer_id": "bob", "call_id": "c",
         "content": LONE, "channel_id": ""},
        {"t": f"join{LONE}", "req": req},
        {"t": "send_peer", "req": req, "peer_id": "bob", "offline": False,
         "payload": {"type": 1, "text": "hi", LONE: ""}},
    ]  # fmt: skip


def closed_with(raw: Raw, timeout: float = 5.0) -> int | None:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            raw.ws.recv(timeout=timeout)
    received = info.value.rcvd
    return received.code if received is not None else None


def test_a_lone_surrogate_anywhere_is_a_bad_text_error_echoing_the_request(
    gateway: GatewayThread, logged: pytest.LogCaptureFixture
) -> None:
    raw = Raw(gateway.url)
    assert raw.login("alice").code == 0
    for n, frame in enumerate(frames_with_a_lone_surrogate(0)):
        frame["req"] = 50 + n
        raw.send(frame)  # json.dumps escapes it: "\ud800", valid JSON, valid UTF-8
        error = raw.next()
        assert isinstance(error, codec.ErrorFrame), (frame, error)
        assert (error.code, error.req) == ("bad_text", 50 + n), frame
    # A renew_token carrying one is answered (above) and the session is as it was.
    assert raw.request(p.QuerySubscribed).code == 0
    assert raw.request(lambda r: p.RenewToken(r, "fine")).code == 0
    assert gateway.call(gateway.gateway.metrics.render).count('code="bad_text"') == 1
    gateway.stop()
    assert tracebacks(logged) == []


def test_lone_surrogates_count_against_the_error_budget(
    logged: pytest.LogCaptureFixture,
) -> None:
    gateway = GatewayThread(node_id="g1", errors_per_10s=20)
    try:
        abuser, bystander = Raw(gateway.url), Raw(gateway.url)
        assert abuser.login("abuser").code == 0
        assert bystander.login("bystander").code == 0
        frames = frames_with_a_lone_surrogate(1)
        for n in range(600):
            try:
                abuser.send(frames[n % len(frames)])
            except ConnectionClosed:
                break
        assert closed_with(abuser) == CloseCode.POLICY
        assert bystander.request(p.QuerySubscribed).code == 0
    finally:
        gateway.stop()
    assert tracebacks(logged) == []


def text(frame: p.PeerMessageIn) -> str:
    return frame.payload.text


def texts(frames: list[Any]) -> list[str]:
    return [f.payload.text for f in frames if isinstance(f, p.PeerMessageIn)]


def resume(gateway: GatewayThread, old: Raw, user: str) -> list[Any]:
    """Break ``old``'s link (no close frame), resume its session on a new connection; the
    frames the new connection received up to its first answered request."""
    old.ws.socket.close()
    wait_until(lambda: gateway.call(lambda: gateway.gateway.service.lost_session_count), 5)
    new = Raw(gateway.url, query=f"?ack=1&resume={old.welcome.session}")
    new.send(p.Login(1, APP, user, None))
    login, before = new.until(lambda f: isinstance(f, p.Result) and f.req == 1)
    assert login.code == 0
    new.send(p.QuerySubscribed(2))
    _, after = new.until(lambda f: isinstance(f, p.Result) and f.req == 2)
    return before + after


def test_a_batch_with_lone_surrogates_loses_nothing_queued_with_it(
    gateway: GatewayThread, logged: pytest.LogCaptureFixture
) -> None:
    alice = Raw(gateway.url, query="?ack=1")
    assert alice.login("alice").code == 0  # alice's frame 1
    bob = Raw(gateway.url)
    assert bob.login("bob").code == 0
    bob.send([
        {"t": "send_peer", "req": 1, "peer_id": "alice", "offline": False,
         "payload": {"type": 1, "text": f"bad{LONE}", "raw": ""}},
        {"t": "call_signal", "req": 2, "kind": "invite", "peer_id": "alice", "call_id": "c1",
         "content": LONE, "channel_id": ""},
        {"t": "send_peer", "req": 3, "peer_id": "alice", "offline": False,
         "payload": {"type": 1, "text": "ok-1", "raw": ""}},
    ])  # fmt: skip
    answers = {}
    for _ in range(3):
        frame = bob.next()
        answers[frame.req] = frame
    assert isinstance(answers[1], codec.ErrorFrame) and answers[1].code == "bad_text"
    assert isinstance(answers[2], codec.ErrorFrame) and answers[2].code == "bad_text"
    assert isinstance(answers[3], p.Result) and answers[3].code == 0
    assert bob.request(lambda r: p.SendPeer(r, "alice", p.Payload(1, "ok-2"), False)).code == 0

    last, before = alice.until(lambda f: isinstance(f, p.PeerMessageIn) and text(f) == "ok-2")
    assert texts([*before, last]) == ["ok-1", "ok-2"]
    assert not any(isinstance(f, p.CallSignalIn) for f in before)
    alice.send(codec.Ack(3))  # the login result and both messages
    assert alice.request(p.QuerySubscribed).code == 0  # the ack was handled before this
    assert texts(resume(gateway, alice, "alice")) == [], "acknowledged frames came again"
    gateway.stop()
    assert tracebacks(logged) == []


def test_a_write_that_cannot_be_encoded_loses_nothing_written_with_it(
    gateway: GatewayThread, logged: pytest.LogCaptureFixture
) -> None:
    """Should text with a lone surrogate reach a write another way than the codec, the
    frames written with it still arrive (the surrogate replaced) and acks count right."""
    alice = Raw(gateway.url, query="?ack=1")
    assert alice.login("alice").code == 0  # alice's frame 1
    sid = alice.welcome.session
    deliver = gateway.gateway.service.backend.deliver

    def same_turn() -> None:
        deliver(sid, p.PeerMessageIn("x", p.Payload(1, f"odd{LONE}"), 1, False))
        deliver(sid, p.PeerMessageIn("x", p.Payload(1, "plain"), 2, False))

    gateway.call(same_turn)
    last, before = alice.until(lambda f: isinstance(f, p.PeerMessageIn) and text(f) == "plain")
    assert texts([*before, last]) == ["odd\ufffd", "plain"]
    alice.send(codec.Ack(3))
    assert alice.request(p.QuerySubscribed).code == 0
    assert texts(resume(gateway, alice, "alice")) == [], "acknowledged frames came again"
    assert "rtm_frames_scrubbed_total 1" in gateway.call(gateway.gateway.metrics.render)
    gateway.stop()
    assert tracebacks(logged) == []
