"""Rows CH1-CH6, M1-M4 and P1-P5 of docs/legacy-semantics.md."""

from __future__ import annotations

import pytest

from legacy_signaling.reference import server as server_module
from legacy_signaling.reference.testing import client, joined, new_world

NOT_IN_CHANNEL = "not in this channel"


# ------------------------------------------------------------------------ channels


def test_ch1_join_sequence_for_self_and_others() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.channelSetAttr("room", "zeta", "26")
    alice.api.channelSetAttr("room", "alpha", "1")
    alice.api.channelJoin("room")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelJoined", ("room",)),
        ("onChannelUserList", (["alice"], [alice.uid])),
        ("onChannelAttrUpdated", ("room", "alpha", "1", "update")),
        ("onChannelAttrUpdated", ("room", "zeta", "26", "update")),
    ]
    bob.api.channelJoin("room")
    world.run_until_idle()
    assert bob.take()[:2] == [
        ("onChannelJoined", ("room",)),
        ("onChannelUserList", (["alice", "bob"], [alice.uid, bob.uid])),
    ]
    assert alice.take() == [("onChannelUserJoined", ("bob", bob.uid))]


def test_ch1_user_list_holds_the_latest_200() -> None:
    world = new_world()
    members = [client(world, f"user{i:03d}") for i in range(201)]
    joined(world, "big", *members[:200])
    last = members[200]
    last.api.channelJoin("big")
    world.run_until_idle()
    name, (accounts, uids) = last.take()[1]
    assert name == "onChannelUserList"
    assert accounts == [m.account for m in members[1:]]
    assert uids == [m.uid for m in members[1:]]


def test_ch2_joining_another_channel_leaves_the_first() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "one", alice, bob)
    alice.api.channelJoin("two")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelLeaved", ("one", 0)),
        ("onChannelJoined", ("two",)),
        ("onChannelUserList", (["alice"], [alice.uid])),
    ]
    assert bob.take() == [("onChannelUserLeaved", ("alice", alice.uid))]


def test_ch3_joining_the_current_channel_fails() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.channelJoin("room")
    world.run_until_idle()
    assert alice.take() == [("onChannelJoinFailed", ("room", 300))]
    assert bob.take() == []


@pytest.mark.parametrize("channel", ["", "x" * 129, "bad\nname", "__agora_user_online"])
def test_ch4_invalid_or_reserved_channels(channel: str) -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.channelJoin(channel)
    world.run_until_idle()
    assert alice.take() == [("onChannelJoinFailed", (channel, 300))]


def test_ch4_join_when_not_logged_in() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.channelJoin("room")
    world.run_until_idle()
    assert alice.take() == [("onChannelJoinFailed", ("room", 300))]


def test_ch4_full_channel_keeps_the_current_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module, "MAX_CHANNEL_MEMBERS", 2)
    world = new_world()
    alice, bob, carol = client(world, "alice"), client(world, "bob"), client(world, "carol")
    joined(world, "full", alice, bob)
    joined(world, "home", carol)
    carol.api.channelJoin("full")
    carol.api.messageChannelSend("home", "still here", "m")
    world.run_until_idle()
    assert carol.take() == [
        ("onChannelJoinFailed", ("full", 300)),
        ("onMessageSendSuccess", ("m",)),
        ("onMessageChannelReceive", ("home", "carol", carol.uid, "still here")),
    ]


def test_ch5_leave() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.channelLeave("room")
    world.run_until_idle()
    assert alice.take() == [("onChannelLeaved", ("room", 0))]
    assert bob.take() == [("onChannelUserLeaved", ("alice", alice.uid))]


def test_ch6_leave_of_another_channel_or_when_logged_out() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.channelLeave("elsewhere")
    alice.api.logout()
    alice.api.channelLeave("room")
    world.run_until_idle()
    assert alice.take() == [
        ("onError", ("channelLeave", 1004, NOT_IN_CHANNEL)),
        ("onChannelLeaved", ("room", 603)),
        ("onLogout", (101,)),
        ("onError", ("channelLeave", 1003, "not logged in")),
    ]


# ------------------------------------------------------------------ channel messages


def test_m1_channel_message_is_echoed_after_success() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.messageChannelSend("room", "hello", "m1")
    world.run_until_idle()
    echo = ("onMessageChannelReceive", ("room", "alice", alice.uid, "hello"))
    assert alice.take() == [("onMessageSendSuccess", ("m1",)), echo]
    assert bob.take() == [echo]


@pytest.mark.parametrize("case", ["not_member", "too_long", "bad_channel", "logged_out"])
def test_m2_channel_send_errors(case: str) -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", bob)
    if case != "not_member":
        joined(world, "room", alice)
    channel, msg = "room", "hi"
    if case == "too_long":
        msg = "x" * 8193
    elif case == "bad_channel":
        channel = ""
    elif case == "logged_out":
        alice.api.logout()
        world.run_until_idle()
        alice.take()
    bob.take()
    alice.api.messageChannelSend(channel, msg, "m")
    world.run_until_idle()
    assert alice.take() == [("onMessageSendError", ("m", 400))]
    assert bob.take() == []


def test_m2_user_rate_limit_60_per_second() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    for i in range(61):
        alice.api.messageChannelSend("room", "x", f"m{i}")
    world.run_until_idle()
    results = [e for e in alice.take() if e[0].startswith("onMessageSend")]
    assert results[:60] == [("onMessageSendSuccess", (f"m{i}",)) for i in range(60)]
    assert results[60] == ("onMessageSendError", ("m60", 400))
    world.advance(1)
    alice.api.messageChannelSend("room", "x", "later")
    world.run_until_idle()
    assert alice.take()[0] == ("onMessageSendSuccess", ("later",))


