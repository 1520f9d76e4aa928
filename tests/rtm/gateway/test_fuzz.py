"""Hypothesis throws malformed messages at a live gateway: every one is answered with
error frames (or, when it happens to be a valid request, a result), the connection and its
session stay as they were, the gateway stays up, and another client is unaffected."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtm import codec
from rtm import protocol as p
from tests.rtm.netkit import GatewayThread, Raw

PROBE = 999_999_999


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[GatewayThread, Raw, Raw]]:
    # Long ping interval: websockets draws ping payloads from `random` (hypothesis frowns).
    gateway = GatewayThread(
        node_id="fz",
        errors_per_10s=1_000_000,
        rates="unlimited",
        ping_interval=60,
        frame_burst=1_000_000,
        frames_per_second=1_000_000.0,
    )
    fuzzed, bystander = Raw(gateway.url), Raw(gateway.url)
    assert fuzzed.login("fuzzer").code == 0
    assert bystander.login("bystander").code == 0
    yield gateway, fuzzed, bystander
    gateway.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

TAGS = [spec.tag for spec in codec.SPECS]
FIELDS = sorted({name for spec in codec.SPECS for name in spec.kinds} | {"t", "zz"})


@st.composite
def near_frames(draw: st.DrawFn) -> dict[str, Any]:
    """Objects that look like frames: a real tag, real field names, arbitrary values."""
    frame: dict[str, Any] = {"t": draw(st.sampled_from(TAGS) | st.text(max_size=8))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        frame[name] = draw(json_values)
    return frame


messages = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=64),
    json_values.map(json.dumps),
    near_frames().map(json.dumps),
    st.lists(near_frames(), min_size=0, max_size=5).map(json.dumps),
)


def dangerous(message: str | bytes) -> bool:
    """Valid requests that would change the fuzzer's own session (they are fine, just not
    what this test is about)."""
    if isinstance(message, bytes):
        return False
    try:
        frames = codec.decode_client(message)
    except Exception:
        return False
    return any(isinstance(f, p.Logout | p.Login) for f in frames)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=messages)
def test_malformed_messages_get_error_frames_only(
    live: tuple[GatewayThread, Raw, Raw], message: str | bytes
) -> None:
    _, fuzzed, _ = live
    if dangerous(message):
        return
    fuzzed.send(message)
    fuzzed.send(p.QuerySubscribed(PROBE))
    probe, before = fuzzed.until(lambda f: isinstance(f, p.Result) and f.req == PROBE)
    assert probe.code == 0, "still logged in: the bad message changed nothing"
    for frame in before:
        assert isinstance(frame, codec.ErrorFrame | p.Result | p.PresenceIn | p.Kicked), frame
        if isinstance(frame, codec.ErrorFrame):
            assert frame.code in codec.DecodeError.CODES | {"rate_limited", "bad_ack"}


def test_gateway_and_other_clients_survive_the_fuzzing(
    live: tuple[GatewayThread, Raw, Raw],
) -> None:
    gateway, fuzzed, bystander = live
    with urllib.request.urlopen(gateway.http + "/healthz", timeout=5) as response:
        assert response.status == 200
    assert bystander.request(
        lambda r: p.SendPeer(r, "fuzzer", p.Payload(1, "still there?"), False)
    ).code == 0
    message, _ = fuzzed.until(lambda f: isinstance(f, p.PeerMessageIn))
    assert message.payload.text == "still there?"
