"""Each row of rts.toml proven against the code.

* Every method row has its method (engine or room, generated from the row) or is the
  module-level ``createRTS``, and every operation is a row's.
* Every event row is a callback of the handler class of its topic, with the row's args.
* A tour of the API, with a row trace on every engine, fires every event row that is not
  unsupported, and calls every method row.
* Every enum member's status is what the code does: a member the table calls mapped or
  emulated is produced somewhere (a code row, a row's literal, the operations), an ``n/a``
  member nowhere.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import adapters.rts
import rtm
from adapters.rts import IRTSEventHandler, IRTSRoomEventHandler, RTSEngine, RTSRoom
from adapters.rts.engine import RowTrace, RTSEngineBase
from adapters.rts.ops import OPERATIONS
from adapters.rts.room import RTSRoomBase
from adapters.rts.server import BusinessServer
from mapping_tables.dialect import load_dialect
from mapping_tables.model import NameStatus, Status
from rtm.channel import RtmChannel
from tests.adapters.rts.kit import RTS_APP, RTS_APP_AS_RTM, Rts, link
from tests.rtm.kit import World

TABLE = load_dialect()
SOURCE = Path(adapters.rts.__file__).parent


def test_every_method_row_has_its_method() -> None:
    for row in TABLE.methods:
        if row.legacy == "createRTS":
            assert inspect.isfunction(adapters.rts.createRTS)
            continue
        cls: type[RTSEngineBase | RTSRoomBase] = RTSRoom if row.topic == "room" else RTSEngine
        method = getattr(cls, row.legacy)
        assert f"def {row.legacy}(" in cls.generated_source, row.legacy
        params = list(inspect.signature(method).parameters)[1:]
        assert params == list(row.args), row.legacy
    assert set(OPERATIONS) == {row.operation for row in TABLE.methods}


def test_every_event_row_is_a_handler_callback() -> None:
    for row in TABLE.events:
        cls = IRTSRoomEventHandler if row.topic == "room" else IRTSEventHandler
        callback = getattr(cls, row.legacy)
        assert list(inspect.signature(callback).parameters)[1:] == list(row.args), row.legacy
    declared = {
        name
        for cls in (IRTSEventHandler, IRTSRoomEventHandler)
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if name.startswith("on")
    }
    assert declared == {row.legacy for row in TABLE.events}


def _tour(kit: Rts, trace: RowTrace) -> None:
    world = kit.world

    def engine(name: str) -> Any:
        e = kit.engine(name)
        e.usage = trace
        return e

    alice, bob, carol = engine("alice"), engine("bob"), engine("carol")
    alice.getSdkVersion()
    alice.setBusinessId("tour")
    alice.setRuntimeParameters("{}")
    alice.setRtsEventHandler(alice.handler)
    alice.sendMessage("bob", "refused: not logged in")
    for e, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        e.login("t", name)
    dave = engine("dave")
    dave.login("t", "dave")
    dave.logout()  # the pending login fails (aborted)
    world.run()
    alice.updateLoginToken("t2")
    alice.setServerParams("sig", "http://127.0.0.1:9/")
    alice.sendServerMessage("to the server")
    alice.sendServerBinaryMessage(b"to the server")
    for _ in range(11):  # the core's query rate (10 per 5 s here): the 11th fails
        alice.getPeerOnlineStatus("bob")
    alice.sendMessage("bob", "text")
    alice.sendBinaryMessage("bob", b"bytes")
    alice.createRoom("bad room")
    room_a = alice.createRoom("lobby")
    room_b = bob.createRoom("lobby")
    for room in (room_a, room_b):
        room.setRTSRoomEventHandler(room.handler)
    room_a.sendRoomMessage("refused: not joined")
    room_a.joinRoom()
    world.run()
    room_b.joinRoom()
    world.run()
    room_a.sendRoomMessage("text")
    room_a.sendRoomBinaryMessage(b"bytes")
    world.run()
    server = BusinessServer(world.core, RTS_APP_AS_RTM)
    rtc_style = engine("rtc-style")
    rtc_style.setRuntimeParameters('{"sig2rtm.rtc_naming": true}')
    rtc_style.login("t", "rtc-style")
    world.run()
    for message in ("text", b"bytes"):
        server.send_unicast("biz", "alice", message)
        server.send_unicast("biz", "rtc-style", message)
        server.send_room_unicast("lobby", "biz", "bob", message)
    world.run()
    rooms = [alice.createRoom(f"r{i}") for i in range(20)]
    for room in rooms:  # the 21st channel fails
        room.joinRoom()
    world.run()
    link(alice).drop()
    world.run()
    world.advance(10.0)
    link(alice).restore()
    world.run()
    room_b.leaveRoom()
    world.run()
    room_b.destroy()
    usurper = engine("usurper")
    usurper.login("t", "alice")
    world.run()
    carol.logout()
    world.run()
    world.advance(2.0)
    bob.destroyRTS()


def test_the_tour_fires_every_row_and_calls_every_method() -> None:
    world = World(rtm.ServiceConfig(limits=rtm.Limits(rates=rtm.MOBILE_RATES)))
    kit = Rts(world)
    trace = RowTrace()
    try:
        _tour(kit, trace)
    finally:
        kit.close()
        world.close()
    fired = {(row.legacy, row.rtm, row.when, row.outcome) for row in trace.rows}
    silent = [
        f"{row.legacy} <- {row.rtm} (line {row.line})"
        for row in TABLE.events
        if row.status is not Status.UNSUPPORTED
        and (row.legacy, row.rtm, row.when, row.outcome) not in fired
    ]
    assert not silent, silent
    called = set(trace.calls) | {"createRTS"}
    assert {row.legacy for row in TABLE.methods} <= called


#: Enums a callback argument carries, for the literal values of rows.
_CARRIED = {
    ("onConnectionStateChanged", "state"): "ConnectionState",
    ("onNetworkTypeChanged", "type"): "NetworkType",
    ("onLogout", "reason"): "LogoutReason",
    ("onGetPeerOnlineStatus", "status"): "UserOnlineStatus",
    ("onUserLeave", "reason"): "UserOfflineReason",
    ("onLoginResult", "error_code"): "LoginErrorCode",
    ("onRoomStateChanged", "state"): "RtsErrorCode",
}


def _produced() -> set[str]:
    """Enum members the code can report: code rows, row literals, names in the operations."""
    out = {c.legacy_name for c in TABLE.codes}
    for row in TABLE.events:
        for arg, text in row.projection.items():
            enum = _CARRIED.get((row.legacy, arg))
            if enum is None:
                continue
            literal = re.fullmatch(r"-?\d+", text)
            chosen = re.fullmatch(r"choose\(.*, (-?\d+), (-?\d+)\)", text)
            values = [int(text)] if literal else [int(v) for v in chosen.groups()] if chosen else []
            out |= {m.name for m in TABLE.enum(enum).members if m.value in values}
        for value in re.findall(r"'join_type', (\d+)", " ".join(row.projection.values())):
            out |= {m.name for m in TABLE.enum("JoinRoomType").members if m.value == int(value)}
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in SOURCE.glob("*.py") if p.name != "enums.py"
    )
    names = set(re.findall(r"\b[A-Z][A-Z0-9_]{3,}\b", code))
    for each in TABLE.enums:
        out |= {m.name for m in each.members if m.name in names}
    # Members named by a short alias in the operations (_U.USER_..., _ROOM.ROOM_...).
    out |= set(re.findall(r"_(?:U|ROOM)\.([A-Z_]+)", code))
    # Every MessageConfig is accepted (the operations take all of its values).
    if "frozenset(int(c) for c in MessageConfig)" in code:
        out |= {m.name for m in TABLE.enum("MessageConfig").members}
    return out


def test_enum_statuses_match_the_code() -> None:
    produced = _produced()
    wrong = []
    for enum in TABLE.enums:
        for member in enum.members:
            made = member.name in produced
            if made != (member.status is not NameStatus.NOT_APPLICABLE):
                wrong.append(f"{enum.name}.{member.name}: {member.status.value}, produced={made}")
    assert not wrong, wrong


#: A successful call of each method row (engine ``e`` logged in as alice, bob online,
#: ``r`` a room of e's, joined for the calls that need it, ``spare`` an engine not logged in).
_CALLS: dict[str, Any] = {
    "createRTS": lambda w, e, r, spare: adapters.rts.createRTS(RTS_APP, None, core=w.core),
    "destroyRTS": lambda w, e, r, spare: e.destroyRTS(),
    "getSdkVersion": lambda w, e, r, spare: e.getSdkVersion(),
    "setRtsEventHandler": lambda w, e, r, spare: e.setRtsEventHandler(e.handler),
    "setBusinessId": lambda w, e, r, spare: e.setBusinessId("tag"),
    "setRuntimeParameters": lambda w, e, r, spare: e.setRuntimeParameters("{}"),
    "login": lambda w, e, r, spare: spare.login("t", "zed"),
    "logout": lambda w, e, r, spare: e.logout(),
    "updateLoginToken": lambda w, e, r, spare: e.updateLoginToken("t2"),
    "setServerParams": lambda w, e, r, spare: e.setServerParams("sig", "http://127.0.0.1:9/"),
    "getPeerOnlineStatus": lambda w, e, r, spare: e.getPeerOnlineStatus("bob"),
    "sendMessage": lambda w, e, r, spare: e.sendMessage("bob", "x"),
    "sendBinaryMessage": lambda w, e, r, spare: e.sendBinaryMessage("bob", b"x"),
    "sendServerMessage": lambda w, e, r, spare: e.sendServerMessage("x"),
    "sendServerBinaryMessage": lambda w, e, r, spare: e.sendServerBinaryMessage(b"x"),
    "createRoom": lambda w, e, r, spare: e.createRoom("other"),
    "destroy": lambda w, e, r, spare: r.destroy(),
    "setRTSRoomEventHandler": lambda w, e, r, spare: r.setRTSRoomEventHandler(None),
    "joinRoom": lambda w, e, r, spare: r.joinRoom(),
    "leaveRoom": lambda w, e, r, spare: r.leaveRoom(),
    "sendRoomMessage": lambda w, e, r, spare: r.sendRoomMessage("x"),
    "sendRoomBinaryMessage": lambda w, e, r, spare: r.sendRoomBinaryMessage(b"x"),
}

_RTM_CLASSES = {"IRtmService": rtm.RtmClient, "RtmClient": rtm.RtmClient, "IChannel": RtmChannel}


def test_each_method_makes_the_rtm_calls_of_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row's method makes RTM calls of its row only (at least one when it names any,
    none when it names none)."""
    made: list[str] = []
    names = {n for row in TABLE.methods for n in row.rtm} | {
        f"IRtmService.{n}" for n in ("login", "logout", "sendMessageToPeer", "createChannel")
    }
    for name in names:
        if name == "createRtmService":
            continue
        interface, _, method = name.partition(".")
        cls = _RTM_CLASSES[interface]
        real = getattr(cls, method)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            made.append(_name.rpartition(".")[2])
            return _real(*args, **kwargs)

        monkeypatch.setattr(cls, method, spy)
    assert set(_CALLS) == {row.legacy for row in TABLE.methods}
    for row in TABLE.methods:
        world = World()
        try:
            kit = Rts(world)
            engine, _bob = kit.online("alice", "bob")
            room = engine.createRoom("lobby")
            engine.setServerParams("sig", "http://127.0.0.1:9/")
            spare = adapters.rts.createRTS(RTS_APP, None, core=world.core)
            if row.legacy in ("leaveRoom", "sendRoomMessage", "sendRoomBinaryMessage"):
                room.joinRoom()
            world.run()
            made.clear()
            _CALLS[row.legacy](world, engine, room, spare)
            world.run()
            declared = {n.rpartition(".")[2] for n in row.rtm}
            assert set(made) <= declared, (row.legacy, made)  # nothing the row does not say
            if row.rtm:
                assert made, row.legacy  # a mapped call reaches RTM
            else:
                assert made == [], (row.legacy, made)
            kit.close()
        finally:
            world.close()
