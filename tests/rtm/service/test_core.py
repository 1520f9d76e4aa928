"""The RTM service as a sans-I/O core: frames in, frames out, on virtual time."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtm import protocol as p
from rtm.enums import CONNECTION_CHANGE_REASON, PEER_ONLINE_STATE
from rtm.errors import (
    ATTRIBUTE_OPERATION_ERR,
    GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
    JOIN_CHANNEL_ERR,
    LOGIN_ERR_CODE,
    PEER_MESSAGE_ERR_CODE,
)
from rtm.limits import Limits
from rtm.scheduler import DeterministicScheduler
from rtm.service.core import RtmService, ServiceConfig
from rtm.service.memory import MemoryBackend

APP = "0123456789abcdef0123456789abcdef"
TEXT = p.Payload(1, "hi")


class Node:
    """A service with sessions whose frames are recorded."""

    def __init__(self, config: ServiceConfig | None = None) -> None:
        self.sched = DeterministicScheduler()
        self.backend = MemoryBackend()
        self.service = RtmService(self.backend, self.sched, config)
        self.frames: dict[str, list[p.ServerFrame]] = {}
        self.reqs = 0

    def session(self, user: str | None = None) -> str:
        frames: list[p.ServerFrame] = []
        sid = self.service.open_session(frames.append)
        self.frames[sid] = frames
        if user is not None:
            assert self.request(sid, lambda r: p.Login(r, APP, user, None)).code == 0
        return sid

    def request(self, sid: str, make: Any) -> p.Result:
        self.reqs += 1
        req = self.reqs
        self.service.receive(sid, make(req))
        results = [f for f in self.frames[sid] if isinstance(f, p.Result) and f.req == req]
        assert len(results) == 1, results
        return results[0]

    def pushed(self, sid: str, kind: type) -> list[Any]:
        return [f for f in self.frames[sid] if isinstance(f, kind)]


def test_sessions_open_and_close() -> None:
    node = Node()
    a = node.session("alice")
    b = node.session()
    assert node.service.session_count == 2
    assert a != b
    node.service.close_session(a)
    node.service.close_session(a)  # twice: harmless
    assert node.service.session_count == 1
    assert node.backend.session_of(APP, "alice") is None


def test_requests_before_login_are_not_logged_in() -> None:
    node = Node()
    sid = node.session()
    for make in (
        lambda r: p.SendPeer(r, "bob", TEXT, False),
        lambda r: p.Join(r, "room"),
        p.Logout,
        lambda r: p.GetUserAttrs(r, "bob", None),
        lambda r: p.CallSignal(r, "invite", "bob", "c1"),
    ):
        result = node.request(sid, make)
        assert (result.code, result.value) == (102, "not logged in")


def test_unknown_frames_and_unknown_sessions() -> None:
    node = Node()
    sid = node.session("alice")
    node.service.receive(sid, object())  # type: ignore[arg-type]
    last = node.frames[sid][-1]
    assert isinstance(last, p.Result) and last.code == 1 and "unknown frame" in last.value
    node.service.receive("nope", p.Logout(1))  # dropped with a warning, no exception


def test_internal_errors_answer_failure_and_are_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = Node()
    sid = node.session("alice")

    def broken(*args: Any) -> Any:
        raise RuntimeError("backend down")

    monkeypatch.setattr(node.backend, "session_of", broken)
    with caplog.at_level(logging.ERROR, logger="rtm.service"):
        result = node.request(sid, lambda r: p.SendPeer(r, "bob", TEXT, False))
    assert (result.code, result.value) == (1, "internal error")
    assert any("service failed" in r.getMessage() for r in caplog.records)


def test_login_checks() -> None:
    node = Node()
    sid = node.session()
    assert node.request(sid, lambda r: p.Login(r, "short", "alice", None)).code == (
        LOGIN_ERR_CODE.LOGIN_ERR_INVALID_APP_ID
    )
    bad = node.request(sid, lambda r: p.Login(r, APP, "null", None))
    assert bad.code == LOGIN_ERR_CODE.LOGIN_ERR_INVALID_ARGUMENT and "null" in bad.value
    node.sched.advance(1.0)
    assert node.request(sid, lambda r: p.Login(r, APP, "alice", None)).code == 0
    again = node.request(sid, lambda r: p.Login(r, APP, "alice", None))
    assert again.code == LOGIN_ERR_CODE.LOGIN_ERR_ALREADY_LOGIN


def test_remote_login_kicks_and_cleans_the_old_session() -> None:
    node = Node()
    old = node.session("alice")
    watcher = node.session("watcher")
    assert node.request(watcher, lambda r: p.Subscribe(r, ("alice",))).code == 0
    assert node.request(old, lambda r: p.Join(r, "room")).code == 0
    assert node.request(old, lambda r: p.Subscribe(r, ("watcher",))).code == 0
    assert node.request(watcher, lambda r: p.Join(r, "room")).code == 0
    new = node.session("alice")
    assert node.pushed(old, p.Kicked) == [
        p.Kicked(int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN))
    ]
    assert node.pushed(watcher, p.MemberLeftIn) == [p.MemberLeftIn("room", "alice")]
    # alice never went offline for the watcher (only the initial state was pushed)
    assert node.pushed(watcher, p.PresenceIn) == [
        p.PresenceIn((("alice", int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE)),))
    ]
    # the old session is logged out and lost its subscriptions
    assert node.request(old, lambda r: p.SendPeer(r, "watcher", TEXT, False)).code == 102
    assert node.backend.subscriptions(APP, old) == frozenset()
    # closing the old session does not take the new one offline
    node.service.close_session(old)
    assert node.backend.session_of(APP, "alice") == new


def test_close_session_takes_the_user_offline_everywhere() -> None:
    node = Node()
    alice = node.session("alice")
    bob = node.session("bob")
    node.request(bob, lambda r: p.Subscribe(r, ("alice",)))
    node.request(alice, lambda r: p.Join(r, "room"))
    node.request(bob, lambda r: p.Join(r, "room"))
    node.request(alice, lambda r: p.UserAttrs(r, "set", (("k", "v"),)))
    node.service.close_session(alice)
    assert node.pushed(bob, p.MemberLeftIn) == [p.MemberLeftIn("room", "alice")]
    assert node.pushed(bob, p.PresenceIn)[-1] == p.PresenceIn((("alice", 2),))
    assert node.backend.user_attrs(APP, "alice") == {}
    assert node.backend.members(APP, "room") == ["bob"]


def test_peer_message_frames() -> None:
    node = Node()
    alice = node.session("alice")
    bob = node.session("bob")
    assert node.request(alice, lambda r: p.SendPeer(r, "bob", TEXT, False)).code == 0
    (message,) = node.pushed(bob, p.PeerMessageIn)
    assert message == p.PeerMessageIn("alice", TEXT, int(node.sched.time() * 1000), False)
    big = p.Payload(2, "d", b"x" * (32 * 1024))
    result = node.request(alice, lambda r: p.SendPeer(r, "bob", big, False))
    assert result.code == PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_INVALID_MESSAGE
    assert node.request(alice, lambda r: p.SendPeer(r, "b/b", TEXT, False)).code == 6
    assert node.request(alice, lambda r: p.SendPeer(r, "carol", TEXT, False)).code == 3
    assert node.request(alice, lambda r: p.SendPeer(r, "carol", TEXT, True)).code == 4
    assert len(node.pushed(bob, p.PeerMessageIn)) == 1


def test_offline_messages_follow_the_login_result() -> None:
    node = Node()
    alice = node.session("alice")
    node.request(alice, lambda r: p.SendPeer(r, "bob", TEXT, True))
    bob = node.session("bob")
    kinds = [type(f).__name__ for f in node.frames[bob]]
    assert kinds == ["Result", "PeerMessageIn"]
    assert node.pushed(bob, p.PeerMessageIn)[0].offline is True


def test_server_side_argument_checks() -> None:
    node = Node()
    alice = node.session("alice")
    assert node.request(alice, lambda r: p.Join(r, "bad/id")).code == (
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_INVALID_ARGUMENT
    )
    assert node.request(alice, lambda r: p.Leave(r, "room")).code == 3
    assert node.request(alice, lambda r: p.GetMembers(r, "room")).code == 5
    assert node.request(alice, lambda r: p.SendChannel(r, "room", TEXT)).code == 5
    ids = tuple(f"c{i}" for i in range(33))
    assert node.request(alice, lambda r: p.MemberCount(r, ids)).code == (
        GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_EXCEED_LIMIT
    )
    assert node.request(alice, lambda r: p.MemberCount(r, ("",))).code == 2
    assert node.request(alice, lambda r: p.UserAttrs(r, "explode", (("k", "v"),))).code == (
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT
    )
    assert node.request(alice, lambda r: p.ChannelAttrs(r, "set", "room", (("k", 5),))).code == 3  # type: ignore[arg-type]
    assert node.request(alice, lambda r: p.QueryOnline(r, ())).code == 2
    assert node.request(alice, lambda r: p.Subscribe(r, ("ok", "null"))).code == 2
    assert node.request(alice, lambda r: p.Unsubscribe(r, ())).code == 2
    assert node.request(alice, lambda r: p.CallSignal(r, "invite", "", "c1")).code == 2
    # an invitation to an offline callee is kept for its next login (3); others are not (1)
    assert node.request(alice, lambda r: p.CallSignal(r, "invite", "bob", "c1")).code == 3
    assert node.request(alice, lambda r: p.CallSignal(r, "ack", "bob", "c1")).code == 1
    assert node.backend.channels_of(APP, "alice") == []
    assert node.backend.user_attrs(APP, "alice") == {}


def test_subscription_overflow_counts_distinct_new_peers() -> None:
    node = Node(ServiceConfig(limits=Limits(subscribed_peers=3)))
    alice = node.session("alice")
    assert node.request(alice, lambda r: p.Subscribe(r, ("a", "b", "a"))).code == 0
    assert node.request(alice, lambda r: p.Subscribe(r, ("a", "b", "c"))).code == 0
    assert node.request(alice, lambda r: p.Subscribe(r, ("d",))).code == 6
    assert node.request(alice, lambda r: p.Subscribe(r, tuple("wxyz"))).code == 6
    assert node.backend.subscriptions(APP, alice) == frozenset("abc")


def test_call_signals_are_relayed() -> None:
    node = Node()
    alice = node.session("alice")
    bob = node.session("bob")
    frame = lambda r: p.CallSignal(r, "invite", "bob", "c1", "content", "chan")  # noqa: E731
    assert node.request(alice, frame).code == 0
    assert node.pushed(bob, p.CallSignalIn) == [
        p.CallSignalIn("invite", "alice", "c1", "content", "chan")
    ]


def test_get_members_sample_is_seeded() -> None:
    def sample(seed: int) -> tuple[str, ...]:
        node = Node(ServiceConfig(limits=Limits(members_returned=3), seed=seed))
        sids = [node.session(f"u{i}") for i in range(10)]
        for sid in sids:
            node.request(sid, lambda r: p.Join(r, "room"))
        result = node.request(sids[0], lambda r: p.GetMembers(r, "room"))
        assert result.code == 0 and len(result.value) == 3
        return tuple(result.value)

    assert sample(1) == sample(1)
    assert len({sample(s) for s in range(6)}) > 1


# --- every request gets exactly one answer ------------------------------------------------------

USERS = ["u0", "u1", "u2"]
CHANNELS = ["c0", "c1"]
user_ids = st.sampled_from([*USERS, "", "null", "x/y"])
channel_ids = st.sampled_from([*CHANNELS, "", "bad/id"])
payloads = st.builds(p.Payload, st.just(1), st.text(max_size=5))

frames = st.one_of(
    st.builds(lambda u: lambda r: p.Login(r, APP, u, None), user_ids),
    st.just(p.Logout),
    st.builds(lambda t: lambda r: p.RenewToken(r, t), st.text(max_size=3)),
    st.builds(
        lambda u, pl, o: lambda r: p.SendPeer(r, u, pl, o), user_ids, payloads, st.booleans()
    ),
    st.builds(lambda us: lambda r: p.QueryOnline(r, tuple(us)), st.lists(user_ids, max_size=3)),
    st.builds(lambda us: lambda r: p.Subscribe(r, tuple(us)), st.lists(user_ids, max_size=3)),
    st.builds(lambda us: lambda r: p.Unsubscribe(r, tuple(us)), st.lists(user_ids, max_size=3)),
    st.just(p.QuerySubscribed),
    st.builds(
        lambda op, kv: lambda r: p.UserAttrs(r, op, tuple(kv), tuple(k for k, _ in kv)),
        st.sampled_from(["set", "add", "delete", "clear", "bogus"]),
        st.lists(
            st.tuples(st.sampled_from(["a", "b", ""]), st.sampled_from(["1", ""])), max_size=2
        ),
    ),
    st.builds(lambda u: lambda r: p.GetUserAttrs(r, u, None), user_ids),
    st.builds(lambda c: lambda r: p.Join(r, c), channel_ids),
    st.builds(lambda c: lambda r: p.Leave(r, c), channel_ids),
    st.builds(lambda c, pl: lambda r: p.SendChannel(r, c, pl), channel_ids, payloads),
    st.builds(lambda c: lambda r: p.GetMembers(r, c), channel_ids),
    st.builds(
        lambda op, c, n: lambda r: p.ChannelAttrs(r, op, c, (("k", "v"),), ("k",), n),
        st.sampled_from(["set", "add", "delete", "clear"]),
        channel_ids,
        st.booleans(),
    ),
    st.builds(lambda c: lambda r: p.GetChannelAttrs(r, c, None), channel_ids),
    st.builds(lambda cs: lambda r: p.MemberCount(r, tuple(cs)), st.lists(channel_ids, max_size=3)),
    st.builds(
        lambda k, u: lambda r: p.CallSignal(r, k, u, "call"),
        st.sampled_from(["invite", "ack", "accept", "accept_ack", "refuse", "cancel"]),
        user_ids,
    ),
)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 3), frames, st.floats(0, 2)), max_size=40))
def test_every_request_gets_exactly_one_result(steps: list[tuple[int, Any, float]]) -> None:
    node = Node()
    sessions = [node.session() for _ in range(4)]
    sent: list[tuple[str, int]] = []
    for index, make, pause in steps:
        sid = sessions[index]
        node.reqs += 1
        node.service.receive(sid, make(node.reqs))
        sent.append((sid, node.reqs))
        node.sched.advance(pause)
    for sid, req in sent:
        answers = [f for f in node.frames[sid] if isinstance(f, p.Result) and f.req == req]
        assert len(answers) == 1, (req, answers)
        assert isinstance(answers[0].code, int)
    # the backend stays consistent with itself
    for channel in CHANNELS:
        for user in node.backend.members(APP, channel):
            assert channel in node.backend.channels_of(APP, user)
            assert node.backend.session_of(APP, user) is not None


class _RemoteBackend(MemoryBackend):
    """Every peer message "goes to another node": held until the test confirms it."""

    peer_at_once = False  # unlike its base: deliver_peer hands nothing over at once

    def __init__(self) -> None:
        super().__init__()
        self.in_transit: list[tuple[str, p.PeerMessageIn, Any]] = []

    def deliver_peer(self, session: str, frame: p.PeerMessageIn, receipt: Any) -> bool:
        self.in_transit.append((session, frame, receipt))
        return False


def _remote_node() -> tuple[Node, _RemoteBackend]:
    node = Node()
    backend = _RemoteBackend()
    node.backend = backend
    node.service = RtmService(backend, node.sched, None)
    return node, backend


def _send(node: Node, sid: str, req: int) -> list[p.Result]:
    node.service.receive(sid, p.SendPeer(req, "bob", TEXT, False))
    return [f for f in node.frames[sid] if isinstance(f, p.Result) and f.req == req]


def test_a_peer_message_on_another_node_is_ok_once_that_node_confirms() -> None:
    node, backend = _remote_node()
    alice, _ = node.session("alice"), node.session("bob")
    assert _send(node, alice, 50) == [], "not answered before the receipt"
    session, frame, receipt = backend.in_transit[0]
    assert (session, frame.payload) == (node.backend.session_of(APP, "bob"), TEXT)
    receipt()
    receipt()  # a duplicate receipt changes nothing
    node.sched.advance(60)
    results = [f for f in node.frames[alice] if isinstance(f, p.Result) and f.req == 50]
    assert results == [p.Result(50, PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_OK)]


def test_a_peer_message_never_confirmed_is_a_sent_timeout() -> None:
    node, backend = _remote_node()
    alice, _ = node.session("alice"), node.session("bob")
    _send(node, alice, 51)
    node.sched.advance(Limits().peer_message_timeout - 0.1)
    assert not [f for f in node.frames[alice] if isinstance(f, p.Result) and f.req == 51]
    node.sched.advance(0.2)
    results = [f for f in node.frames[alice] if isinstance(f, p.Result) and f.req == 51]
    assert [r.code for r in results] == [PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_SENT_TIMEOUT]
    backend.in_transit[0][2]()  # a receipt after the timeout is too late: still one answer
    assert len([f for f in node.frames[alice] if isinstance(f, p.Result) and f.req == 51]) == 1


def test_a_client_back_from_a_broken_link_after_a_later_login_is_the_one_displaced() -> None:
    node = Node()
    old = node.session("alice")
    node.service.lose_session(old)
    newer = node.session("alice")  # alice logs in elsewhere while the old link is down
    back = node.service.open_session(node.frames.setdefault("back", []).append, resume_of=old)
    node.frames[back] = node.frames.pop("back")
    result = node.request(back, lambda r: p.Login(r, APP, "alice", None))
    assert result.code == LOGIN_ERR_CODE.LOGIN_ERR_REJECTED
    reason = int(CONNECTION_CHANGE_REASON.CONNECTION_CHANGE_REASON_REMOTE_LOGIN)
    assert node.pushed(back, p.Kicked) == [p.Kicked(reason)]
    assert node.pushed(newer, p.Kicked) == [], "the later login stays"
    assert node.backend.session_of(APP, "alice") == newer


def test_a_trusted_session_is_not_checked_twice_but_still_rate_limited() -> None:
    """An in-process client checks peer IDs and sizes itself (``trusted``): the service does
    not repeat those checks on the message paths; rates and routing still apply."""
    node = Node()
    frames: list[p.ServerFrame] = []
    trusted = node.service.open_session(frames.append, trusted=True)
    node.frames[trusted] = frames
    assert node.request(trusted, lambda r: p.Login(r, APP, "alice", None)).code == 0
    node.session("bob")
    assert node.request(trusted, lambda r: p.SendPeer(r, "bob", TEXT, False)).code == 0
    # Not checked again: an ID the client would have refused is simply nobody online.
    result = node.request(trusted, lambda r: p.SendPeer(r, "b/b", TEXT, False))
    assert result.code == PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_PEER_UNREACHABLE
    untrusted = node.session("carol")
    result = node.request(untrusted, lambda r: p.SendPeer(r, "b/b", TEXT, False))
    assert result.code == PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_INVALID_USERID


def test_relink_points_a_session_elsewhere_unless_it_was_lost() -> None:
    node = Node()
    alice = node.session("alice")
    bob = node.session("bob")
    moved: list[p.ServerFrame] = []
    node.service.relink(bob, moved.append)
    assert node.request(alice, lambda r: p.SendPeer(r, "bob", TEXT, False)).code == 0
    assert [type(f) for f in moved] == [p.PeerMessageIn]
    assert node.pushed(bob, p.PeerMessageIn) == []
    node.service.lose_session(bob)
    node.service.relink(bob, node.frames[bob].append)  # a lost session keeps holding
    assert node.request(alice, lambda r: p.SendPeer(r, "bob", TEXT, False)).code == 0
    assert node.pushed(bob, p.PeerMessageIn) == [] and len(moved) == 1


# --- the direct channel route of in-process sessions -------------------------------------


class _End:
    """A channel end that collects its name as the target while ``joined``."""

    def __init__(self, name: str, joined: bool = True) -> None:
        self.name = name
        self.joined = joined

    def collect_message(self, frame: p.ChannelMessageIn, out: list[Any]) -> None:
        if self.joined:
            out.append(self.name)


class _RoutedNode(Node):
    """A node whose sessions may take a direct channel route; what reaches the sessions,
    by link or by runner, is recorded on the scheduler, in the order it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[tuple[str, Any]] = []

    def trusted(self, user: str) -> str:
        frames: list[p.ServerFrame] = []
        sid = self.service.open_session(frames.append, trusted=True)
        self.frames[sid] = frames
        assert self.request(sid, lambda r: p.Login(r, APP, user, None)).code == 0
        return sid

    def runner(self, frame: p.ChannelMessageIn, targets: list[Any]) -> None:
        self.order.append(("runner", tuple(targets)))

    def join(self, sid: str) -> None:
        assert self.request(sid, lambda r: p.Join(r, "room")).code == 0

    def say(self, sid: str, text: str) -> None:
        assert self.request(sid, lambda r: p.SendChannel(r, "room", p.Payload(1, text))).code == 0
        self.sched.run_until_idle()


