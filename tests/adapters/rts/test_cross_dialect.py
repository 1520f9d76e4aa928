"""One app, three dialects: an RTS engine, an RTM client and a legacy Signaling app exchange
peer messages, and an RTS room is the RTM channel of the same name — embedded, over one
gateway, and across two gateway nodes sharing a real redis-server (fixture ``everywhere``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.signaling.world import ShimWorld
from legacy_signaling.callback import ICallBack
from tests.adapters.rts.kit import RTS_APP, RTS_APP_AS_RTM, Rts
from tests.rtm.kit import Peer, Trace


class LegacyHandler(ICallBack):
    """Records the legacy callbacks a cross-dialect test looks at."""

    def __init__(self, trace: Trace, who: str) -> None:
        self.trace = trace
        self.who = who

    def onLoginSuccess(self, uid: int, fd: int) -> None:
        self.trace.add(self.who, "onLoginSuccess", (uid, fd))

    def onChannelJoined(self, channelID: str) -> None:
        self.trace.add(self.who, "onChannelJoined", (channelID,))

    def onMessageInstantReceive(self, account: str, uid: int, msg: str) -> None:
        self.trace.add(self.who, "onMessageInstantReceive", (account, msg))

    def onMessageChannelReceive(self, channelID: str, account: str, uid: int, msg: str) -> None:
        self.trace.add(self.who, "onMessageChannelReceive", (channelID, account, msg))


@pytest.fixture
def three(everywhere: Rts) -> Iterator[tuple[Rts, Any, Peer, Any]]:
    """(kit, RTS engine "rts", RTM peer "rtm", legacy instance "legacy"), all logged in to
    the same app: the RTS engine by its vendor ID, the others by its 32-character form."""
    kit = everywhere
    world = kit.world
    (engine,) = kit.online("rts", app_id=RTS_APP)
    peer = world.peer("rtm", app_id=RTS_APP_AS_RTM)
    peer.login()
    shim = ShimWorld(RTS_APP_AS_RTM, core=world.core)
    legacy = shim.createAgoraSDKInstance(RTS_APP_AS_RTM)
    legacy.callbackSet(LegacyHandler(world.trace, "legacy"))
    legacy.login(RTS_APP_AS_RTM, "legacy", "_no_need_token", 0, "")
    world.run()
    assert world.trace.of("legacy", "onLoginSuccess"), world.trace.of("legacy")
    yield kit, engine, peer, legacy
    legacy.logout()
    world.run()


def test_peer_messages_between_dialects(three: tuple[Rts, Any, Peer, Any]) -> None:
    kit, engine, peer, legacy = three
    world = kit.world
    assert engine.sendMessage("rtm", "rts to rtm") == 1
    assert engine.sendMessage("legacy", "rts to legacy") == 2
    world.run()
    peer.send("rts", "rtm to rts")
    legacy.messageInstantSend("rts", 0, "legacy to rts", "m1")
    world.run()
    (to_rtm,) = world.trace.args("rtm", "onMessageReceivedFromPeer")
    assert to_rtm[0] == "rts" and to_rtm[1].getText() == "rts to rtm"
    assert world.trace.args("legacy", "onMessageInstantReceive") == [("rts", "rts to legacy")]
    assert sorted(kit.args("rts", "onMessageReceived")) == [
        ("legacy", "legacy to rts"),
        ("rtm", "rtm to rts"),
    ]
    assert sorted(kit.args("rts", "onMessageSendResult")) == [(1, 0), (2, 0)]


def test_an_rts_room_is_the_rtm_channel_of_the_same_name(
    three: tuple[Rts, Any, Peer, Any],
) -> None:
    kit, engine, peer, legacy = three
    world = kit.world
    peer.join("stage")
    legacy.channelJoin("stage")
    world.run()
    assert world.trace.args("legacy", "onChannelJoined") == [("stage",)]
    room = kit.joined(engine, "stage", "rts/stage")
    assert room.sendRoomMessage("broadcast from rts") == 1
    world.run()
    assert world.trace.args("legacy", "onMessageChannelReceive") == [
        ("stage", "rts", "broadcast from rts")
    ]
    (to_rtm,) = [
        e.args for e in world.trace.events if e.name == "onMessageReceived" and e.who != "rts"
    ]
    assert to_rtm[0] == "rts" and to_rtm[1].getText() == "broadcast from rts"
    legacy.messageChannelSend("stage", "broadcast from legacy", "c1")
    world.run()
    assert kit.args("rts/stage", "onRoomMessageReceived") == [("legacy", "broadcast from legacy")]
    assert kit.args("rts/stage", "onRoomMessageSendResult") == [(1, 200)]
