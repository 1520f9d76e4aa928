"""Channels (RtmChannel / IChannel), member counts and channel attributes, both styles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

import rtm
from rtm import (
    ATTRIBUTE_OPERATION_ERR,
    CHANNEL_MESSAGE_ERR_CODE,
    GET_CHANNEL_MEMBER_COUNT_ERR_CODE,
    GET_MEMBERS_ERR,
    JOIN_CHANNEL_ERR,
    LEAVE_CHANNEL_ERR,
    ChannelAttributeOptions,
    ChannelMemberCount,
    Limits,
    Rate,
    Rates,
    RequestId,
    RtmChannelAttribute,
    RtmChannelMember,
    RtmMessage,
    ServiceConfig,
)
from rtm.membership import MemberState
from tests.rtm.conftest import MakeWorld
from tests.rtm.kit import Peer, Results, World, failed_later, rejected, state

NOTIFY = ChannelAttributeOptions(enableNotificationToChannelMembers=True)
CA = RtmChannelAttribute


def members_of(world: World, peer: Peer, channel_id: str) -> list[str]:
    cb = peer.cb("members")
    assert world.api(lambda: peer.channel(channel_id).getMembers(cb)) == 0
    world.run()
    return sorted(m.getUserId() for m in cb.value())


def joined_users(world: World, peer: Peer, channel_id: str) -> list[str]:
    return [a[0].userId for a in world.trace.args(peer.ch(channel_id), "onMemberJoined")]


def left_users(world: World, peer: Peer, channel_id: str) -> list[str]:
    return [a[0].userId for a in world.trace.args(peer.ch(channel_id), "onMemberLeft")]


# --- channel objects ----------------------------------------------------------------------


def test_create_channel_returns_the_same_instance(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    first = alice.channel("room")  # allowed before login
    again = world.api(lambda: alice.client.createChannel("room", None))
    assert again is first
    assert first.getId() == first.channelId == "room"
    other = world.api(lambda: alice.client.createChannel("other", None))
    assert other is not None and other is not first


@pytest.mark.parametrize("channel_id", ["", "null", "c" * 65, "bad/char", None, 7])
def test_create_channel_with_invalid_id_gives_none(world: World, channel_id: Any) -> None:
    alice = world.peer("alice")
    assert world.api(lambda: alice.client.createChannel(channel_id, None)) is None


def test_channel_id_of_64_bytes_works(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    long_id = "c" * 64
    alice.join(long_id)
    bob.join(long_id)
    assert members_of(world, alice, long_id) == ["alice", "bob"]


# --- join / leave / members ----------------------------------------------------------------


def test_join_and_leave_notify_the_other_members_only(world: World, style: str) -> None:
    alice, bob, carol = world.online("alice", "bob", "carol", style=style)
    room = alice.channel("room")
    cb = alice.cb()
    assert world.api(lambda: room.join(cb)) == 0
    assert room.state is MemberState.JOINING
    world.run()
    assert cb.value() is None
    assert state(room) is MemberState.JOINED
    if not alice.java:
        assert world.trace.names(alice.ch("room"))[:1] == ["onJoinSuccess"]
    bob.join("room")
    carol.join("room")
    assert joined_users(world, alice, "room") == ["bob", "carol"]
    assert joined_users(world, bob, "room") == ["carol"]
    assert joined_users(world, carol, "room") == []
    # nobody hears about their own join
    leave = bob.cb()
    assert world.api(lambda: bob.channel("room").leave(leave)) == 0
    world.run()
    assert leave.value() is None
    if not bob.java:
        assert world.trace.args(bob.ch("room"), "onLeave") == [(0,)]
    assert left_users(world, alice, "room") == ["bob"]
    assert left_users(world, carol, "room") == ["bob"]
    assert left_users(world, bob, "room") == []
    member = world.trace.args(alice.ch("room"), "onMemberLeft")[0][0]
    assert isinstance(member, RtmChannelMember) and member.getChannelId() == "room"
    assert members_of(world, alice, "room") == ["alice", "carol"]


def test_events_stop_after_leaving(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    alice.join("room")
    bob.join("room")
    world.api(lambda: alice.channel("room").leave())
    world.run()
    world.advance(5)
    world.trace.clear()
    world.api(lambda: bob.channel("room").sendMessage(RtmMessage("after")))
    world.online("carol")[0].join("room")
    world.advance(5)
    assert world.trace.of(alice.ch("room")) == []


def test_get_members_cpp_and_java(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    alice.join("room")
    bob.join("room")
    cb = alice.cb()
    world.api(lambda: alice.channel("room").getMembers(cb))
    world.run()
    members = cb.value()
    assert sorted(m.userId for m in members) == ["alice", "bob"]
    assert all(m.channelId == "room" for m in members)
    if not alice.java:
        got, count, code = world.trace.one(alice.ch("room"), "onGetMembers")
        assert (sorted(m.userId for m in got), count, code) == (["alice", "bob"], 2, 0)


def test_already_joined(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    room = alice.channel("room")
    first = alice.cb()
    world.api(lambda: room.join(first))
    # while joining
    rejected(
        world,
        alice,
        room.join,
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_ALREADY_JOINED,
        "onJoinFailure",
        who=alice.ch("room"),
    )
    assert first.code == 0 and room.state is MemberState.JOINED
    rejected(
        world,
        alice,
        room.join,
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_ALREADY_JOINED,
        "onJoinFailure",
        who=alice.ch("room"),
    )
    assert room.state is MemberState.JOINED


def test_twenty_channels_at_most(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    for i in range(20):
        alice.join(f"c{i}")
    extra = alice.channel("c20")
    info = rejected(
        world,
        alice,
        extra.join,
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_EXCEED_LIMIT,
        "onJoinFailure",
        who=alice.ch("c20"),
    )
    assert "20" in info.errorDescription
    assert extra.state is MemberState.IDLE
    # the service agrees: alice is not in c20
    bob.join("c20")
    assert members_of(world, bob, "c20") == ["bob"]
    # leaving one frees a slot
    world.api(lambda: alice.channel("c0").leave())
    world.run()
    alice.join("c20")


def test_leave_and_get_members_when_not_joined(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    room = alice.channel("room")
    rejected(
        world,
        alice,
        room.leave,
        LEAVE_CHANNEL_ERR.LEAVE_CHANNEL_ERR_NOT_IN_CHANNEL,
        "onLeave",
        who=alice.ch("room"),
    )
    rejected(
        world,
        alice,
        room.getMembers,
        GET_MEMBERS_ERR.GET_MEMBERS_ERR_NOT_IN_CHANNEL,
        "onGetMembers",
        who=alice.ch("room"),
    )
    rejected(
        world,
        alice,
        lambda cb: room.sendMessage(RtmMessage("x"), None, cb),
        CHANNEL_MESSAGE_ERR_CODE.CHANNEL_MESSAGE_ERR_NOT_IN_CHANNEL,
        "onSendMessageResult",
        who=alice.ch("room"),
    )
    assert room.state is MemberState.IDLE


def test_channel_calls_require_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    room = alice.channel("room")
    for call, event in (
        (room.join, "onJoinFailure"),
        (room.leave, "onLeave"),
        (room.getMembers, "onGetMembers"),
        (lambda cb: room.sendMessage(RtmMessage("x"), None, cb), "onSendMessageResult"),
    ):
        info = rejected(world, alice, call, 102, event, who=alice.ch("room"))
        assert "not logged in" in info.errorDescription
    assert room.state is MemberState.IDLE


def test_get_members_caps_at_512_of_600(world: World) -> None:
    world.raw_members("big", (f"m{i:03}" for i in range(599)))
    alice = world.online("alice")[0]
    alice.join("big")
    cb = alice.cb()
    world.api(lambda: alice.channel("big").getMembers(cb))
    world.run()
    members = [m.userId for m in cb.value()]
    assert len(members) == 512 == len(set(members))
    assert set(members) <= {f"m{i:03}" for i in range(599)} | {"alice"}
    count = alice.cb()
    world.api(lambda: alice.client.getChannelMemberCount(["big"], count))
    world.run()
    assert count.value() == [ChannelMemberCount("big", 600)]
    # above 512 members, join/leave events are no longer sent
    assert joined_users(world, alice, "big") == []
    world.online("late")[0].join("big")
    assert joined_users(world, alice, "big") == []


def test_member_events_are_sent_up_to_512_members(world: World) -> None:
    alice = world.online("alice")[0]
    alice.join("room")
    world.raw_members("room", (f"m{i:03}" for i in range(510)))
    world.run()
    assert len(joined_users(world, alice, "room")) == 510  # 511 members now
    world.online("last")[0].join("room")  # the 512th member: still announced
    world.online("over")[0].join("room")  # the 513th: not announced
    assert joined_users(world, alice, "room")[-1] == "last"
    assert len(joined_users(world, alice, "room")) == 511


# --- channel messages ------------------------------------------------------------------------


def test_channel_message_reaches_others_not_the_sender(world: World, style: str) -> None:
    alice, bob, carol = world.online("alice", "bob", "carol", style=style)
    for peer in (alice, bob, carol):
        peer.join("room")
    world.trace.clear()
    message = alice.client.createMessage("hi all")
    cb = alice.cb()
    assert world.api(lambda: alice.channel("room").sendMessage(message, None, cb)) == 0
    world.run()
    assert cb.value() is None
    if not alice.java:
        assert world.trace.one(alice.ch("room"), "onSendMessageResult") == (message.messageId, 0)
    assert world.trace.of(alice.ch("room"), "onMessageReceived") == []
    for peer in (bob, carol):
        args = world.trace.one(peer.ch("room"), "onMessageReceived")
        if peer.java:
            got, member = args
            assert member == RtmChannelMember("alice", "room")
        else:
            user, got = args
            assert user == "alice"
        assert got.getText() == "hi all" and not got.isOfflineMessage()


class _Receiver(rtm.IChannelEventHandler):
    """Keeps what reached it; ``fail`` makes it raise after keeping the message."""

    def __init__(self, fail: bool = False) -> None:
        self.got: list[tuple[str, RtmMessage]] = []
        self.fail = fail

    def onMessageReceived(self, userId: str, message: RtmMessage) -> None:
        self.got.append((userId, message))
        if self.fail:
            raise RuntimeError("a receiver's own bug")


def test_embedded_fan_out_survives_a_failing_receiver_and_follows_new_channel_objects(
    caplog: pytest.LogCaptureFixture,
) -> None:
    core = rtm.EmbeddedCore.deterministic()
    app = "0123456789abcdef0123456789abcdef"
    clients = {}
    for user in ("alice", "bob", "carol"):
        client = rtm.createRtmService(core)
        client.initialize(app, rtm.IRtmServiceEventHandler())
        client.login(None, user)
        clients[user] = client
    core.run_until_idle()
    receivers = {"alice": _Receiver(), "bob": _Receiver(fail=True), "carol": _Receiver()}
    channels = {u: c.createChannel("room", receivers[u]) for u, c in clients.items()}
    for channel in channels.values():
        assert channel is not None and channel.join() == 0
    core.run_until_idle()
    sender = channels["alice"]
    assert sender is not None
    with caplog.at_level(logging.ERROR, logger="rtm.callbacks"):
        assert sender.sendMessage(clients["alice"].createMessage("one")) == 0
        core.run_until_idle()
    assert [(u, m.text) for u, m in receivers["carol"].got] == [("alice", "one")]
    assert [(u, m.text) for u, m in receivers["bob"].got] == [("alice", "one")]
    assert receivers["alice"].got == []
    # Each member has a message object of its own (an app may change it).
    assert receivers["bob"].got[0][1] is not receivers["carol"].got[0][1]
    assert receivers["bob"].got[0][1].messageId != receivers["carol"].got[0][1].messageId
    assert any("exception in user callback" in r.getMessage() for r in caplog.records)
    # carol releases her channel object and joins with a new one: that one gets messages.
    old = channels["carol"]
    assert old is not None
    old.release()
    core.run_until_idle()
    fresh = _Receiver()
    again = clients["carol"].createChannel("room", fresh)
    assert again is not None and again is not old and again.join() == 0
    core.run_until_idle()
    assert sender.sendMessage(clients["alice"].createMessage("two")) == 0
    core.run_until_idle()
    assert [m.text for _, m in fresh.got] == ["two"]
    assert [m.text for _, m in receivers["carol"].got] == ["one"]


def test_raw_channel_message(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    alice.join("room")
    bob.join("room")
    world.api(lambda: alice.channel("room").sendMessage(RtmMessage("d", b"\x01\x02")))
    world.run()
    _, got = world.trace.one(bob.ch("room"), "onMessageReceived")
    assert (got.raw, got.text) == (b"\x01\x02", "d")


def test_channel_messages_keep_per_sender_order(world: World) -> None:
    alice, bob, carol = world.online("alice", "bob", "carol")
    for peer in (alice, bob, carol):
        peer.join("room")
    for i in range(40):
        world.api(lambda i=i: alice.channel("room").sendMessage(RtmMessage(f"a{i}")))  # type: ignore[misc]
        world.api(lambda i=i: bob.channel("room").sendMessage(RtmMessage(f"b{i}")))  # type: ignore[misc]
    world.run()
    got = world.trace.args(carol.ch("room"), "onMessageReceived")
    assert [m.text for u, m in got if u == "alice"] == [f"a{i}" for i in range(40)]
    assert [m.text for u, m in got if u == "bob"] == [f"b{i}" for i in range(40)]


@pytest.mark.parametrize(
    "message",
    ["text", None, RtmMessage("x" * (32 * 1024 + 1)), RtmMessage("", b"x" * (32 * 1024 + 1))],
)
def test_channel_message_bad_input(world: World, style: str, message: Any) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    alice.join("room")
    bob.join("room")
    rejected(
        world,
        alice,
        lambda cb: alice.channel("room").sendMessage(message, None, cb),
        CHANNEL_MESSAGE_ERR_CODE.CHANNEL_MESSAGE_ERR_INVALID_MESSAGE,
        "onSendMessageResult",
        who=alice.ch("room"),
    )
    assert world.trace.of(bob.ch("room"), "onMessageReceived") == []


def test_channel_messages_too_often_shares_the_peer_quota(
    style: str, make_world: MakeWorld
) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(messages=Rate(2, 3.0)))))
    alice, bob = world.online("alice", "bob", style=style)
    alice.join("room")
    bob.join("room")
    ok = alice.send("bob", "peer")
    world.api(lambda: alice.channel("room").sendMessage(RtmMessage("one")))
    world.run()
    assert ok.code == 0
    failed_later(
        world,
        alice,
        lambda cb: alice.channel("room").sendMessage(RtmMessage("two"), None, cb),
        CHANNEL_MESSAGE_ERR_CODE.CHANNEL_MESSAGE_ERR_TOO_OFTEN,
        "onSendMessageResult",
        who=alice.ch("room"),
    )
    got = world.trace.args(bob.ch("room"), "onMessageReceived")
    texts = [a[0].text if bob.java else a[1].text for a in got]
    assert texts == ["one"]
    world.check()


# --- member counts -------------------------------------------------------------------------


def test_member_count_updated_after_join_and_throttled(world: World, style: str) -> None:
    alice, bob, carol, dave = world.online("alice", "bob", "carol", "dave", style=style)
    alice.join("room")
    counts = world.trace.args(alice.ch("room"), "onMemberCountUpdated")
    assert counts == [(1,)]  # right after the join
    world.advance(5)
    world.trace.clear()
    for peer in (bob, carol, dave):
        peer.join("room")
    assert world.trace.args(alice.ch("room"), "onMemberCountUpdated") == []
    assert world.trace.args(dave.ch("room"), "onMemberCountUpdated") == [(4,)]
    world.advance(1.0)
    # one throttled push with the final count, to everyone
    assert world.trace.args(alice.ch("room"), "onMemberCountUpdated") == [(4,)]
    assert world.trace.args(bob.ch("room"), "onMemberCountUpdated")[-1] == (4,)
    world.api(lambda: bob.channel("room").leave())
    world.advance(1.0)
    assert world.trace.args(alice.ch("room"), "onMemberCountUpdated")[-1] == (3,)


def test_get_channel_member_count(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    alice.join("a")
    bob.join("a")
    bob.join("b")
    request = RequestId()
    cb = alice.cb()
    world.api(
        lambda: alice.client.getChannelMemberCount(["a", "b", "nowhere"], cb, requestId=request)
    )
    world.run()
    expected = [
        ChannelMemberCount("a", 2),
        ChannelMemberCount("b", 1),
        ChannelMemberCount("nowhere", 0),
    ]
    assert cb.value() == expected
    if not alice.java:
        assert world.trace.one("alice", "onGetChannelMemberCountResult") == (
            request.value,
            expected,
            3,
            0,
        )


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (
            [f"c{i}" for i in range(33)],
            GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_EXCEED_LIMIT,
        ),
        ([], GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT),
        ("abc", GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT),
        (
            ["ok", "bad/id"],
            GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT,
        ),
        (None, GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT),
    ],
)
def test_get_channel_member_count_bad_input(world: World, style: str, ids: Any, code: int) -> None:
    alice = world.online("alice", style=style)[0]
    rejected(
        world,
        alice,
        lambda cb: alice.client.getChannelMemberCount(ids, cb),
        code,
        "onGetChannelMemberCountResult",
        code_index=3,
    )


def test_get_channel_member_count_32_ids_and_rate(world: World) -> None:
    alice = world.online("alice")[0]
    cb = alice.cb()
    world.api(lambda: alice.client.getChannelMemberCount([f"c{i}" for i in range(32)], cb))
    world.run()
    assert len(cb.value()) == 32
    failed_later(  # default rate: once per second
        world,
        alice,
        lambda c: alice.client.getChannelMemberCount(["c"], c),
        GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_TOO_OFTEN,
        "onGetChannelMemberCountResult",
        code_index=3,
    )
    world.advance(1.0)
    again = alice.cb()
    world.api(lambda: alice.client.getChannelMemberCount(["c"], again))
    world.run()
    assert again.code == 0


# --- rates on join / getMembers -----------------------------------------------------------------


def test_join_rates(style: str, make_world: MakeWorld) -> None:
    rates = Rates(join=Rate(3, 3.0), join_same_channel=Rate(2, 5.0))
    world = make_world(ServiceConfig(limits=Limits(rates=rates)))
    alice = world.online("alice", style=style)[0]
    alice.join("x")
    world.api(lambda: alice.channel("x").leave())
    world.run()
    alice.join("x")
    world.api(lambda: alice.channel("x").leave())
    world.run()
    failed_later(
        world,
        alice,
        lambda cb: alice.channel("x").join(cb),
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_JOIN_SAME_CHANNEL_TOO_OFTEN,
        "onJoinFailure",
        who=alice.ch("x"),
    )
    assert alice.channel("x").state is MemberState.IDLE
    failed_later(  # the third join attempt in 3 s already counted
        world,
        alice,
        lambda cb: alice.channel("y").join(cb),
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_TOO_OFTEN,
        "onJoinFailure",
        who=alice.ch("y"),
    )
    assert alice.channel("y").state is MemberState.IDLE
    world.advance(5.0)
    alice.join("x")
    world.check()


def test_get_members_rate(style: str, make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(get_members=Rate(1, 2.0)))))
    alice = world.online("alice", style=style)[0]
    alice.join("room")
    assert members_of(world, alice, "room") == ["alice"]
    failed_later(
        world,
        alice,
        lambda cb: alice.channel("room").getMembers(cb),
        GET_MEMBERS_ERR.GET_MEMBERS_ERR_TOO_OFTEN,
        "onGetMembers",
        who=alice.ch("room"),
    )
    world.check()


# --- dropping membership -----------------------------------------------------------------------


def test_logout_drops_membership_and_others_see_member_left(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    room = alice.join("room")
    bob.join("room")
    alice.logout()
    assert room.state is MemberState.IDLE
    assert left_users(world, bob, "room") == ["alice"]
    assert members_of(world, bob, "room") == ["bob"]
    alice.login()
    alice.join("room")  # the same channel object can join again


def test_join_pending_at_logout_still_reports_once(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    bob.join("room")
    room = alice.channel("room")
    cb = alice.cb()
    world.api(lambda: room.join(cb))
    world.api(alice.client.logout)
    world.run()
    info = cb.error()
    assert info.errorCode == JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_FAILURE
    assert room.state is MemberState.IDLE
    assert members_of(world, bob, "room") == ["bob"]
    if not alice.java:
        assert world.trace.args(alice.ch("room"), "onJoinFailure") == [(1,)]
        assert world.trace.args(alice.ch("room"), "onJoinSuccess") == []


def test_release_channel_leaves_quietly(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    room = alice.join("room")
    bob.join("room")
    world.trace.clear()
    room.release()
    room.release()  # twice is harmless
    world.run()
    assert world.trace.of(alice.ch("room")) == []
    assert left_users(world, bob, "room") == ["alice"]
    assert alice.client.createChannel("room", None) is not room
    rejected(
        world,
        alice,
        room.join,
        JOIN_CHANNEL_ERR.JOIN_CHANNEL_ERR_FAILURE,
        "onJoinFailure",
        who=alice.ch("room"),
    )


# --- channel attributes --------------------------------------------------------------------------


def channel_attrs(world: World, peer: Peer, channel_id: str) -> dict[str, str]:
    cb = peer.cb("cattrs")
    assert world.api(lambda: peer.client.getChannelAttributes(channel_id, cb)) == 0
    world.run()
    return {a.key: a.value for a in cb.value()}


def cwrite(world: World, peer: Peer, call: Callable[[Results], int]) -> None:
    cb = peer.cb("cwrite")
    assert world.api(lambda: call(cb)) == 0
    world.run()
    assert cb.value() is None


def test_channel_attribute_operations(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    c = alice.client
    cwrite(
        world,
        alice,
        lambda cb: c.setChannelAttributes("room", [CA("a", "1"), CA("b", "2")], None, cb),
    )
    assert channel_attrs(world, bob, "room") == {"a": "1", "b": "2"}  # no need to join
    cwrite(
        world,
        alice,
        lambda cb: c.addOrUpdateChannelAttributes("room", [CA("b", "3"), CA("c", "4")], None, cb),
    )
    assert channel_attrs(world, bob, "room") == {"a": "1", "b": "3", "c": "4"}
    cwrite(
        world,
        bob,
        lambda cb: bob.client.deleteChannelAttributesByKeys("room", ["a", "x"], None, cb),
    )
    assert channel_attrs(world, alice, "room") == {"b": "3", "c": "4"}
    by_keys = bob.cb()
    world.api(lambda: bob.client.getChannelAttributesByKeys("room", ["c", "zz"], by_keys))
    world.run()
    assert [(a.key, a.value) for a in by_keys.value()] == [("c", "4")]
    cwrite(world, alice, lambda cb: c.setChannelAttributes("room", [CA("only", "1")], None, cb))
    assert channel_attrs(world, bob, "room") == {"only": "1"}
    cwrite(world, alice, lambda cb: c.clearChannelAttributes("room", None, cb))
    assert channel_attrs(world, bob, "room") == {}


def test_channel_attribute_last_update_user_and_ts(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    cwrite(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes(
            "room", [CA("a", "1"), CA("b", "2")], None, cb
        ),
    )
    t0 = int(world.now * 1000)
    world.advance(2.5)
    cwrite(
        world,
        bob,
        lambda cb: bob.client.addOrUpdateChannelAttributes("room", [CA("b", "3")], None, cb),
    )
    t1 = int(world.now * 1000)
    cb = alice.cb()
    world.api(lambda: alice.client.getChannelAttributes("room", cb))
    world.run()
    got = {a.key: a for a in cb.value()}
    assert got["a"] == CA("a", "1", "alice", t0)
    assert got["b"] == CA("b", "3", "bob", t1)
    assert t1 - t0 == 2500


def test_channel_attribute_callbacks_cpp(world: World) -> None:
    alice = world.online("alice")[0]
    c = alice.client
    requests = [RequestId() for _ in range(6)]
    world.api(lambda: c.setChannelAttributes("r", [CA("k", "v")], requestId=requests[0]))
    world.api(lambda: c.addOrUpdateChannelAttributes("r", [CA("k2", "v2")], requestId=requests[1]))
    world.api(lambda: c.getChannelAttributes("r", requestId=requests[2]))
    world.api(lambda: c.getChannelAttributesByKeys("r", ["k"], requestId=requests[3]))
    world.api(lambda: c.deleteChannelAttributesByKeys("r", ["k"], requestId=requests[4]))
    world.api(lambda: c.clearChannelAttributes("r", requestId=requests[5]))
    world.run()
    ids = [r.value for r in requests]
    assert len(set(ids)) == 6
    assert world.trace.one("alice", "onSetChannelAttributesResult") == (ids[0], 0)
    assert world.trace.one("alice", "onAddOrUpdateChannelAttributesResult") == (ids[1], 0)
    assert world.trace.one("alice", "onDeleteChannelAttributesResult") == (ids[4], 0)
    assert world.trace.one("alice", "onClearChannelAttributesResult") == (ids[5], 0)
    results = world.trace.args("alice", "onGetChannelAttributesResult")
    assert [(r[0], sorted(a.key for a in r[1]), r[2], r[3]) for r in results] == [
        (ids[2], ["k", "k2"], 2, 0),
        (ids[3], ["k"], 1, 0),
    ]


def test_notification_flag_drives_attributes_updated(world: World, style: str) -> None:
    alice, bob, carol = world.online("alice", "bob", "carol", style=style)
    alice.join("room")
    bob.join("room")
    c = carol.client  # a writer that is not a member
    cwrite(world, carol, lambda cb: c.setChannelAttributes("room", [CA("a", "1")], None, cb))
    assert world.trace.of(alice.ch("room"), "onAttributesUpdated") == []  # no flag, no event
    cwrite(
        world, carol, lambda cb: c.addOrUpdateChannelAttributes("room", [CA("b", "2")], NOTIFY, cb)
    )

    def updates(peer: Peer) -> list[dict[str, str]]:
        out = []
        for args in world.trace.args(peer.ch("room"), "onAttributesUpdated"):
            attributes = args[0]
            if not peer.java:
                assert args[1] == len(attributes)
            out.append({a.key: a.value for a in attributes})
        return out

    assert updates(alice) == updates(bob) == [{"a": "1", "b": "2"}]  # the full set, not a diff
    cwrite(world, carol, lambda cb: c.deleteChannelAttributesByKeys("room", ["a"], NOTIFY, cb))
    cwrite(world, carol, lambda cb: c.setChannelAttributes("room", [CA("z", "9")], NOTIFY, cb))
    cwrite(world, carol, lambda cb: c.clearChannelAttributes("room", NOTIFY, cb))
    cwrite(
        world, carol, lambda cb: c.addOrUpdateChannelAttributes("room", [CA("q", "1")], None, cb)
    )
    assert updates(alice) == [{"a": "1", "b": "2"}, {"b": "2"}, {"z": "9"}, {}]
    assert updates(bob) == updates(alice)
    # members of other channels hear nothing
    assert world.trace.of(carol.ch("room")) == []


@pytest.mark.parametrize(
    ("channel_id", "attributes", "code"),
    [
        (
            "bad/id",
            [CA("k", "v")],
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT,
        ),
        ("", [CA("k", "v")], ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT),
        ("room", "kv", ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT),
        ("room", [("k", "v")], ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT),
    ],
)
def test_channel_attribute_bad_arguments(
    world: World, style: str, channel_id: Any, attributes: Any, code: int
) -> None:
    alice = world.online("alice", style=style)[0]
    cwrite(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes("room", [CA("keep", "1")], None, cb),
    )
    rejected(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes(channel_id, attributes, None, cb),
        code,
        "onSetChannelAttributesResult",
    )
    assert channel_attrs(world, alice, "room") == {"keep": "1"}


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ([CA("", "v")], ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT),
        ([CA("k", "")], ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT),
        ([CA("k" * 33, "v")], ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW),
        (
            [CA("k", "v" * (8 * 1024 + 1))],
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW,
        ),
        (
            [CA(f"k{i}", "v") for i in range(33)],
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW,
        ),
        (
            [CA(f"k{i}", "v" * 8000) for i in range(5)],
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW,
        ),
    ],
)
def test_channel_attribute_sizes(
    world: World, style: str, attributes: list[RtmChannelAttribute], code: int
) -> None:
    alice = world.online("alice", style=style)[0]
    cwrite(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes("room", [CA("keep", "1")], None, cb),
    )
    failed_later(
        world,
        alice,
        lambda cb: alice.client.addOrUpdateChannelAttributes("room", attributes, NOTIFY, cb),
        code,
        "onAddOrUpdateChannelAttributesResult",
    )
    assert channel_attrs(world, alice, "room") == {"keep": "1"}


def test_channel_attribute_32_kb_total_is_allowed(world: World) -> None:
    alice = world.online("alice")[0]
    # 4 x (2-byte key + 8190-byte value) = 32 KB + 0: at the limit
    exact = [CA(f"k{i}", "v" * (8 * 1024 - 2)) for i in range(4)]
    cwrite(world, alice, lambda cb: alice.client.setChannelAttributes("room", exact, None, cb))
    assert len(channel_attrs(world, alice, "room")) == 4


def test_channel_attribute_key_arguments(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    for call, event in (
        (
            lambda cb: alice.client.deleteChannelAttributesByKeys("room", [], None, cb),
            "onDeleteChannelAttributesResult",
        ),
        (
            lambda cb: alice.client.deleteChannelAttributesByKeys("room", "k", None, cb),
            "onDeleteChannelAttributesResult",
        ),
        (
            lambda cb: alice.client.getChannelAttributesByKeys("room", [""], cb),
            "onGetChannelAttributesResult",
        ),
        (
            lambda cb: alice.client.addOrUpdateChannelAttributes("room", [], None, cb),
            "onAddOrUpdateChannelAttributesResult",
        ),
        (lambda cb: alice.client.getChannelAttributes("null", cb), "onGetChannelAttributesResult"),
    ):
        rejected(
            world,
            alice,
            call,
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT,
            event,
        )


def test_channel_attribute_rates(make_world: MakeWorld) -> None:
    rates = Rates(channel_attr_write=Rate(1, 5.0), channel_attr_read=Rate(1, 5.0))
    world = make_world(ServiceConfig(limits=Limits(rates=rates)))
    alice, bob = world.online("alice", "bob")
    cwrite(
        world, alice, lambda cb: alice.client.setChannelAttributes("r", [CA("k", "v")], None, cb)
    )
    failed_later(
        world,
        alice,
        lambda cb: alice.client.clearChannelAttributes("r", None, cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN,
        "onClearChannelAttributesResult",
    )
    assert channel_attrs(world, bob, "r") == {"k": "v"}
    failed_later(
        world,
        bob,
        lambda cb: bob.client.getChannelAttributes("r", cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN,
        "onGetChannelAttributesResult",
    )
    world.check()


def test_attributes_of_an_empty_channel_expire(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    cwrite(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes("lobby", [CA("k", "v")], None, cb),
    )
    world.advance(119)
    assert channel_attrs(world, bob, "lobby") == {"k": "v"}
    world.advance(2)
    assert channel_attrs(world, bob, "lobby") == {}


def test_attributes_survive_while_someone_is_in_the_channel(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    cwrite(
        world, alice, lambda cb: alice.client.setChannelAttributes("room", [CA("k", "v")], None, cb)
    )
    world.advance(60)
    bob.join("room")  # cancels the expiry
    world.advance(500)
    assert channel_attrs(world, alice, "room") == {"k": "v"}
    world.api(lambda: bob.channel("room").leave())
    world.run()
    world.advance(100)
    assert channel_attrs(world, alice, "room") == {"k": "v"}
    world.advance(21)  # 120 s after the last member left
    assert channel_attrs(world, alice, "room") == {}


def test_channel_attribute_ops_require_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    rejected(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes("r", [CA("k", "v")], None, cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_USER_NOT_LOGGED_IN,
        "onSetChannelAttributesResult",
    )
    rejected(
        world,
        alice,
        lambda cb: alice.client.getChannelMemberCount(["r"], cb),
        GET_CHANNEL_MEMBER_COUNT_ERR_CODE.GET_CHANNEL_MEMBER_COUNT_ERR_USER_NOT_LOGGED_IN,
        "onGetChannelMemberCountResult",
        code_index=3,
    )


def test_create_channel_attribute_object(world: World) -> None:
    attribute = world.peer("alice").client.createChannelAttribute()
    attribute.setKey("k")
    attribute.setValue("v")
    assert (attribute.getKey(), attribute.getValue(), attribute.getLastUpdateUserId()) == (
        "k",
        "v",
        "",
    )


def test_member_count_interval_is_3_s_above_512_members(world: World) -> None:
    alice = world.online("alice")[0]
    alice.join("big")
    world.raw_members("big", (f"m{i:03}" for i in range(520)))
    world.advance(10)
    world.trace.clear()
    world.online("late")[0].join("big")  # 522 members
    world.advance(2.9)
    assert world.trace.args(alice.ch("big"), "onMemberCountUpdated") == []
    world.advance(0.2)
    assert world.trace.args(alice.ch("big"), "onMemberCountUpdated") == [(522,)]
