"""Reconnection as RTM does it, on virtual time: embedded (``InProcTransport.drop/restore``)
and over gateways (the WebSocket is aborted and reopened, the session resumed).

The client side (RECONNECTING, re-login, rejoin, restored subscriptions and attributes,
queued requests) and the service side (a lost session's grace period: UNREACHABLE after
6 s, OFFLINE and leave after 30 s, resume on re-login) are exercised together.
"""

from __future__ import annotations

import pytest

from rtm import CONNECTION_CHANGE_REASON as R
from rtm import CONNECTION_STATE as S
from rtm import PEER_ONLINE_STATE, RtmAttribute, ServiceConfig
from rtm.embedded import InProcTransport
from rtm.gateway.lockstep import LockstepTransport
from rtm.tokens import build_rtm_token
from tests.rtm.conftest import MakeWorld
from tests.rtm.kit import APP, CERT, Peer, World, state


def transport(peer: Peer) -> InProcTransport | LockstepTransport:
    """The peer's link: in-process, or a gateway connection (its drop aborts the socket)."""
    t = peer.client._transport
    assert isinstance(t, InProcTransport | LockstepTransport)
    return t


def presence(world: World, who: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for event in world.trace.of(who, "onPeersOnlineStatusChanged"):
        out.extend((s.peerId, int(s.onlineState)) for s in event.args[0])
    return out


ONLINE = int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE)
UNREACHABLE = int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_UNREACHABLE)
OFFLINE = int(PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE)


def test_drop_and_restore_go_reconnecting_then_connected(world: World, style: str) -> None:
    alice, _ = world.online("alice", "bob", style=style)
    world.trace.clear()
    transport(alice).drop()
    world.run()
    assert alice.state is S.CONNECTION_STATE_RECONNECTING
    transport(alice).restore()
    world.run()
    assert state(alice) is S.CONNECTION_STATE_CONNECTED
    assert world.trace.args("alice", "onConnectionStateChanged") == [
        (S.CONNECTION_STATE_RECONNECTING, R.CONNECTION_CHANGE_REASON_INTERRUPTED),
        (S.CONNECTION_STATE_CONNECTED, R.CONNECTION_CHANGE_REASON_LOGIN_SUCCESS),
    ]
    assert world.trace.of("alice", "onLoginSuccess") == [], "a reconnect is not a new login"


