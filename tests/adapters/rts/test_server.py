"""``adapters.rts.server.BusinessServer``: the business server's actions as a Python API on
a core of this process, reaching RTM clients and legacy Signaling users alike."""

from __future__ import annotations

import pytest

import adapters.signaling as shim
import rtm
from adapters.rts.server import ActionError, BusinessServer, SendResult
from legacy_signaling.callback import RecordingCallBack
from tests.rtm.kit import APP, World

BIZ = "biz-server"


def test_the_default_core_reaches_rtm_and_legacy_users(
    deterministic_default: rtm.EmbeddedCore,
) -> None:
    world = World()
    world.core = deterministic_default
    world.sched = deterministic_default.scheduler  # type: ignore[assignment]
    (alice,) = world.online("alice")
    alice.join("lobby")
    legacy, rec = shim.getInstance(APP), RecordingCallBack()
    legacy.callbackSet(rec)
    legacy.login(APP, "lena", "_no_need_token", 0, "")
    deterministic_default.run_until_idle()
    legacy.channelJoin("lobby")
    deterministic_default.run_until_idle()

    server = BusinessServer(None, APP)
    assert server.send_unicast(BIZ, "alice", "to alice") == SendResult(1)
    assert server.send_unicast(BIZ, "lena", "to lena") == SendResult(1)
    assert server.send_unicast(BIZ, "alice", b"\x00raw") == SendResult(1)
    assert server.send_broadcast("lobby", BIZ, "to all") == SendResult(2)
    assert server.send_room_unicast("lobby", BIZ, "lena", "room one") == SendResult(1)
    deterministic_default.run_until_idle()

    got = [(s, m.getMessageType(), m.text, m.raw, m.isFromServer())
           for s, m in world.trace.args("alice", "onMessageReceivedFromPeer")]  # fmt: skip
    assert got == [(BIZ, 1, "to alice", b"", True), (BIZ, 2, "", b"\x00raw", True)]
    ((sender, message),) = world.trace.args("alice/lobby", "onMessageReceived")
    assert (sender, message.text, message.isFromServer()) == (BIZ, "to all", True)
    assert ("onMessageInstantReceive", (BIZ, 0, "to lena")) in rec.trace
    assert ("onMessageInstantReceive", (BIZ, 0, "room one")) in rec.trace
    channel_messages = [args for name, args in rec.trace if name == "onMessageChannelReceive"]
    assert [(ch, account, msg) for ch, account, _uid, msg in channel_messages] == [
        ("lobby", BIZ, "to all")
    ]


def test_batch_lists_who_was_not_in_the_room() -> None:
    world = World()
    alice, bob = world.online("alice", "bob")
    alice.join("r")
    server = BusinessServer(world.core, APP)
    result = server.batch_send_room_unicast("r", BIZ, ["alice", "bob"], "b")
    assert result == SendResult(1, ("bob",))
    world.run()
    ((_, message),) = world.trace.args("alice", "onMessageReceivedFromPeer")
    assert (message.text, message.getServerRoomId()) == ("b", "r")
    assert world.trace.args("bob", "onMessageReceivedFromPeer") == []
    del bob


def test_refused_requests_raise_and_send_nothing() -> None:
    world = World()
    world.online("alice")
    assert isinstance(world.core, rtm.EmbeddedCore)
    server = BusinessServer(world.core.service, APP)  # a service works as well as its core
    with pytest.raises(ActionError, match="UserNotOnline"):
        server.send_unicast(BIZ, "bob", "x")
    with pytest.raises(ActionError) as too_big:
        server.send_unicast(BIZ, "alice", b"x" * (64 * 1024 + 1))
    assert (too_big.value.code, too_big.value.status) == ("MessageTooLarge", 413)
    with pytest.raises(ActionError, match="From must match"):
        server.send_broadcast("r", "no spaces allowed", "x")
    with pytest.raises(ActionError, match="TooManyRecipients"):
        server.batch_send_room_unicast("r", BIZ, [f"u{i}" for i in range(601)], "x")
    world.run()
    assert world.trace.args("alice", "onMessageReceivedFromPeer") == []


def test_other_app_ids_are_other_apps() -> None:
    world = World()
    world.online("alice")
    with pytest.raises(ActionError, match="UserNotOnline"):
        BusinessServer(world.core, "another-app").send_unicast(BIZ, "alice", "x")


def test_it_needs_a_core_of_this_process_and_an_app_id() -> None:
    with pytest.raises(TypeError, match="HTTP API"):
        BusinessServer(object(), APP)
    with pytest.raises(ValueError, match="app_id"):
        BusinessServer(World().core, "")