def test_direct_channel_route_batches_members_in_order_around_plain_links() -> None:
    node = _RoutedNode()
    sender = node.session("sender")
    a, b = node.trusted("a"), node.trusted("b")
    plain = node.session("plain")
    c = node.trusted("c")
    for sid in (sender, a, b, plain, c):
        node.join(sid)
    left = _End("a-room", joined=False)  # the client left meanwhile: no target
    for sid, end in ((a, _End("a-room")), (b, _End("b-room")), (c, _End("c-room"))):
        node.service.route_channels(sid, {"room": end}, node.runner)
    node.service.route_channels(a, {"room": left, "other": _End("a-other")}, node.runner)

    def on_plain(frame: p.ServerFrame) -> None:
        node.sched.deliver(node.order.append, ("link", frame))

    node.service.relink(plain, on_plain)
    node.say(sender, "hi")
    assert [kind for kind, _ in node.order] == ["runner", "link", "runner"]
    assert node.order[0][1] == ("b-room",)
    assert isinstance(node.order[1][1], p.ChannelMessageIn)
    assert node.order[2][1] == ("c-room",)
    # Routed sessions get no frame through their link; the sender gets none at all.
    assert node.pushed(b, p.ChannelMessageIn) == node.pushed(sender, p.ChannelMessageIn) == []


