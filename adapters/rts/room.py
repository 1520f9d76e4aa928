"""``RTSRoom``: one room of an engine, the RTM channel of the same name.

A room is joined as its engine's logged-in user (``joinRoom`` has no arguments). Its RTM
channel events and the business server's messages for it run the room rows of ``rts.toml``
with the room as ``session`` (``room_id``, ``uid``, ``join_elapsed``) and sink (its handler).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mapping_tables.model import EventRow

from .api import IRTSRoom
from .engine import NoWait
from .handlers import IRTSRoomEventHandler
from .rows import deliver_row

if TYPE_CHECKING:
    from .engine import RTSEngineBase

__all__ = ["RTSRoomBase"]

log = logging.getLogger("sig2rtm.rts")


class RTSRoomBase(IRTSRoom):
    """One room; the methods are generated from the room's method rows (``RTSRoom``)."""

    generated_source: str = ""

    def __init__(self, engine: RTSEngineBase, room_id: str, channel: Any) -> None:
        self.engine = engine
        self.room_id = room_id
        self.channel = channel
        self.handler: IRTSRoomEventHandler | None = None
        self.usage = engine.usage
        self.destroyed = False
        self.join_wait = NoWait()
        self.lock = engine.lock
        #: "idle" | "joining" | "joined" | "leaving"
        self.state = "idle"
        self.join_started = 0.0

    def __repr__(self) -> str:
        return f"<RTSRoom {self.room_id!r} {self.state}>"

    # ------------------------------------------------------------------ session fields

    @property
    def uid(self) -> str:
        return self.engine.uid

    @property
    def join_elapsed(self) -> int:
        return max(0, round((float(self.engine.sched.time()) - self.join_started) * 1000))

    @property
    def joined(self) -> bool:
        return self.state == "joined"

    # ------------------------------------------------------------------ delivery

    def signal(self, name: str, **params: Any) -> None:
        sched = self.engine.sched
        sched.call_soon(sched.deliver, self.on_rtm_event, name, params)

    def trace_call(self, name: str) -> None:
        self.engine.trace_call(name)

    def emit_row(self, row: EventRow, args: tuple[object, ...]) -> None:
        deliver_row(self, row, args)

    def callback_failed(self, name: str) -> None:
        log.exception("exception in RTS room callback %s (ignored)", name)

    def on_rtm_event(self, name: str, params: dict[str, Any]) -> None:
        """An RTM channel event of this room, a server message for it, or an ``Rts.*`` signal."""
        if self.destroyed:
            return
        short = name.rpartition(".")[2]
        if short == "onJoinSuccess":
            self.state = "joined"
        elif short == "onJoinFailure":
            self.state = "idle"
        elif short == "onLeave":
            was = self.state
            self.state = "idle"
            if was != "leaving":
                return  # a leave the app did not ask for reports nothing
        elif short == "onRoomRejoined" and self.state != "joined":
            return
        self.engine.run_rows(self.engine.rows.room, name, params, None, self, self)

    # ------------------------------------------------------------------ from the engine

    def session_lost(self) -> None:
        """The engine's session ended: the RTM channel membership is gone."""
        if self.state != "idle":
            self.state = "idle"

    def rejoined(self, since: float) -> None:
        """The engine's link is back: the room reports its rejoin (join_type 1)."""
        if self.state == "joined":
            self.join_started = since
            self.signal("Rts.onRoomRejoined")

    def lost(self, error: int) -> None:
        """The engine's session was ended by the core (a kick): the room reports it."""
        if self.state in ("joined", "joining"):
            self.state = "idle"
            self.signal("Rts.onRoomLost", error=error)
