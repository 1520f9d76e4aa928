"""The lockstep harness itself: real gateway nodes on one virtual clock, actions in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import rtm
from rtm import CONNECTION_STATE
from rtm.gateway.lockstep import LockstepCore, LockstepTransport
from tests.rtm.netkit import APP, Recorder, RedisServer


@pytest.fixture
def solo() -> Iterator[LockstepCore]:
    core = LockstepCore()
    yield core
    core.close()


def _login(core: LockstepCore, recorder: Recorder, name: str) -> rtm.RtmClient:
    client = rtm.createRtmService(core)
    assert client.initialize(APP, recorder.handler(name)) == 0
    assert client.login(None, name) == 0
    core.run_until_idle()
    assert recorder.of(name, "onLoginSuccess") == [()]
    return client


def test_run_until_idle_settles_a_round_trip_through_the_node(solo: LockstepCore) -> None:
    recorder = Recorder()
    alice, _ = _login(solo, recorder, "alice"), _login(solo, recorder, "bob")
    assert alice.sendMessageToPeer("bob", alice.createMessage("hi")) == 0
    assert recorder.texts("bob") == [], "nothing moves before the harness runs"
    solo.run_until_idle()
    assert recorder.texts("bob") == ["hi"]
    metrics = solo.nodes[0].gateway.metrics.render()
    assert "rtm_frames_received_total" in metrics  # it really went through the gateway


def test_node_timers_fire_only_when_the_clock_moves(solo: LockstepCore) -> None:
    recorder = Recorder()
    alice = _login(solo, recorder, "alice")
    start = solo.time()
    transport = alice._transport
    assert isinstance(transport, LockstepTransport)
    transport.drop()
    assert transport.dropped, "a drop is recorded at the call, like the in-process one"
    solo.run_until_idle()
    assert alice.connectionState is CONNECTION_STATE.CONNECTION_STATE_RECONNECTING
    bob = _login(solo, recorder, "bob")
    assert bob.subscribePeersOnlineStatus(["alice"]) == 0
    solo.run_until_idle()
    recorder.events.clear()
    solo.advance(5.9)
    assert recorder.of("bob", "onPeersOnlineStatusChanged") == [], "6 s are not up"
    solo.advance(0.2)  # past the node's UNREACHABLE timer, on virtual time only
    assert solo.time() == pytest.approx(start + 6.1)
    (changed,) = recorder.of("bob", "onPeersOnlineStatusChanged")
    unreachable = rtm.PEER_ONLINE_STATE.PEER_ONLINE_STATE_UNREACHABLE
    assert [(s.peerId, s.onlineState) for s in changed[0]] == [("alice", unreachable)]


def test_actions_reach_two_nodes_in_the_order_they_were_made(
    redis_server: RedisServer,
) -> None:
    core = LockstepCore(nodes=2, backend=redis_server.url)
    try:
        recorder = Recorder()
        clients = [_login(core, recorder, name) for name in ("a", "b", "c", "d")]
        assert {t.node for c in clients if isinstance(t := c._transport, LockstepTransport)} == {
            0,
            1,
        }, "connections are spread over both nodes"
        # a (node 0) and b (node 1) message d (node 1) alternately, without waiting.
        for i in range(10):
            sender = clients[i % 2]
            assert sender.sendMessageToPeer("d", sender.createMessage(str(i))) == 0
        core.run_until_idle()
        assert recorder.texts("d") == [str(i) for i in range(10)]
    finally:
        core.close()


def test_misuse_is_refused_at_once(solo: LockstepCore) -> None:
    with pytest.raises(ValueError, match="shared backend"):
        LockstepCore(nodes=2)
    with pytest.raises(ValueError, match="memory or redis"):
        LockstepCore(backend="postgres://x")
    with pytest.raises(ValueError, match="cannot move time backwards"):
        solo.advance(-1)
    # Misused drops and restores: tests/rtm/test_reconnect.py runs over this harness too.