def test_a_re_pointed_or_lost_link_ends_the_direct_route() -> None:
    node = _RoutedNode()
    sender, a, b = node.session("sender"), node.trusted("a"), node.trusted("b")
    for sid in (sender, a, b):
        node.join(sid)
        if sid != sender:
            node.service.route_channels(sid, {"room": _End(sid)}, node.runner)
    moved: list[p.ServerFrame] = []
    node.service.relink(a, moved.append)
    node.service.lose_session(b)
    node.say(sender, "while away")
    assert node.order == []
    assert [f.payload.text for f in moved if isinstance(f, p.ChannelMessageIn)] == ["while away"]
    assert node.service.lost_session_count == 1  # b holds it for a resume


def test_only_a_live_trusted_session_takes_a_direct_route() -> None:
    node = _RoutedNode()
    plain = node.session("plain")
    with pytest.raises(ValueError, match="cannot take a direct channel route"):
        node.service.route_channels(plain, {}, node.runner)
    with pytest.raises(ValueError, match="cannot take a direct channel route"):
        node.service.route_channels("n0:404", {}, node.runner)
    lost = node.trusted("lost")
    node.service.lose_session(lost)
    with pytest.raises(ValueError, match="cannot take a direct channel route"):
        node.service.route_channels(lost, {}, node.runner)


