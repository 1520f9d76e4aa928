"""Faults on two gateway nodes sharing Redis: a node killed (SIGKILL) or stopped (SIGTERM),
Redis restarted. Clients are ordinary RTM clients given both nodes' URLs."""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import rtm
from rtm import CONNECTION_STATE as S
from rtm import PEER_ONLINE_STATE, net
from rtm import protocol as p
from tests.rtm.netkit import (
    APP,
    GatewayProcess,
    GatewayThread,
    Raw,
    Recorder,
    RedisServer,
    wait_until,
)

NODE_ARGS = ("--heartbeat", "0.2", "--node-ttl", "1.5", "--ping-interval", "0.5",
             "--ping-timeout", "1", "--shutdown-grace", "3", "--rates", "unlimited")  # fmt: skip


@pytest.fixture
def cluster(redis_server: RedisServer) -> Iterator[tuple[GatewayProcess, GatewayProcess]]:
    redis_server.flush()
    a = GatewayProcess("--backend", redis_server.url, "--node-id", "na", *NODE_ARGS)
    b = GatewayProcess("--backend", redis_server.url, "--node-id", "nb", *NODE_ARGS)
    yield a, b
    a.close()
    b.close()


class Outcomes:
    """Outcome (0 or the error code) of every peer message a client sent, by text."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self._lock = threading.Lock()

    def send(self, client: rtm.RtmClient, peer: str, text: str) -> None:
        outcomes = self

        class Outcome(rtm.ResultCallback[None]):
            def onSuccess(self, responseInfo: None) -> None:
                outcomes._set(text, 0)

            def onFailure(self, errorInfo: rtm.ErrorInfo) -> None:
                outcomes._set(text, errorInfo.errorCode)

        assert client.sendMessageToPeer(peer, client.createMessage(text), None, Outcome()) == 0

    def _set(self, text: str, code: int) -> None:
        with self._lock:
            self.codes[text] = code

    def acknowledged(self) -> set[str]:
        """Messages reported sent (0) or cached by the server (4)."""
        with self._lock:
            return {t for t, c in self.codes.items() if c in (0, 4)}


def client(core: net.NetworkCore, rec: Recorder, name: str) -> rtm.RtmClient:
    c = rtm.createRtmService(core)
    assert c.initialize(APP, rec.handler(name)) == 0
    assert c.login(None, name) == 0
    wait_until(lambda: rec.of(name, "onLoginSuccess"), 5, f"{name} logged in")
    return c


def node_of(c: rtm.RtmClient) -> str | None:
    transport = c._transport
    assert isinstance(transport, net.WsTransport)
    return transport.node


def joined(c: rtm.RtmClient, rec: Recorder, name: str) -> Any:
    channel = c.createChannel("room", rec.handler(f"{name}/room", rtm.IChannelEventHandler))
    assert channel is not None
    channel.join()
    wait_until(lambda: rec.of(f"{name}/room", "onJoinSuccess"), 5, f"{name} joined")
    return channel


def test_sigkill_clients_move_to_the_other_node_and_nothing_acknowledged_is_lost(
    cluster: tuple[GatewayProcess, GatewayProcess],
) -> None:
    a, b = cluster
    rec, sent = Recorder(), Outcomes()
    core_a = net.connect_core([a.url, b.url], ping_interval=0.5, ping_timeout=1.0)
    core_b = net.connect_core([b.url, a.url], ping_interval=0.5, ping_timeout=1.0)
    try:
        alice, bob = client(core_a, rec, "alice"), client(core_b, rec, "bob")
        assert (node_of(alice), node_of(bob)) == ("na", "nb")
        joined(alice, rec, "alice")
        bob_room = joined(bob, rec, "bob")
        # A user on the doomed node that will never come back.
        ghost = Raw(a.url)
        assert ghost.login("ghost").code == 0
        assert ghost.request(lambda r: p.Join(r, "room")).code == 0
        bob.subscribePeersOnlineStatus(["ghost"])
        wait_until(lambda: rec.of("bob", "onPeersOnlineStatusChanged"))
        for n in range(5):
            sent.send(bob, "alice", f"before-{n}")
        wait_until(lambda: len(rec.texts("alice")) == 5, 5, "messages before the kill")

        a.kill()
        for n in range(20):
            sent.send(bob, "alice", f"during-{n}")
        wait_until(lambda: node_of(alice) == "nb", 10, "alice on the other node")
        wait_until(lambda: alice.connectionState is S.CONNECTION_STATE_CONNECTED, 10)
        for n in range(5):
            sent.send(bob, "alice", f"after-{n}")
        wait_until(lambda: len(sent.codes) == 30, 10, "an outcome for every message")
        acknowledged = sent.acknowledged()
        assert len(acknowledged) >= 25, sent.codes
        wait_until(lambda: acknowledged <= set(rec.texts("alice")), 10, "every acked message")

        # Rejoined: the channel still carries messages both ways.
        bob_room.sendMessage(bob.createMessage("room after"))
        wait_until(lambda: rec.of("alice/room", "onMessageReceived"), 5, "channel message")
        alice.sendMessageToPeer("bob", alice.createMessage("back"))
        wait_until(lambda: "back" in rec.texts("bob"), 5)

        # The ghost: offline once the dead node's TTL has passed, then ended for good.
        def ghost_offline() -> bool:
            states = [e[0][0] for e in rec.of("bob", "onPeersOnlineStatusChanged")]
            return any(
                s.peerId == "ghost" and s.onlineState == PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE
                for s in states
            )

        wait_until(ghost_offline, 10, "ghost reported offline")
        wait_until(lambda: any(m[0].userId == "ghost" for m in rec.of("bob/room", "onMemberLeft")))
        bob_room.getMembers()
        wait_until(lambda: rec.of("bob/room", "onGetMembers"))
        members = sorted(m.userId for m in rec.of("bob/room", "onGetMembers")[-1][0])
        assert members == ["alice", "bob"]
    finally:
        core_a.close()
        core_b.close()


def test_sigterm_moves_clients_without_anyone_seeing_them_leave(
    cluster: tuple[GatewayProcess, GatewayProcess],
) -> None:
    a, b = cluster
    rec = Recorder()
    core_a = net.connect_core([a.url, b.url], ping_interval=0.5, ping_timeout=1.0)
    core_b = net.connect_core([b.url], ping_interval=0.5, ping_timeout=1.0)
    try:
        alice, bob = client(core_a, rec, "alice"), client(core_b, rec, "bob")
        joined(alice, rec, "alice")
        bob_room = joined(bob, rec, "bob")
        wait_until(lambda: rec.of("alice/room", "onMemberJoined"))
        assert a.terminate() == 0
        assert any('"gateway stopped"' in line for line in a.log)
        wait_until(lambda: node_of(alice) == "nb", 10, "alice on the other node")
        wait_until(lambda: alice.connectionState is S.CONNECTION_STATE_CONNECTED, 10)
        bob_room.sendMessage(bob.createMessage("still with us?"))
        wait_until(lambda: rec.of("alice/room", "onMessageReceived"), 5)
        assert rec.of("bob/room", "onMemberLeft") == [], "a resumed session never left"
    finally:
        core_a.close()
        core_b.close()


def test_redis_restart_service_resumes() -> None:
    server = RedisServer()
    gateways = [
        GatewayThread(backend=server.url, node_id=n, heartbeat=0.1, node_ttl=5.0)
        for n in ("na", "nb")
    ]
    rec, sent = Recorder(), Outcomes()
    cores = [net.connect_core(g.url, ping_interval=0.5, ping_timeout=1.0) for g in gateways]
    try:
        alice, bob = client(cores[0], rec, "alice"), client(cores[1], rec, "bob")
        joined(alice, rec, "alice")
        bob_room = joined(bob, rec, "bob")
        sent.send(bob, "alice", "before")
        wait_until(lambda: rec.texts("alice") == ["before"])

        server.stop()
        wait_until(lambda: not gateways[1].gateway.backend.healthy, 5, "nb notices")  # type: ignore[attr-defined]
        for n in range(3):
            sent.send(bob, "alice", f"during-{n}")
        server.start()
        for gateway in gateways:
            wait_until(functools.partial(lambda g: g.gateway.backend.healthy, gateway), 10)

        wait_until(lambda: len(sent.codes) == 4, 10)
        for n in range(3):
            sent.send(bob, "alice", f"after-{n}")
        wait_until(lambda: len(sent.codes) == 7, 10)
        assert {f"after-{n}" for n in range(3)} <= sent.acknowledged(), str(sent.codes)
        wait_until(lambda: sent.acknowledged() <= set(rec.texts("alice")), 10, "acked messages")
        # Membership and presence survived (Redis keeps its data in its append-only file).
        bob_room.sendMessage(bob.createMessage("room after restart"))
        wait_until(lambda: rec.of("alice/room", "onMessageReceived"), 5)
        bob.queryPeersOnlineStatus(["alice"])
        wait_until(lambda: rec.of("bob", "onQueryPeersOnlineStatusResult"))
        assert rec.of("bob", "onQueryPeersOnlineStatusResult")[0][1][0].isOnline
    finally:
        for core in cores:
            core.close()
        for gateway in gateways:
            gateway.stop()
        server.close()


def hi(req: int, peer: str) -> p.SendPeer:
    return p.SendPeer(req, peer, p.Payload(1, "hi"), False)


RESTART_ARGS = ("--heartbeat", "0.2", "--node-ttl", "5", "--ping-interval", "0.5",
                "--ping-timeout", "1", "--rates", "unlimited")  # fmt: skip


def test_a_node_restarted_under_the_same_id_takes_nothing_it_cannot_deliver(
    redis_server: RedisServer,
) -> None:
    """SIGKILL node nb; its users log in again on na at once; nb comes back under the same
    id 1.5 s later (well within node_ttl, so nobody has declared it dead). Peer messages sent
    to those users right after the kill, still routed to their dead sessions, reach the new
    nb: every one it acknowledges (0) reaches the user's new session on na."""
    redis_server.flush()
    a = GatewayProcess("--backend", redis_server.url, "--node-id", "na", *RESTART_ARGS)
    b = GatewayProcess("--backend", redis_server.url, "--node-id", "nb", *RESTART_ARGS)
    again: GatewayProcess | None = None
    users = [f"u{n}" for n in range(3)]
    try:
        sender = Raw(a.url)
        assert sender.login("sender").code == 0
        on_b = [Raw(b.url) for _ in users]
        for raw, user in zip(on_b, users, strict=True):
            assert raw.login(user).code == 0
        # The sender's node has routed to them once (its route cache holds the sessions).
        for user in users:
            hello = sender.request(functools.partial(hi, peer=user))
            assert hello.code == 0

        b.kill()
        reqs: dict[int, tuple[str, str]] = {}
        for n in range(3):
            for user in users:
                req = 100 + len(reqs)
                sender.send(p.SendPeer(req, user, p.Payload(1, f"{user}-{n}"), False))
                reqs[req] = (user, f"{user}-{n}")
        on_a = [Raw(a.url) for _ in users]
        for raw, user in zip(on_a, users, strict=True):
            assert raw.login(user).code == 0
        time.sleep(1.5)
        again = GatewayProcess("--backend", redis_server.url, "--node-id", "nb", *RESTART_ARGS)

        codes: dict[int, int] = {}
        while len(codes) < len(reqs):
            frame = sender.next(timeout=15)
            if isinstance(frame, p.Result) and frame.req in reqs:
                codes[frame.req] = frame.code
        acknowledged = {reqs[r] for r, code in codes.items() if code in (0, 4)}
        failed = {reqs[r] for r, code in codes.items() if code not in (0, 4)}
        assert acknowledged, f"re-routed, not timed out: {codes}"
        received: set[tuple[str, str]] = set()

        def all_arrived() -> bool:
            for raw, user in zip(on_a, users, strict=True):
                with contextlib.suppress(TimeoutError):
                    while True:
                        frame = raw.next(timeout=0.05)
                        if isinstance(frame, p.PeerMessageIn):
                            received.add((user, frame.payload.text))
            return acknowledged <= received

        wait_until(all_arrived, 10, f"every acknowledged message delivered: {acknowledged}")
        assert not (failed & received), "a message reported failed was delivered"
        # The new nb says what it did (the old code confirmed and dropped them, silently).
        with urllib.request.urlopen(f"http://127.0.0.1:{again.port}/metrics", timeout=5) as r:
            metrics = r.read().decode()
        name = "rtm_redis_rerouted_total "
        (rerouted,) = [ln for ln in metrics.splitlines() if ln.startswith(name)]
        assert float(rerouted.split()[-1]) >= len(acknowledged)
        for node in (a, b, again):
            assert not [line for line in node.log if "Traceback" in line], node.log
    finally:
        a.close()
        b.close()
        if again is not None:
            again.close()
