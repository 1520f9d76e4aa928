"""RTS engines in a test world (tests.rtm.kit.World): embedded, over a gateway, over Redis.

Engines and rooms get recording handlers that check every callback against the handler
base class's signature; all callbacks land in the world's one trace, in delivery order.
"""

from __future__ import annotations

from typing import Any

from adapters.rts import IRTSEventHandler, IRTSRoomEventHandler, createRTS
from adapters.rts.engine import RTSEngineBase
from tests.rtm.kit import APP, Recording, Trace, World

__all__ = ["RTS_APP", "RTS_APP_AS_RTM", "EngineHandler", "RoomHandler", "Rts", "link"]

#: A vendor app ID (24 hex) and the RTM app ID it stands for.
RTS_APP = APP[8:]
RTS_APP_AS_RTM = "0" * 8 + RTS_APP


class EngineHandler(Recording, IRTSEventHandler):
    UNRECORDED = frozenset({"onSysStats"})  # every 2 s: kept apart, not in the trace

    def __init__(self, trace: Trace, who: str) -> None:
        super().__init__(trace, who)
        self.stats: list[Any] = []

    def onSysStats(self, stats: Any) -> None:
        self.stats.append(stats)


class RoomHandler(Recording, IRTSRoomEventHandler):
    pass


class Rts:
    """RTS engines on a world's core."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.trace = world.trace
        self.engines: dict[str, RTSEngineBase] = {}

    def engine(self, name: str, app_id: str = RTS_APP, parameters: Any = None) -> RTSEngineBase:
        engine = createRTS(
            app_id, EngineHandler(self.trace, name), parameters, core=self.world.core
        )
        self.engines[name] = engine
        return engine

    def online(self, *names: str, app_id: str = RTS_APP) -> list[RTSEngineBase]:
        """Engines logged in as ``names`` (asserts the login succeeded)."""
        engines = [self.engine(n, app_id) for n in names]
        for name, engine in zip(names, engines, strict=True):
            assert engine.login("token", name) == 0
        self.world.run()
        for name in names:
            assert self.trace.of(name, "onLoginResult")[-1].args[1] == 0, self.trace.of(name)
        return engines

    def room(self, engine: RTSEngineBase, room_id: str, who: str) -> Any:
        room = engine.createRoom(room_id)
        assert room is not None
        room.setRTSRoomEventHandler(RoomHandler(self.trace, who))
        return room

    def joined(self, engine: RTSEngineBase, room_id: str, who: str) -> Any:
        room = self.room(engine, room_id, who)
        assert room.joinRoom() == 0
        self.world.run()
        assert self.trace.of(who, "onRoomStateChanged")[-1].args[2] == 0, self.trace.of(who)
        return room

    def args(self, who: str, name: str) -> list[tuple[Any, ...]]:
        return self.trace.args(who, name)

    def close(self) -> None:
        for engine in self.engines.values():
            if not engine.destroyed:
                engine.destroyRTS()


def link(engine: RTSEngineBase) -> Any:
    """The engine's link to the core (in-process, or a gateway connection), to drop it."""
    transport = engine.client._transport
    assert transport is not None and callable(getattr(transport, "drop", None))
    return transport