def _resume(node: Node, old: str, user: str) -> str:
    """A new session that resumes ``old`` (its broken link replaced), logged in as ``user``."""
    frames: list[p.ServerFrame] = []
    back = node.service.open_session(frames.append, resume_of=old)
    node.frames[back] = frames
    assert node.request(back, lambda r: p.Login(r, APP, user, None)).code == 0
    return back


def test_a_resume_hands_over_held_events_marked_with_when_they_were_held() -> None:
    """Held events in order, each run after a HandOver with its time (ms); a HandOver
    without one ends them; what was addressed to the user comes after it."""
    node = Node()
    t0 = int(node.sched.time() * 1000)
    alice, bob = node.session("alice"), node.session("bob")
    assert node.request(alice, lambda r: p.Join(r, "room")).code == 0
    node.service.lose_session(alice)
    node.sched.advance(5)
    assert node.request(bob, lambda r: p.Join(r, "room")).code == 0
    assert node.request(bob, lambda r: p.SendPeer(r, "alice", TEXT, False)).code == 0
    node.sched.advance(2.5)
    assert node.request(bob, lambda r: p.Leave(r, "room")).code == 0
    back = _resume(node, alice, "alice")
    frames = node.frames[back]
    assert frames[[type(f) for f in frames].index(p.Result) + 1 :] == [
        p.HandOver(t0 + 1000),  # the member count, pushed a second after a change
        p.MemberCountIn("room", 1),
        p.HandOver(t0 + 5000),
        p.MemberJoinedIn("room", "bob"),
        p.HandOver(t0 + 6000),
        p.MemberCountIn("room", 2),
        p.HandOver(t0 + 7500),
        p.MemberLeftIn("room", "bob"),
        p.HandOver(None),
        p.PeerMessageIn("bob", TEXT, t0 + 5000),
    ]


def test_a_resume_with_nothing_held_or_nothing_left_to_resume_ends_at_once() -> None:
    """Nothing held: just the closing HandOver. The lost session ended meanwhile (its grace
    ran out): the login is a fresh one, and the client is told there is nothing to wait for."""
    node = Node()
    alice = node.session("alice")
    node.service.lose_session(alice)
    back = _resume(node, alice, "alice")
    assert node.pushed(back, p.HandOver) == [p.HandOver(None)]
    node.service.lose_session(back)
    node.sched.advance(ServiceConfig().session_grace + 1)
    again = _resume(node, back, "alice")
    assert node.pushed(again, p.HandOver) == [p.HandOver(None)]
    fresh = node.session("bob")
    assert node.pushed(fresh, p.HandOver) == [], "a login that resumes nothing is not told"
