"""Every RTS room method and callback, embedded and over a gateway (fixture ``rts``)."""

from __future__ import annotations

import json

import pytest

from adapters.rts import RoomMessageSendResult, RTSDestroyedError
from adapters.rts.limits import MAX_MESSAGE_BYTES
from tests.adapters.rts.kit import RoomHandler, Rts, link

R = RoomMessageSendResult


def test_join_leave_and_member_events(rts: Rts) -> None:
    alice, bob = rts.online("alice", "bob")
    room_a = rts.room(alice, "lobby", "alice/lobby")
    assert rts.trace.of("alice/lobby") == []
    rts.world.advance(0.25)
    assert room_a.joinRoom() == 0
    assert room_a.joinRoom() == -2  # joining already
    rts.world.run()
    ((room_id, uid, state, extra),) = rts.args("alice/lobby", "onRoomStateChanged")
    assert (room_id, uid, state) == ("lobby", "alice", 0)
    assert json.loads(extra) == {"elapsed": 0, "join_type": 0}
    rts.joined(bob, "lobby", "bob/lobby")
    assert rts.args("alice/lobby", "onUserJoined") == [("bob", 0)]
    assert room_a.joinRoom() == -2
    assert room_a.leaveRoom() == 0
    rts.world.run()
    assert rts.args("alice/lobby", "onLeaveRoom") == [()]
    assert rts.args("bob/lobby", "onUserLeave") == [("alice", 0)]
    assert room_a.leaveRoom() == 0  # not in the room: nothing to report
    rts.world.run()
    assert rts.args("alice/lobby", "onLeaveRoom") == [()]


def test_join_needs_login(rts: Rts) -> None:
    engine = rts.engine("alice")
    room = rts.room(engine, "lobby", "alice/lobby")
    assert room.joinRoom() == -1


def test_broadcast_to_the_other_members(rts: Rts) -> None:
    alice, bob, carol = rts.online("alice", "bob", "carol")
    room_a = rts.joined(alice, "lobby", "alice/lobby")
    rts.joined(bob, "lobby", "bob/lobby")
    rts.joined(carol, "lobby", "carol/lobby")
    assert alice.sendMessage("bob", "p2p first") == 1
    assert room_a.sendRoomMessage("hello room") == 2  # one msgid sequence per engine
    assert room_a.sendRoomBinaryMessage(b"\x01bin") == 3
    rts.world.run()
    for who in ("bob/lobby", "carol/lobby"):
        assert rts.args(who, "onRoomMessageReceived") == [("alice", "hello room")]
        assert rts.args(who, "onRoomBinaryMessageReceived") == [("alice", 4, b"\x01bin")]
    assert rts.args("alice/lobby", "onRoomMessageReceived") == []  # not to the sender
    assert rts.args("alice/lobby", "onRoomMessageSendResult") == [(2, 200), (3, 200)]


def test_room_send_refusals(rts: Rts) -> None:
    (alice,) = rts.online("alice")
    room = rts.room(alice, "lobby", "alice/lobby")
    not_joined = room.sendRoomMessage("x")
    assert room.joinRoom() == 0
    rts.world.run()
    too_big = room.sendRoomBinaryMessage(b"x" * (MAX_MESSAGE_BYTES + 1))
    core_cap = room.sendRoomMessage("y" * (40 * 1024))
    rts.world.run()
    assert dict(rts.args("alice/lobby", "onRoomMessageSendResult")) == {
        not_joined: R.ROOM_MESSAGE_SEND_RESULT_NOT_JOIN,
        too_big: R.ROOM_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH,
        core_cap: R.ROOM_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH,
    }


def test_set_handler_and_destroy(rts: Rts) -> None:
    alice, bob = rts.online("alice", "bob")
    room_a = rts.joined(alice, "lobby", "alice/lobby")
    room_b = rts.joined(bob, "lobby", "bob/lobby")
    assert room_b.setRTSRoomEventHandler(RoomHandler(rts.trace, "bob/new")) == 0
    room_a.sendRoomMessage("to the new handler")
    rts.world.run()
    assert rts.args("bob/new", "onRoomMessageReceived") == [("alice", "to the new handler")]
    assert rts.args("bob/lobby", "onRoomMessageReceived") == []
    room_a.destroy()
    rts.world.run()
    assert rts.args("bob/new", "onUserLeave") == [("alice", 0)]
    assert rts.args("alice/lobby", "onLeaveRoom") == []  # destroy leaves quietly
    with pytest.raises(RTSDestroyedError):
        room_a.joinRoom()
    again = alice.createRoom("lobby")  # the ID is free again
    assert again is not None


def test_rejoin_after_reconnect_and_lost_state(rts: Rts) -> None:
    alice, bob = rts.online("alice", "bob")
    rts.joined(alice, "lobby", "alice/lobby")
    rts.joined(bob, "lobby", "bob/lobby")
    link(alice).drop()
    rts.world.run()
    assert rts.args("alice", "onConnectionStateChanged")[-1] == (4,)  # RECONNECTING
    assert rts.args("alice", "onNetworkTypeChanged")[-1] == (0,)
    rts.world.advance(10.0)
    assert rts.args("alice", "onConnectionStateChanged")[-1] == (6,)  # LOST
    link(alice).restore()
    rts.world.run()
    assert rts.args("alice", "onConnectionStateChanged")[-1] == (5,)  # RECONNECTED
    assert rts.args("alice", "onNetworkTypeChanged")[-1] == (1,)
    first, again = rts.args("alice/lobby", "onRoomStateChanged")
    assert json.loads(first[3])["join_type"] == 0
    assert again[:3] == ("lobby", "alice", 0)
    assert json.loads(again[3]) == {"elapsed": 10000, "join_type": 1}
    assert bob.createRoom("lobby") is None  # bob's room object still exists
    rts.world.run()


def test_kicked_engine_loses_its_rooms(rts: Rts) -> None:
    (alice,) = rts.online("alice")
    rts.joined(alice, "lobby", "alice/lobby")
    usurper = rts.engine("usurper")
    assert usurper.login("t", "alice") == 0
    rts.world.run()
    assert rts.args("alice", "onLogout") == [(1,)]
    assert rts.args("alice/lobby", "onRoomStateChanged")[-1] == ("lobby", "alice", -1004, "{}")


def test_broadcast_rate_is_65_per_second(rts: Rts) -> None:
    (alice,) = rts.online("alice")
    room = rts.joined(alice, "lobby", "alice/lobby")
    ids = [room.sendRoomMessage(str(i)) for i in range(66)]
    rts.world.run()
    results = dict(rts.args("alice/lobby", "onRoomMessageSendResult"))
    assert [results[i] for i in ids[:65]] == [200] * 65
    assert results[ids[65]] == R.ROOM_MESSAGE_SEND_RESULT_EXCEED_QPS
