"""The Redis backend against a real redis-server: the Backend contract (same answers as the
memory backend), and what only many nodes have — dead nodes, gaps, re-routing, outages."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from rtm import codec
from rtm import protocol as p
from rtm.scheduler import ThreadedScheduler
from rtm.service.backend import Backend
from rtm.service.memory import MemoryBackend
from rtm.service.redis import RedisBackend
from tests.rtm.netkit import RedisServer, wait_until

APP = "0123456789abcdef0123456789abcdef"
MSG = p.PeerMessageIn("bob", p.Payload(1, "hi"), 5)


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    s = RedisServer()
    yield s
    s.close()


class Node:
    """A started RedisBackend with a recording sink, on a threaded scheduler."""

    def __init__(self, server: RedisServer, node_id: str, **options: Any) -> None:
        self.scheduler = ThreadedScheduler(node_id)
        self.backend = RedisBackend(server.url, node_id, **options)
        self.got: list[tuple[str, p.ServerFrame]] = []
        self._lock = threading.Lock()
        self.backend.attach(self._sink)
        self.backend.start(self.scheduler)

    def _sink(self, session: str, frame: p.ServerFrame) -> None:
        with self._lock:
            self.got.append((session, frame))

    def call(self, fn: Any, *args: Any) -> Any:
        """Run a backend call as the service would: under the scheduler lock, then flush."""
        with self.scheduler.lock:
            result = fn(*args)
            self.backend.flush()
            return result

    def close(self) -> None:
        self.backend.stop(deregister=False)
        self.scheduler.close()


@pytest.fixture
def nodes(server: RedisServer) -> Iterator[Any]:
    server.flush()
    made: list[Node] = []

    def make(node_id: str, **options: Any) -> Node:
        options.setdefault("heartbeat", 0.1)
        node = Node(server, node_id, **options)
        made.append(node)
        return node

    yield make
    for node in made:
        node.close()


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest, server: RedisServer) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend()
        return
    server.flush()
    b = RedisBackend(server.url, "n1")
    yield b
    b.stop()


# --- the contract, on both backends -------------------------------------------------------


def test_binding_users_to_sessions(backend: Backend) -> None:
    assert backend.bind_user(APP, "alice", "n1:1") is None
    assert backend.session_of(APP, "alice") == "n1:1"
    assert backend.bind_user(APP, "alice", "n1:2") == "n1:1"
    assert backend.bind_user(APP, "alice", "n1:2") is None, "rebinding the same is no change"
    assert backend.unbind_user(APP, "alice", "n1:1") is False, "only the current session"
    assert backend.session_of(APP, "alice") == "n1:2"
    assert backend.unbind_user(APP, "alice", "n1:2") is True
    assert backend.session_of(APP, "alice") is None
    assert backend.session_of("fedcba9876543210fedcba9876543210", "alice") is None


def test_subscriptions_and_watchers(backend: Backend) -> None:
    backend.subscribe(APP, "n1:1", ["bob", "carol"])
    backend.subscribe(APP, "n1:2", ["bob"])
    assert backend.subscriptions(APP, "n1:1") == {"bob", "carol"}
    assert sorted(backend.watchers(APP, "bob")) == ["n1:1", "n1:2"]
    backend.unsubscribe(APP, "n1:1", ["bob"])
    assert backend.watchers(APP, "bob") == ["n1:2"]
    backend.drop_subscriptions(APP, "n1:1")
    assert backend.subscriptions(APP, "n1:1") == frozenset()
    assert backend.watchers(APP, "carol") == []


def test_channels_keep_join_order(backend: Backend) -> None:
    for user, sid in (("carol", "n1:3"), ("alice", "n1:1"), ("bob", "n1:2")):
        backend.bind_user(APP, user, sid)
        assert backend.join(APP, "room", user) is True
    assert backend.join(APP, "room", "alice") is False
    backend.join(APP, "hall", "alice")
    assert backend.members(APP, "room") == ["carol", "alice", "bob"]
    assert backend.member_count(APP, "room") == 3
    assert backend.channels_of(APP, "alice") == ["room", "hall"]
    assert backend.leave(APP, "room", "alice") is True
    assert backend.leave(APP, "room", "alice") is False
    assert backend.members(APP, "room") == ["carol", "bob"]
    assert backend.channels_of(APP, "alice") == ["hall"]
    assert backend.members(APP, "nowhere") == [] and backend.member_count(APP, "nowhere") == 0


def test_attributes_replace_and_clear(backend: Backend) -> None:
    backend.replace_user_attrs(APP, "alice", {"a": "1", "b": "2"})
    backend.replace_user_attrs(APP, "alice", {"b": "3"})
    assert backend.user_attrs(APP, "alice") == {"b": "3"}
    backend.replace_user_attrs(APP, "alice", {})
    assert backend.user_attrs(APP, "alice") == {}
    attr = p.ChannelAttr("topic", "news ✓", "alice", 1234)
    backend.replace_channel_attrs(APP, "room", {"topic": attr})
    assert backend.channel_attrs(APP, "room") == {"topic": attr}
    backend.replace_channel_attrs(APP, "room", {})
    assert backend.channel_attrs(APP, "room") == {}


def test_offline_messages_keep_the_newest_and_drop_expired(backend: Backend) -> None:
    for n in range(5):
        message = p.PeerMessageIn("bob", p.Payload(1, f"m{n}", b"\x00"), n, offline=True)
        backend.push_offline(APP, "alice", message, 3, 100.0 if n != 3 else 10.0)
    out = backend.pop_offline(APP, "alice", 50.0)
    assert all(isinstance(m, p.PeerMessageIn) for m in out)
    assert [m.payload.text for m in out if isinstance(m, p.PeerMessageIn)] == ["m2", "m4"]
    assert out[0] == p.PeerMessageIn("bob", p.Payload(1, "m2", b"\x00"), 2, offline=True)
    assert backend.pop_offline(APP, "alice", 50.0) == [], "popped means gone"


# --- many nodes -------------------------------------------------------------------------


def test_delivery_goes_to_the_node_of_the_session(nodes: Any) -> None:
    a, b = nodes("na"), nodes("nb")
    a.call(a.backend.bind_user, APP, "alice", "na:1")
    b.call(b.backend.bind_user, APP, "bob", "nb:1")
    b.call(b.backend.bind_user, APP, "carol", "nb:2")
    a.call(a.backend.deliver, "nb:1", MSG)
    a.call(a.backend.deliver_many, ["nb:1", "na:1", "nb:2"], MSG)
    wait_until(lambda: len(b.got) == 3)
    assert b.got == [("nb:1", MSG), ("nb:1", MSG), ("nb:2", MSG)]
    assert a.got == [("na:1", MSG)], "local sessions are served without Redis"
    assert b.backend.stats["gaps"] == 0


def test_route_cache_follows_binds_on_other_nodes(nodes: Any) -> None:
    a, b = nodes("na"), nodes("nb")
    assert b.call(b.backend.session_of, APP, "alice") is None  # now cached as offline
    a.call(a.backend.bind_user, APP, "alice", "na:1")
    wait_until(lambda: b.call(b.backend.session_of, APP, "alice") == "na:1", 2, "invalidation")
    a.call(a.backend.unbind_user, APP, "alice", "na:1")
    wait_until(lambda: b.call(b.backend.session_of, APP, "alice") is None, 2, "invalidation")


def test_a_dead_node_leaves_no_ghosts_beyond_its_ttl(nodes: Any, server: RedisServer) -> None:
    b = nodes("nb", node_ttl=0.5)
    client = redis.Redis(port=server.port, decode_responses=True)
    # Node "na" registered once, then died (no more heartbeats), with a user in a channel.
    client.zadd("rtm:nodes", {"na": time.time()})
    ghost = RedisBackend(server.url, "na")
    ghost.bind_user(APP, "ghost", "na:1")
    ghost.join(APP, "room", "ghost")
    ghost.subscribe(APP, "na:1", ["bob"])
    b.call(b.backend.bind_user, APP, "bob", "nb:1")
    b.call(b.backend.join, APP, "room", "bob")
    assert b.call(b.backend.members, APP, "room") == ["ghost", "bob"]
    wait_until(lambda: b.call(b.backend.session_of, APP, "ghost") is None, 3, "ghost expiry")
    assert b.call(b.backend.members, APP, "room") == ["bob"]
    assert b.call(b.backend.watchers, APP, "bob") == []
    # The reaper's view: claimed once, and the dead node is forgotten afterwards.
    found = wait_until(lambda: b.call(b.backend.dead_sessions), 3, "dead sessions")
    assert found == [("na", APP, "ghost", "na:1")]
    b.call(b.backend.reaped, "na")
    assert client.zscore("rtm:nodes", "na") is None
    client.close()
    ghost._r.close()


def test_gaps_in_a_senders_sequence_are_counted(nodes: Any, server: RedisServer) -> None:
    b = nodes("nb")
    b.call(b.backend.bind_user, APP, "bob", "nb:1")
    client = redis.Redis(port=server.port, decode_responses=True)
    frame = codec.to_obj(MSG)
    for seq in (1, 2, 5):
        envelope = {"f": "na", "e": "epoch1", "s": seq, "i": [[["nb:1"], frame]]}
        client.publish("rtm:node:nb", json.dumps(envelope))
    wait_until(lambda: len(b.got) == 3)
    assert b.backend.stats["gaps"] == 2
    # A new epoch (the sender restarted) starts a new sequence: no gap.
    client.publish("rtm:node:nb", json.dumps({"f": "na", "e": "epoch2", "s": 1, "i": []}))
    wait_until(lambda: b.backend.stats["received"] == 4)
    assert b.backend.stats["gaps"] == 2
    client.close()


def test_peer_messages_for_a_dead_node_are_kept_offline(nodes: Any, server: RedisServer) -> None:
    a = nodes("na")
    ghost = RedisBackend(a.backend.url, "gone")
    ghost.bind_user(APP, "alice", "gone:1")  # bound, but nobody listens for node "gone"
    client = redis.Redis(port=server.port)
    client.zadd("rtm:nodes", {"gone": time.time() - 100})  # its last heartbeat, long ago
    client.close()
    wait_until(lambda: "gone" in a.backend._dead, 2, "the dead node noticed")
    a.call(a.backend.deliver, "gone:1", MSG)
    assert a.backend.stats["kept_offline"] == 1
    (kept,) = a.call(a.backend.pop_offline, APP, "alice", time.time())
    assert kept == p.PeerMessageIn("bob", p.Payload(1, "hi"), 5, offline=True)
    ghost._r.close()


def test_unheard_envelopes_for_a_live_node_are_published_again(
    nodes: Any, server: RedisServer
) -> None:
    a = nodes("na")
    client: Any = redis.Redis(port=server.port, decode_responses=True)
    client.zadd("rtm:nodes", {"late": time.time() + 3600})  # alive, listener not up yet
    a.call(a.backend.deliver, "late:1", MSG)
    assert a.backend.stats["kept_offline"] == 0
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe("rtm:node:late")
    message = wait_until(lambda: pubsub.get_message(timeout=0.1), 3, "the republished envelope")
    envelope = json.loads(message["data"])
    assert envelope["i"] == [[["late:1"], codec.to_obj(MSG)]] and envelope["s"] == 1
    pubsub.close()
    client.close()


def test_peer_messages_for_a_moved_session_follow_the_user(nodes: Any) -> None:
    a, b = nodes("na"), nodes("nb")
    b.call(b.backend.bind_user, APP, "alice", "nb:1")
    b.call(b.backend.bind_user, APP, "alice", "nb:2")  # resumed: nb:1 is gone
    a.call(a.backend.deliver, "nb:1", MSG)  # a stale route
    wait_until(lambda: b.got)
    assert b.got == [("nb:2", MSG)]
    assert b.backend.stats["rerouted"] == 1


def test_a_session_logged_in_again_gets_its_own_peer_messages(nodes: Any) -> None:
    """A session whose user was logged out (or kicked) and that logs in as someone else is
    live again: peer messages for it are its own, not re-routed to the old user."""
    a, b = nodes("na"), nodes("nb")
    b.call(b.backend.bind_user, APP, "alice", "nb:1")
    b.call(b.backend.unbind_user, APP, "alice", "nb:1")  # recently ended...
    b.call(b.backend.bind_user, APP, "carol", "nb:1")  # ...and logged in again
    a.call(a.backend.deliver, "nb:1", MSG)
    wait_until(lambda: b.got)
    assert b.got == [("nb:1", MSG)]
    assert b.backend.stats["rerouted"] == 0 and b.backend.stats["kept_offline"] == 0


def test_peer_messages_to_another_node_are_confirmed_by_it(nodes: Any) -> None:
    a, b = nodes("na"), nodes("nb")
    a.call(a.backend.bind_user, APP, "alice", "na:1")
    b.call(b.backend.bind_user, APP, "bob", "nb:1")
    receipts: list[str] = []
    assert a.call(a.backend.deliver_peer, "na:1", MSG, lambda: receipts.append("local")) is True
    assert a.got == [("na:1", MSG)] and receipts == [], "handed over at once, no receipt"
    sent = a.call(a.backend.deliver_peer, "nb:1", MSG, lambda: receipts.append("nb"))
    assert sent is False, "on its way"
    wait_until(lambda: receipts, 2, "the receipt")
    assert b.got == [("nb:1", MSG)], "confirmed after the other node handed it over"
    assert receipts == ["nb"]


def test_a_throttled_job_runs_on_one_node_at_a_time(nodes: Any) -> None:
    a, b = nodes("na"), nodes("nb")
    assert a.call(a.backend.claim, APP, "count:room", 5.0) is True
    assert b.call(b.backend.claim, APP, "count:room", 5.0) is False, "a holds it"
    b.call(b.backend.release, APP, "count:room")  # not b's to give back: no effect
    assert b.call(b.backend.claim, APP, "count:room", 5.0) is False
    a.call(a.backend.release, APP, "count:room")
    assert b.call(b.backend.claim, APP, "count:room", 5.0) is True
    assert a.call(a.backend.claim, APP, "count:other", 0.05) is True
    time.sleep(0.1)
    assert b.call(b.backend.claim, APP, "count:other", 5.0) is True, "a dead holder's lapses"


def test_memory_backend_needs_no_claims() -> None:
    backend = MemoryBackend()
    assert backend.claim(APP, "count:room", 1.0) is True
    assert backend.claim(APP, "count:room", 1.0) is True, "one node: the service dedups"
    got: list[tuple[str, p.ServerFrame]] = []
    backend.attach(lambda session, frame: got.append((session, frame)))
    assert backend.deliver_peer("n:1", MSG, lambda: got.append(("receipt", MSG))) is True
    assert got == [("n:1", MSG)]


# --- a node restarted under the same id ----------------------------------------------------


def test_a_restarted_node_reroutes_peer_messages_for_its_predecessors_sessions(
    nodes: Any,
) -> None:
    """The predecessor of "nb" bound alice, then died (SIGKILL: nothing unbound); alice
    logged in again on "na"; a sender still routes to the old session, and the envelope
    reaches the new "nb": it re-routes the message and confirms it, it does not drop it."""
    old = nodes("nb")
    old_session = f"nb:{old.backend.incarnation}.1"
    old.call(old.backend.bind_user, APP, "alice", old_session)
    old.close()  # like SIGKILL: no unbind, no deregistration
    a, c = nodes("na"), nodes("nc")
    a.call(a.backend.bind_user, APP, "alice", "na:1")
    new = nodes("nb")
    assert new.backend.incarnation != old.backend.incarnation
    receipts: list[str] = []
    assert c.call(c.backend.deliver_peer, old_session, MSG, lambda: receipts.append("ok")) is False
    wait_until(lambda: receipts, 3, "the receipt from the new nb")
    assert a.got == [("na:1", MSG)], "delivered to alice's current session"
    assert new.got == [] and new.backend.stats["rerouted"] == 1


def test_a_restarted_node_keeps_offline_what_its_predecessors_sessions_cannot_take(
    nodes: Any,
) -> None:
    old = nodes("nb")
    old_session = f"nb:{old.backend.incarnation}.1"
    old.call(old.backend.bind_user, APP, "alice", old_session)
    old.close()
    new = nodes("nb")
    got: list[str] = []
    # A sender on the new node itself, its route still naming the dead session.
    assert new.call(new.backend.deliver_peer, old_session, MSG, lambda: got.append("x")) is True
    assert new.got == [], "not handed to a session of this process"
    (kept,) = new.call(new.backend.pop_offline, APP, "alice", time.time())
    assert kept == p.PeerMessageIn("bob", p.Payload(1, "hi"), 5, offline=True)
    # Neither path can make one up: an unknown session gets no receipt (the sender times out).
    assert new.call(new.backend.deliver_peer, "nb:unknown.1", MSG, lambda: got.append("y")) is False
    assert got == [] and new.backend.stats["dropped"] == 1


def received(node: Node, n: int) -> bool:
    return bool(node.backend.stats["received"] == n)


def test_receipts_for_a_predecessor_are_not_taken_for_ones_own(
    nodes: Any, server: RedisServer
) -> None:
    """Receipt numbers restart with each process: a receipt names the process it is for."""
    a = nodes("na")
    receipts: list[str] = []
    # Its first peer message (receipt 1), to a node that does not answer yet.
    assert a.call(a.backend.deliver_peer, "nc:1", MSG, lambda: receipts.append("1")) is False
    client = redis.Redis(port=server.port, decode_responses=True)
    for n, epoch in enumerate(("a-predecessor", a.backend.incarnation), start=1):
        envelope = {"f": "nc", "e": "nc-epoch", "s": n, "i": [], "r": [[epoch, 1]]}
        client.publish("rtm:node:na", json.dumps(envelope))
        wait_until(functools.partial(received, a, n), 3, f"envelope {n} handled")
        assert receipts == ([] if n == 1 else ["1"]), epoch
    client.close()
