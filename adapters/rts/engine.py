"""``RTSEngine``: the state one RTS engine's operations and rows share, and its events.

The engine owns one RTM client (C++ handler style) on the core it was created on. Every RTM
callback reaches :meth:`RTSEngineBase.on_rtm_event` as an RTM event (the shim's generated
forwarding handlers, :mod:`adapters.signaling.forwarding`): a few hooks keep the engine's
state (login, connection, rooms) and then the compiled rows of ``rts.toml`` call the app's
handler. The engine is the rows' ``session`` (``uid``, ``login_elapsed``, ``previous_state``,
``rtc_naming``) and their sink. Channel events and a business server's in-room messages go
to the room they belong to (:mod:`adapters.rts.room`). The engine's own signals (``Rts.*``:
refusals, server results, system statistics, the lost connection) go through the same rows.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import rtm
from adapters.signaling.context import Request
from adapters.signaling.forwarding import answers, handler_class
from mapping_tables.model import EventRow
from rtm.handlers import IChannelEventHandler, IRtmServiceEventHandler

from .api import IRTS
from .handlers import IRTSEventHandler
from .limits import BROADCAST_RATE, PEER_RATE, SERVER_RATE, SendRate, rtm_app_id
from .rows import RtsRows, deliver_row, rts_rows
from .sysstats import SysStatsReader

if TYPE_CHECKING:
    from .room import RTSRoomBase

__all__ = ["LOST_AFTER_S", "SYS_STATS_PERIOD_S", "RTSEngineBase", "RowTrace"]

log = logging.getLogger("sig2rtm.rts")

#: onSysStats period (the vendor's: every 2 s).
SYS_STATS_PERIOD_S = 2.0
#: RECONNECTING this long is CONNECTION_STATE_LOST (the vendor's 10 s).
LOST_AFTER_S = 10.0

_S = rtm.CONNECTION_STATE
_R = rtm.CONNECTION_CHANGE_REASON
_TOKEN_FAILURES = frozenset({5, 6, 7})  # LOGIN_ERR_INVALID_TOKEN, TOKEN_EXPIRED, NOT_AUTHORIZED


class RowTrace:
    """What a coverage run records: the methods called and the rows that fired (set as an
    engine's ``usage`` before its rooms are created; off by default)."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.rows: list[EventRow] = []


class NoWait:
    """RTS calls never wait behind a join (every row is immediate)."""

    busy = False

    def defer(self, call: Callable[[], None]) -> bool:
        return False


class RTSEngineBase(IRTS):
    """One RTS engine; the methods are generated from the method rows (``RTSEngine``)."""

    generated_source: str = ""
    #: The room class this engine's createRoom makes (set with the generated classes).
    room_class: type[RTSRoomBase]

    def __init__(
        self, core: Any, app_id: str, handler: IRTSEventHandler | None, rtc_naming: bool
    ) -> None:
        self.rows: RtsRows = rts_rows()
        self.core = core
        self.sched = core.scheduler
        #: The core's lock: app calls (any thread), RTM events and timers change the state.
        self.lock = self.sched.lock
        self.app_id = app_id
        self.rtm_app_id = rtm_app_id(app_id)
        self.handler = handler
        self.usage: RowTrace | None = None
        self.destroyed = False
        self.join_wait = NoWait()
        self.rtc_naming = rtc_naming
        self.parameters: dict[str, Any] = {}
        self.business_id = ""
        #: "out" | "pending" | "in"
        self.login_state = "out"
        self.uid = ""
        self.token = ""
        self.token_failed = False
        self.login_started = 0.0
        self.previous_state = int(_S.CONNECTION_STATE_DISCONNECTED)
        self.reconnect_started = 0.0
        self.server_params: tuple[str, str] | None = None
        self.msgids = itertools.count(1)
        self.rooms: dict[str, RTSRoomBase] = {}
        self.peer_rate = SendRate(PEER_RATE, self.sched.time)
        self.broadcast_rate = SendRate(BROADCAST_RATE, self.sched.time)
        self.server_rate = SendRate(SERVER_RATE, self.sched.time)
        self.server_pending: set[int] = set()
        self._requests: dict[int, Request] = {}
        self._silent_logout = False
        self._lost_timer: Any = None
        service_cls = handler_class(
            IRtmServiceEventHandler,
            "IRtmServiceEventHandler",
            routed=answers(IRtmServiceEventHandler, "IRtmServiceEventHandler", {}),
            by_id=("requestId",),
        )
        self._channel_cls = handler_class(
            IChannelEventHandler, "IChannelEventHandler", channel=True
        )
        self.client = rtm.RtmClient(core)
        code = self.client.initialize(
            self.rtm_app_id, service_cls(self.on_rtm_event, None, {"requestId": self._requests})
        )
        if code:
            raise ValueError(f"createRTS: the core refused app ID {self.rtm_app_id!r} ({code})")
        self._stats = SysStatsReader()
        self._stats_timer = self.sched.call_later(SYS_STATS_PERIOD_S, self._sys_stats)

    def __repr__(self) -> str:
        return f"<RTSEngine app={self.app_id!r} uid={self.uid!r} {self.login_state}>"

    # ------------------------------------------------------------------ session fields

    @property
    def login_elapsed(self) -> int:
        return max(0, round((float(self.sched.time()) - self.login_started) * 1000))

    @property
    def logged_in(self) -> bool:
        return self.login_state == "in"

    def next_msgid(self) -> int:
        return next(self.msgids)

    def channel_handler(self, room_id: str) -> Any:
        """The RTM channel handler of one room (its events come back tagged with it)."""
        return self._channel_cls(self.on_rtm_event, channel_id=room_id)

    def track_request(self, request_id: int, request: Request) -> None:
        self._requests[request_id] = request

    # ------------------------------------------------------------------ delivery

    def explain(self, reason: str) -> None:
        """Why the engine refused or failed a call, for whoever runs the app (the app sees
        the code): logger ``sig2rtm.rts``, INFO."""
        log.info("%s: %s", self.uid or f"engine of {self.app_id}", reason)

    def signal(self, name: str, **params: Any) -> None:
        """One of the engine's own signals (``Rts.*``), delivered through its rows on the
        callback thread, never inside the call that raised it."""
        sched = self.sched
        sched.call_soon(sched.deliver, self.on_rtm_event, name, params, None, "", "")

    def trace_call(self, name: str) -> None:
        if self.usage is not None:
            self.usage.calls.append(name)

    def emit_row(self, row: EventRow, args: tuple[object, ...]) -> None:
        """A firing the compiled code did not hand to the handler itself (no handler, or
        a row trace is kept)."""
        deliver_row(self, row, args)

    def callback_failed(self, name: str) -> None:
        log.exception("exception in RTS callback %s (ignored)", name)

    # ------------------------------------------------------------------ RTM events

    def on_rtm_event(
        self, name: str, params: dict[str, Any], req: Any, trigger: str, channel: str
    ) -> None:
        """Every RTM event of this engine's client and every ``Rts.*`` signal."""
        if self.destroyed:
            return
        if channel:
            room = self.rooms.get(channel)
            if room is not None:
                room.on_rtm_event(name, params)
            return
        hook = _BEFORE.get(name)
        if hook is not None and hook(self, params):
            return
        self.run_rows(self.rows.engine, name, params, req, self, self)
        after = _AFTER.get(name)
        if after is not None:
            after(self, params)

    @staticmethod
    def run_rows(compiled: Any, name: str, params: Any, req: Any, session: Any, sink: Any) -> None:
        fn = compiled.functions.get((name, ""))
        if fn is None:
            return
        try:
            fn(params, req, session, sink)
        except Exception as exc:
            raise compiled.row_error(exc) from exc

    def _sys_stats(self) -> None:
        if self.destroyed:
            return
        stats = self._stats.read()
        self.sched.deliver(self.on_rtm_event, "Rts.onSysStats", {"stats": stats}, None, "", "")
        self._stats_timer = self.sched.call_later(SYS_STATS_PERIOD_S, self._sys_stats)

    def _lost(self) -> None:
        self._lost_timer = None
        if not self.destroyed and self.previous_state == _S.CONNECTION_STATE_RECONNECTING:
            self.sched.deliver(self.on_rtm_event, "Rts.onConnectionLost", {}, None, "", "")

    def cancel_timers(self) -> None:
        for timer in (self._stats_timer, self._lost_timer):
            if timer is not None:
                timer.cancel()
        self._lost_timer = None

    # ------------------------------------------------------------------ hooks

    def logged_out(self) -> None:
        """The session ended (logout, kick): rooms are no longer joined, params forgotten."""
        self.login_state = "out"
        self.server_params = None
        for room in self.rooms.values():
            room.session_lost()

    def rtm_logout_quietly(self) -> None:
        """Log the RTM client out without an onLogout (after a kick)."""
        self._silent_logout = True
        self.client.logout()


def _login_success(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    engine.login_state = "in"
    engine.token_failed = False
    return False


def _login_failure(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    engine.login_state = "out"
    engine.token_failed = int(params["errorCode"]) in _TOKEN_FAILURES
    return False


def _logout(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    silent, engine._silent_logout = engine._silent_logout, False
    engine.logged_out()
    return silent


def _connection(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    state = int(params["state"])
    if engine._silent_logout and state == _S.CONNECTION_STATE_DISCONNECTED:
        engine.previous_state = state  # the quiet logout after a kick: FAILED stays the last
        return True
    if state == _S.CONNECTION_STATE_RECONNECTING:
        engine.reconnect_started = engine.sched.time()
        if engine._lost_timer is None:
            engine._lost_timer = engine.sched.call_later(LOST_AFTER_S, engine._lost)
    elif engine._lost_timer is not None:
        engine._lost_timer.cancel()
        engine._lost_timer = None
    return False


def _connection_after(engine: RTSEngineBase, params: dict[str, Any]) -> None:
    state, reason = int(params["state"]), int(params["reason"])
    previous, engine.previous_state = engine.previous_state, state
    if state == _S.CONNECTION_STATE_CONNECTED and previous == _S.CONNECTION_STATE_RECONNECTING:
        for room in list(engine.rooms.values()):
            room.rejoined(engine.reconnect_started)
    elif state == _S.CONNECTION_STATE_ABORTED:
        kicked = reason == _R.CONNECTION_CHANGE_REASON_REMOTE_LOGIN
        for room in list(engine.rooms.values()):
            room.lost(-1004 if kicked else -1001)  # RTS_ERROR_CODE_DUPLICATE_LOGIN / JOIN_ROOM
        engine.logged_out()
        engine.rtm_logout_quietly()


def _peer_message(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    """A business server's in-room message goes to that room (when joined), not the engine."""
    room_of = getattr(params["message"], "getServerRoomId", None)
    room_id = room_of() if room_of is not None else ""
    if not room_id:
        return False
    room = engine.rooms.get(room_id)
    if room is not None and room.joined:
        room.on_rtm_event("IRtmServiceEventHandler.onMessageReceivedFromPeer", params)
    else:
        engine.explain(f"a server message for room {room_id!r}, which is not joined: dropped")
    return True


def _server_result(engine: RTSEngineBase, params: dict[str, Any]) -> bool:
    msgid = params["msgid"]
    if msgid not in engine.server_pending:
        return True  # already reported (refused at once by the core)
    engine.server_pending.discard(msgid)
    return False


_BEFORE: Mapping[str, Callable[[RTSEngineBase, dict[str, Any]], bool]] = {
    "IRtmServiceEventHandler.onLoginSuccess": _login_success,
    "IRtmServiceEventHandler.onLoginFailure": _login_failure,
    "IRtmServiceEventHandler.onLogout": _logout,
    "IRtmServiceEventHandler.onConnectionStateChanged": _connection,
    "IRtmServiceEventHandler.onMessageReceivedFromPeer": _peer_message,
    "Rts.onServerSendResult": _server_result,
}
_AFTER: Mapping[str, Callable[[RTSEngineBase, dict[str, Any]], None]] = {
    "IRtmServiceEventHandler.onConnectionStateChanged": _connection_after,
}
