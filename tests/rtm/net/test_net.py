"""The WebSocket client transport: URLs, reconnection, resume, and no loss of what was
acknowledged when links drop mid-stream (real sockets on 127.0.0.1)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator

import pytest

import rtm
from rtm import CONNECTION_CHANGE_REASON as R
from rtm import CONNECTION_STATE as S
from rtm import net
from tests.rtm.netkit import APP, GatewayThread, Recorder, network_core, wait_until


@pytest.fixture
def gateway() -> Iterator[GatewayThread]:
    g = GatewayThread(node_id="solo", rates="unlimited")
    yield g
    g.stop()


def abort_link(client: rtm.RtmClient) -> None:
    """Cut the client's TCP connection without a closing handshake (a network failure)."""
    transport = client._transport
    assert isinstance(transport, net.WsTransport)
    ws = transport._ws
    assert ws is not None, "not connected"
    transport._core.loop.call_soon_threadsafe(ws.transport.abort)


def connected(client: rtm.RtmClient) -> bool:
    transport = client._transport
    return isinstance(transport, net.WsTransport) and transport._ws is not None


def login(core: net.NetworkCore, rec: Recorder, name: str) -> rtm.RtmClient:
    client = rtm.createRtmService(core)
    assert client.initialize(APP, rec.handler(name)) == 0
    assert client.login(None, name) == 0
    wait_until(lambda: rec.of(name, "onLoginSuccess"), what=f"{name} logged in")
    return client


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("http://x:1", "not a ws://"),
        ("ws://", "not a ws://"),
        ("", "no gateway URL"),
        ("ws://a:1,ftp://b", "not a ws://"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        net.parse_urls(text)


def test_url_lists_are_split_and_trimmed() -> None:
    assert net.parse_urls(" ws://a:1/ , wss://b:2/v1") == ["ws://a:1", "wss://b:2/v1"]


def test_link_loss_reconnects_and_resumes(gateway: GatewayThread) -> None:
    rec = Recorder()
    with network_core(gateway.url) as core:
        alice = login(core, rec, "alice")
        bob = login(core, rec, "bob")
        channel = alice.createChannel("room", rec.handler("alice/room", rtm.IChannelEventHandler))
        assert channel is not None
        channel.join()
        wait_until(lambda: rec.of("alice/room", "onJoinSuccess"))
        bob.subscribePeersOnlineStatus(["alice"])
        wait_until(lambda: rec.of("bob", "onPeersOnlineStatusChanged"))
        first_session = alice._transport.session  # type: ignore[union-attr]

        abort_link(alice)
        wait_until(lambda: len(rec.of("alice", "onConnectionStateChanged")) == 4)

        changes = rec.of("alice", "onConnectionStateChanged")
        assert changes[2:] == [
            (S.CONNECTION_STATE_RECONNECTING, R.CONNECTION_CHANGE_REASON_INTERRUPTED),
            (S.CONNECTION_STATE_CONNECTED, R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS),
        ]
        assert len(rec.of("alice", "onLoginSuccess")) == 1, "a reconnect is not a new login"
        assert alice._transport.session != first_session  # type: ignore[union-attr]
        # Resumed: still a member, nobody saw alice leave, and the channel works.
        bob_channel = bob.createChannel("room", rec.handler("bob/room", rtm.IChannelEventHandler))
        assert bob_channel is not None
        bob_channel.join()
        wait_until(lambda: rec.of("alice/room", "onMemberJoined"))
        bob_channel.sendMessage(bob.createMessage("still here?"))
        wait_until(lambda: rec.of("alice/room", "onMessageReceived"))
        # A short outage is invisible to watchers (UNREACHABLE comes after 6 s only).
        assert [e[0][0].onlineState for e in rec.of("bob", "onPeersOnlineStatusChanged")] == [
            rtm.PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE
        ]


def test_nothing_acknowledged_is_lost_when_links_drop_mid_stream(gateway: GatewayThread) -> None:
    rec = Recorder()
    count = 1000
    with network_core(gateway.url) as core_a, network_core(gateway.url) as core_b:
        alice = login(core_a, rec, "alice")
        bob = login(core_b, rec, "bob")
        results: dict[int, int] = {}
        lock = threading.Lock()

        class Outcome(rtm.ResultCallback[None]):
            def __init__(self, i: int) -> None:
                self.i = i

            def onSuccess(self, responseInfo: None) -> None:
                _record(self.i, 0)

            def onFailure(self, errorInfo: rtm.ErrorInfo) -> None:
                _record(self.i, errorInfo.errorCode)

        def send_all() -> None:
            for i in range(count):
                cb = Outcome(i)
                assert alice.sendMessageToPeer("bob", alice.createMessage(f"m{i}"), None, cb) == 0
                if i % 40 == 0:
                    time.sleep(0.02)  # the stream lasts about half a second

        def _record(i: int, code: int) -> None:
            with lock:
                results[i] = code

        sender = threading.Thread(target=send_all)
        sender.start()
        drops = 0
        for victim in (bob, alice, bob, bob, alice):
            time.sleep(0.06)
            wait_until(functools.partial(connected, victim))
            if sender.is_alive():
                abort_link(victim)
                drops += 1
        sender.join()
        assert drops >= 3, "the links must drop while messages are flowing"
        links = [c._transport for c in (alice, bob)]
        wait_until(lambda: sum(t.connections for t in links) == 2 + drops)  # type: ignore[union-attr]
        wait_until(lambda: len(results) == count, 15, "a result for every message")
        acknowledged = {f"m{i}" for i, code in results.items() if code == 0}
        wait_until(lambda: acknowledged <= set(rec.texts("bob")), 10, "acknowledged messages")
        assert len(acknowledged) == count, f"failures: {sorted(set(results.values()))}"
        received = rec.texts("bob")
        # Every message arrives; a duplicate is possible only for frames the link lost
        # between their arrival and their acknowledgement.
        assert len(received) - len(set(received)) <= 3
        wait_until(lambda: bob.connectionState is S.CONNECTION_STATE_CONNECTED)
        wait_until(lambda: alice.connectionState is S.CONNECTION_STATE_CONNECTED)


def test_transport_moves_to_the_next_url_when_a_node_is_down(gateway: GatewayThread) -> None:
    rec = Recorder()
    dead = "ws://127.0.0.1:1"  # nothing listens on port 1
    with network_core(dead, gateway.url) as core:
        login(core, rec, "alice")
        transport = core._transports.copy().pop()
        assert transport.node == "solo"


def test_orderly_close_logs_the_user_out_at_once(gateway: GatewayThread) -> None:
    rec = Recorder()
    with network_core(gateway.url) as core:
        login(core, rec, "alice")
        bob = login(core, rec, "bob")
        bob.subscribePeersOnlineStatus(["alice"])
        wait_until(lambda: rec.of("bob", "onPeersOnlineStatusChanged"))
        with network_core(gateway.url) as other:
            login(other, rec, "carol")
        # carol's core was closed (WebSocket close 1000): no grace period for her.
        bob.queryPeersOnlineStatus(["carol"])
        wait_until(lambda: rec.of("bob", "onQueryPeersOnlineStatusResult"))
        _, states, _, code = rec.of("bob", "onQueryPeersOnlineStatusResult")[0]
        assert code == 0 and [s.isOnline for s in states] == [False]
        assert gateway.call(lambda: gateway.gateway.service.lost_session_count) == 0


def test_drop_holds_the_link_down_until_restore(gateway: GatewayThread) -> None:
    """``WsTransport.drop`` is a network outage on demand: no reconnecting until restore."""
    rec = Recorder()
    with network_core(gateway.url) as core:
        alice, bob = login(core, rec, "alice"), login(core, rec, "bob")
        transport = alice._transport
        assert isinstance(transport, net.WsTransport)
        with pytest.raises(RuntimeError, match="not dropped"):
            transport.restore()
        transport.drop()
        assert transport.dropped
        with pytest.raises(RuntimeError, match="already dropped"):
            transport.drop()
        wait_until(lambda: alice.connectionState is S.CONNECTION_STATE_RECONNECTING, 5, "down")
        assert bob.sendMessageToPeer("alice", bob.createMessage("while away")) == 0
        wait_until(lambda: rec.of("bob", "onSendMessageResult"), 5, "bob's answer")
        time.sleep(0.3)  # several backoff periods: a dropped link must not come back alone
        assert alice.connectionState is S.CONNECTION_STATE_RECONNECTING
        assert not connected(alice)
        transport.restore()
        wait_until(lambda: alice.connectionState is S.CONNECTION_STATE_CONNECTED, 5, "back")
        wait_until(lambda: rec.texts("alice") == ["while away"], 5, "the held message")
        metrics = gateway.call(gateway.gateway.metrics.render)
        assert "rtm_sessions_lost_total 1.0" in metrics.splitlines()


def test_text_that_is_not_unicode_fails_its_request_only(gateway: GatewayThread) -> None:
    """A message holding a lone surrogate cannot be written as UTF-8: the transport sends it
    escaped, the gateway refuses it (bad_text) and that request fails; the requests written
    with it are carried out as usual."""
    rec = Recorder()
    with network_core(gateway.url) as core_a, network_core(gateway.url) as core_b:
        alice = login(core_a, rec, "alice")
        login(core_b, rec, "bob")
        outcomes: dict[str, int] = {}

        class Outcome(rtm.ResultCallback[None]):
            def __init__(self, text: str) -> None:
                self.text = text

            def onSuccess(self, responseInfo: None) -> None:
                outcomes[self.text] = 0

            def onFailure(self, errorInfo: rtm.ErrorInfo) -> None:
                outcomes[self.text] = errorInfo.errorCode

        for text in ("before", "odd\ud800", "after"):
            message = alice.createMessage(text)
            assert alice.sendMessageToPeer("bob", message, None, Outcome(text)) == 0
        wait_until(lambda: len(outcomes) == 3, 5, "an outcome for every message")
        assert outcomes == {"before": 0, "odd\ud800": 1, "after": 0}
        wait_until(lambda: rec.texts("bob") == ["before", "after"], 5)


def test_check_reachable_finds_the_node_that_answers(gateway: GatewayThread) -> None:
    from tests.rtm.netkit import free_port

    dead = f"ws://127.0.0.1:{free_port()}"
    assert net.check_reachable(f"{dead},{gateway.url}") == gateway.url
    with pytest.raises(ConnectionError) as caught:
        net.check_reachable(dead)
    assert str(caught.value).startswith(f"no gateway answers at {dead}: ")
    with pytest.raises(ValueError, match="not a ws://"):
        net.check_reachable("http://127.0.0.1:1")


#: A legacy app over SIG2RTM_URL: logs in, then (with LOGOUT) logs out, then exits.
EXITING_APP = """
import sys, threading
from adapters.signaling import getInstance
from legacy_signaling import ICallBack

done = threading.Event()
logout = sys.argv[1] == "logout"

class Handler(ICallBack):
    def onLoginSuccess(self, uid, fd):
        print("in", flush=True)
        sig.logout() if logout else done.set()
    def onLogout(self, ecode):
        done.set()

sig = getInstance("my-app-id")
sig.callbackSet(Handler())
sig.login("my-app-id", "alice", "_no_need_token", 0, "")
assert done.wait(10)
"""


@pytest.mark.parametrize("ending", ["logout", "exit"])
def test_an_app_that_ends_cleanly_is_not_a_lost_session(
    gateway: GatewayThread, ending: str
) -> None:
    """logout() then exit, or exit alone: the gateway counts a closed session, none lost."""
    import os
    import subprocess
    import sys

    from tests.rtm.netkit import REPO

    env = {k: v for k, v in os.environ.items() if not k.startswith("SIG2RTM_")}
    done = subprocess.run(
        [sys.executable, "-c", EXITING_APP, ending],
        env={**env, "PYTHONPATH": str(REPO), "SIG2RTM_URL": gateway.url},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "in\n"
    metrics = gateway.gateway.metrics
    wait_until(lambda: metrics.value("rtm_sessions_closed_total") >= 1, 5, "the close")
    assert metrics.value("rtm_sessions_lost_total") == 0
    assert gateway.call(lambda: gateway.gateway.service.session_count) == 0