def test_messages_both_ways_during_a_short_outage(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    transport(alice).drop()
    world.run()
    to_alice = bob.send("alice", "while you were away")
    from_alice = alice.send("bob", "queued while offline")
    world.run()
    assert to_alice.code == 0, "the service holds frames for a lost session"
    assert world.trace.of(from_alice.who) == [], "no answer while the link is down"
    world.advance(3)
    transport(alice).restore()
    world.run()
    assert from_alice.code == 0
    received = world.trace.args("alice", "onMessageReceivedFromPeer")
    assert [(peer, m.text) for peer, m in received] == [("bob", "while you were away")]
    assert [m.text for _, m in world.trace.args("bob", "onMessageReceivedFromPeer")] == [
        "queued while offline"
    ]


def test_a_short_outage_is_invisible_to_channel_members_and_watchers(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    alice.join("room")
    room = bob.join("room")
    assert bob.client.subscribePeersOnlineStatus(["alice"]) == 0
    world.run()
    world.trace.clear()
    transport(alice).drop()
    world.advance(5)
    transport(alice).restore()
    world.run()
    assert world.trace.of(bob.ch("room"), "onMemberLeft") == []
    assert world.trace.of(bob.ch("room"), "onMemberJoined") == []
    assert presence(world, "bob") == []
    assert room.sendMessage(bob.client.createMessage("hi")) == 0
    world.run()
    assert len(world.trace.of(alice.ch("room"), "onMessageReceived")) == 1


def test_the_hand_over_listener_hears_when_held_events_were_held(world: World) -> None:
    """``setHandOverListener`` (a sig2rtm extension): in order with the callbacks, the time
    each run of held events was held, then None before what was addressed to the user."""
    alice, bob = world.online("alice", "bob")
    alice.join("room")
    world.advance(2)
    marks: list[int | None] = []

    def heard(held_at: int | None) -> None:
        marks.append(held_at)
        world.trace.add("alice", "handOver", (held_at,))

    alice.client.setHandOverListener(heard)
    transport(alice).drop()
    world.advance(3)
    joined_at = int(world.sched.time() * 1000)
    bob.join("room")
    bob.send("alice", "while you were away")
    world.advance(3)
    world.trace.clear()
    transport(alice).restore()
    world.run()
    events = [e for e in world.trace.events if e.who in ("alice", alice.ch("room"))]
    names = [e.name for e in events if e.name != "onMemberCountUpdated"]
    joined = names.index("onMemberJoined")
    assert names[0] == "onConnectionStateChanged"
    assert names[joined - 1] == "handOver", "the join's run starts with its mark"
    assert names[-2:] == ["handOver", "onMessageReceivedFromPeer"], "the mailbox comes last"
    assert events[[e.name for e in events].index("onMemberJoined") - 1].args == (joined_at,)
    times = [mark for mark in marks[:-1] if mark is not None]
    assert marks[-1] is None and len(times) == len(marks) - 1
    assert times == sorted(times)


def test_unreachable_after_6s_and_online_again_on_resume(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    assert bob.client.subscribePeersOnlineStatus(["alice"]) == 0
    world.run()
    world.trace.clear()
    transport(alice).drop()
    world.advance(5.9)
    assert presence(world, "bob") == []
    world.advance(0.2)
    assert presence(world, "bob") == [("alice", UNREACHABLE)]
    transport(alice).restore()
    world.run()
    assert presence(world, "bob") == [("alice", UNREACHABLE), ("alice", ONLINE)]
    assert alice.state is S.CONNECTION_STATE_CONNECTED


def test_after_30s_the_user_is_gone_and_comes_back_with_everything(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    alice.join("room")
    bob.join("room")
    alice.client.setLocalUserAttributes([RtmAttribute("mood", "calm")])
    alice.client.subscribePeersOnlineStatus(["bob"])
    bob.client.subscribePeersOnlineStatus(["alice"])
    world.run()
    world.trace.clear()
    transport(alice).drop()
    world.advance(10)
    held = bob.send("alice", "kept for you")
    world.run()
    assert held.code == 0
    world.advance(21)  # 31 s after the drop
    assert presence(world, "bob") == [("alice", UNREACHABLE), ("alice", OFFLINE)]
    left = world.trace.args(bob.ch("room"), "onMemberLeft")
    assert [m.userId for (m,) in left] == ["alice"]

    transport(alice).restore()
    world.run()
    assert alice.state is S.CONNECTION_STATE_CONNECTED
    # Rejoined (bob sees alice join again), presence restored for both directions...
    assert [m.userId for (m,) in world.trace.args(bob.ch("room"), "onMemberJoined")] == ["alice"]
    assert presence(world, "bob")[-1] == ("alice", ONLINE)
    # ...and the message held for the lost session came, as an offline message.
    ((peer, message),) = world.trace.args("alice", "onMessageReceivedFromPeer")
    assert (peer, message.text, message.isOfflineMessage()) == ("bob", "kept for you", True)
    world.trace.clear()
    bob.logout()
    assert presence(world, "alice") == [("bob", OFFLINE)], "alice's subscription was restored"


def test_held_peer_message_reaches_the_user_after_the_grace_period(world: World) -> None:
    alice, bob = world.online("alice", "bob")  # (held frames go to the offline store)
    transport(alice).drop()
    world.advance(1)
    bob.send("alice", "one")
    world.advance(40)
    assert world.trace.of("alice", "onMessageReceivedFromPeer") == []
    transport(alice).restore()
    world.run()
    ((peer, message),) = world.trace.args("alice", "onMessageReceivedFromPeer")
    assert (peer, message.text, message.isOfflineMessage()) == ("bob", "one", True)


def test_a_login_elsewhere_takes_the_messages_held_for_the_dropped_session(world: World) -> None:
    """Acknowledged means delivered or kept: messages held for a session whose link is down
    go to the user's new login at once (it kicked that session), not to the dead link."""
    alice, bob = world.online("alice", "bob")
    transport(alice).drop()
    world.advance(1)
    results = bob.send("alice", "held")
    world.run()
    assert results.code == 0
    other = world.peer("alice2")
    other.login("alice")
    world.run()
    ((peer, message),) = world.trace.args("alice2", "onMessageReceivedFromPeer")
    assert (peer, message.text) == ("bob", "held")
    transport(alice).restore()
    world.advance(40)
    assert world.trace.of("alice", "onMessageReceivedFromPeer") == []  # delivered once


def test_a_login_elsewhere_takes_the_invitation_held_for_the_dropped_session(
    world: World,
) -> None:
    """An invitation to a user whose link is down rings at the user's new login (it kicked
    the dropped session), and the caller hears it was received there."""
    alice, bob = world.online("alice", "bob")
    caller = world.call_manager_handler(bob)
    transport(alice).drop()
    world.advance(1)
    calls = bob.client.getRtmCallManager()
    invitation = calls.createLocalInvitation("alice")
    assert world.api(lambda: calls.sendLocalInvitation(invitation)) == 0
    world.run()
    other = world.peer("alice2")
    callee = world.call_manager_handler(other)
    other.login("alice")
    world.run()
    (remote,) = world.trace.one(callee, "onRemoteInvitationReceived")
    assert remote.getCallerId() == "bob"
    assert world.trace.one(caller, "onLocalInvitationReceivedByPeer") == (invitation,)


def test_a_link_given_up_keeps_what_was_held_for_the_next_login(world: World) -> None:
    """The client gives its broken link up (a logout while reconnecting): what the lost
    session held for the user is kept, not dropped, and reaches the user's next login."""
    alice, bob = world.online("alice", "bob")
    transport(alice).drop()
    world.advance(1)
    assert bob.send("alice", "kept") is not None
    world.run()
    world.api(alice.client.logout)  # while reconnecting: done at once
    alice.client.abandonLink()
    world.run()
    alice.login()
    world.run()
    ((peer, message),) = world.trace.args("alice", "onMessageReceivedFromPeer")
    assert (peer, message.text) == ("bob", "kept")


def test_user_attributes_are_restored_after_a_long_outage(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    alice.client.setLocalUserAttributes([RtmAttribute("mood", "calm"), RtmAttribute("x", "1")])
    alice.client.deleteLocalUserAttributesByKeys(["x"])
    world.run()
    transport(alice).drop()
    world.advance(31)
    transport(alice).restore()
    world.run()
    cb = bob.cb("attrs")
    assert bob.client.getUserAttributes("alice", cb) == 0
    world.run()
    assert [(a.key, a.value) for a in cb.value()] == [("mood", "calm")]


def test_a_join_in_flight_when_the_link_drops_is_reported_once(world: World) -> None:
    (alice,) = world.online("alice")
    channel = alice.channel("room")
    cb = alice.cb("join")
    assert channel.join(cb) == 0
    world.run()  # the service has joined; the answer is on its way...
    transport(alice).drop()  # ...not any more: it is held for the lost session
    world.run()
    transport(alice).restore()
    world.run()
    assert cb.code == 0
    assert len(world.trace.of(alice.ch("room"), "onJoinSuccess")) == 1


def test_requests_lost_on_the_link_are_sent_again(world: World) -> None:
    alice, _bob = world.online("alice", "bob")
    t = transport(alice)
    t.drop()  # the link breaks; the client has not noticed yet...
    cb = alice.send("bob", "in transit")  # ...so this frame goes onto a dead link
    world.run()
    assert world.trace.of("bob", "onMessageReceivedFromPeer") == []
    t.restore()
    world.run()
    assert cb.code == 0
    assert [m.text for _, m in world.trace.args("bob", "onMessageReceivedFromPeer")] == [
        "in transit"
    ]


def test_expired_token_while_reconnecting_then_renew(style: str, make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(app_certificates={APP: CERT}))
    now = int(world.now)
    alice = world.peer("alice", style)
    alice.login(token=build_rtm_token(APP, CERT, "alice", now + 20, now=now))
    transport(alice).drop()
    world.advance(25)
    transport(alice).restore()
    world.run()
    assert alice.state is S.CONNECTION_STATE_RECONNECTING
    assert len(world.trace.of("alice", "onTokenExpired")) == 1
    fresh = build_rtm_token(APP, CERT, "alice", now + 3600, now=now)
    cb = alice.cb("renew")
    assert alice.client.renewToken(fresh, cb) == 0
    world.run()
    assert cb.code == 0
    assert state(alice) is S.CONNECTION_STATE_CONNECTED
    world.check()


def test_logout_during_an_outage(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    transport(alice).drop()
    world.run()
    cb = alice.cb("logout")
    assert alice.client.logout(cb) == 0
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    transport(alice).restore()
    world.run()
    assert cb.code == 0
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    world.advance(31)
    online = bob.cb("query")
    assert bob.client.queryPeersOnlineStatus(["alice"], online) == 0
    world.run()
    assert online.value() == {"alice": False}


def test_illegal_drop_and_restore_calls_raise_and_change_nothing(world: World) -> None:
    (alice,) = world.online("alice")
    t = transport(alice)
    with pytest.raises(RuntimeError, match="not dropped"):
        t.restore()
    t.drop()
    with pytest.raises(RuntimeError, match="already dropped"):
        t.drop()
    world.run()
    assert alice.state is S.CONNECTION_STATE_RECONNECTING
    t.close()
    with pytest.raises(ConnectionError):
        t.restore()