def test_m2_channel_rate_limit_200_per_second() -> None:
    world = new_world()
    senders = [client(world, f"s{i}") for i in range(5)]
    joined(world, "room", *senders)
    for sender in senders[:4]:
        for i in range(50):
            sender.api.messageChannelSend("room", "x", f"m{i}")
    senders[4].api.messageChannelSend("room", "x", "over")
    world.run_until_idle()
    assert ("onMessageSendError", ("over", 400)) in senders[4].take()
    assert all(("onMessageSendError" not in e[0]) for e in senders[0].take())


def test_m3_force_send_from_outside() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", bob)
    alice.api.messageChannelSendForce("room", "knock", "m1")
    alice.api.messageChannelSendForce("empty", "void", "m2")
    world.run_until_idle()
    assert alice.take() == [("onMessageSendSuccess", ("m1",)), ("onMessageSendSuccess", ("m2",))]
    assert bob.take() == [("onMessageChannelReceive", ("room", "alice", alice.uid, "knock"))]


def test_m3_force_send_by_a_member_is_echoed() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.messageChannelSendForce("room", "me", "m")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendSuccess", ("m",)),
        ("onMessageChannelReceive", ("room", "alice", alice.uid, "me")),
    ]


def test_m4_channel_send2_ignores_extra_but_checks_it() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.messageChannelSend2("room", "a", "m1", '{"any":1}')
    alice.api.messageChannelSend2("room", "b", "m2", "not json")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendSuccess", ("m1",)),
        ("onMessageChannelReceive", ("room", "alice", alice.uid, "a")),
        ("onMessageSendError", ("m2", 400)),
    ]


# ------------------------------------------------------------------ peer messages


def test_p1_peer_message_online() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.messageInstantSend("bob", 0, "hi", "m1")
    world.run_until_idle()
    assert alice.take() == [("onMessageSendSuccess", ("m1",))]
    assert bob.take() == [("onMessageInstantReceive", ("alice", 0, "hi"))]


def test_p2_offline_peer_gets_it_within_a_day() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.messageInstantSend("bob", 0, "kept", "m1")
    world.advance(86_399)
    alice.api.messageInstantSend("bob", 0, "fresh", "m2")
    world.advance(1)  # "kept" is now exactly one day old
    world.run_until_idle()
    assert alice.take() == [("onMessageSendSuccess", ("m1",)), ("onMessageSendSuccess", ("m2",))]
    bob = client(world, "bob", login=False)
    bob.login()
    world.run_until_idle()
    assert bob.take() == [
        ("onLoginSuccess", (bob.uid, 0)),
        ("onMessageInstantReceive", ("alice", 0, "fresh")),
    ]


def test_p2_reconnecting_peer_gets_it_after_reconnect() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    world.drop_connection(bob.api)
    alice.api.messageInstantSend("bob", 0, "later", "m")
    world.advance(3)
    world.restore_connection(bob.api)
    world.run_until_idle()
    assert bob.take()[-2:] == [
        ("onReconnected", (0,)),
        ("onMessageInstantReceive", ("alice", 0, "later")),
    ]


@pytest.mark.parametrize("case", ["logged_out", "bad_account", "too_long"])
def test_p3_peer_send_errors(case: str) -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    to, msg = "bob", "hi"
    if case == "logged_out":
        alice.api.logout()
        world.run_until_idle()
        alice.take()
    elif case == "bad_account":
        to = "b o b"
    else:
        msg = "é" * 4097
    alice.api.messageInstantSend(to, 0, msg, "m")
    world.run_until_idle()
    assert alice.take() == [("onMessageSendError", ("m", 400))]
    assert bob.take() == []


def test_p3_sending_to_oneself() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.messageInstantSend("alice", 0, "note", "m")
    world.run_until_idle()
    assert alice.take() == [
        ("onMessageSendSuccess", ("m",)),
        ("onMessageInstantReceive", ("alice", 0, "note")),
    ]


def test_p3_peer_rate_limit_shared_with_channel_sends() -> None:
    world = new_world()
    alice, _bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice)
    for i in range(30):
        alice.api.messageChannelSend("room", "x", f"c{i}")
        alice.api.messageInstantSend("bob", 0, "x", f"p{i}")
    alice.api.messageInstantSend("bob", 0, "x", "over")
    world.run_until_idle()
    assert alice.take()[-1] == ("onMessageSendError", ("over", 400))


def test_p4_instant_send2_ignores_options_but_checks_them() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.messageInstantSend2("bob", 0, "a", "m1", '{"x":1}')
    alice.api.messageInstantSend2("bob", 0, "b", "m2", "{")
    world.run_until_idle()
    assert alice.take() == [("onMessageSendSuccess", ("m1",)), ("onMessageSendError", ("m2", 400))]
    assert bob.take() == [("onMessageInstantReceive", ("alice", 0, "a"))]


def test_p5_one_mailbox_for_messages_and_invitations() -> None:
    world = new_world()
    bob = client(world, "bob")
    bob.api.messageInstantSend("alice", 0, "first", "m1")
    bob.api.channelInviteUser2("room", "alice", '{"k":1}')
    bob.api.messageInstantSend("alice", 0, "second", "m2")
    world.advance(5)
    alice = client(world, "alice", login=False)
    alice.login()
    world.run_until_idle()
    assert alice.take() == [
        ("onLoginSuccess", (alice.uid, 0)),
        ("onMessageInstantReceive", ("bob", 0, "first")),
        ("onInviteReceived", ("room", "bob", bob.uid, '{"k":1}')),
        ("onMessageInstantReceive", ("bob", 0, "second")),
    ]
