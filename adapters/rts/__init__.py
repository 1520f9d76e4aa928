"""The vendor RTS client API (seed 000) on the RTM core: ``createRTS`` and its engine.

``createRTS(app_id, handler, parameters=None)`` makes an independent engine on the
process-wide core (``SIG2RTM_URL``, else the embedded default — as ``adapters.signaling``
and ``agorasigsdk`` pick theirs; ``core=`` picks another). Its methods and its rooms' are
generated from the method rows of ``mapping_tables/data/rts.toml`` by the shared facade
(:mod:`adapters.facade`); its callbacks come from the table's event rows, compiled by the
shared machinery (:mod:`mapping_tables.codegen`). See docs/rts.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

import rtm

from ..facade import build_methods
from .api import IRTS, IRTSRoom, RTSDestroyedError
from .engine import RTSEngineBase
from .enums import (
    BusinessCheckCode,
    ConnectionState,
    JoinRoomType,
    LoginErrorCode,
    LoginType,
    LogoutReason,
    MessageConfig,
    NetworkType,
    RoomMessageSendResult,
    RtsErrorCode,
    RtsReturnStatus,
    RtsWarningCode,
    UserMessageSendResult,
    UserOfflineReason,
    UserOnlineStatus,
)
from .handlers import IRTSEventHandler, IRTSRoomEventHandler, SysStats
from .ops import OPERATIONS, apply_parameters
from .room import RTSRoomBase
from .rows import rts_rows

__all__ = [
    "IRTS",
    "BusinessCheckCode",
    "ConnectionState",
    "IRTSEventHandler",
    "IRTSRoom",
    "IRTSRoomEventHandler",
    "JoinRoomType",
    "LoginErrorCode",
    "LoginType",
    "LogoutReason",
    "MessageConfig",
    "NetworkType",
    "RTSDestroyedError",
    "RTSEngine",
    "RTSRoom",
    "RoomMessageSendResult",
    "RtsErrorCode",
    "RtsReturnStatus",
    "RtsWarningCode",
    "SysStats",
    "UserMessageSendResult",
    "UserOfflineReason",
    "UserOnlineStatus",
    "createRTS",
]

_TYPES = {"str": str, "bytes": bytes, "int": int}
T = TypeVar("T")


def _check(kind: str) -> Any:
    expected = _TYPES[kind]

    def check(**values: Any) -> None:
        for name, value in values.items():
            ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
            if expected is bytes:
                ok = isinstance(value, bytes | bytearray | memoryview)
            if not ok:
                raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")

    return check


def _check_of(name: str, annotation: object) -> str | None:
    return annotation if isinstance(annotation, str) and annotation in _TYPES else None


def _destroyed() -> BaseException:
    return RTSDestroyedError("the engine (or room) was destroyed")


def _build(interface: type, base: type[T], topic: str, label: str) -> type[T]:
    rows = [r for r in rts_rows().table.methods if r.topic == topic]
    methods, source = build_methods(
        rows,
        interface,
        OPERATIONS,
        {kind: _check(kind) for kind in _TYPES},
        _check_of,
        _destroyed,
        label=label,
        skip=frozenset({"createRTS"}),
        fast={"str": "{0}.__class__ is str", "int": "{0}.__class__ is int"},
    )
    return type(label, (base,), {**methods, "generated_source": source})


#: The engine and room classes, their methods generated from the rows.
RTSEngine = _build(IRTS, RTSEngineBase, "engine", "RTSEngine")
RTSRoom = _build(IRTSRoom, RTSRoomBase, "room", "RTSRoom")
RTSEngine.room_class = RTSRoom


def _parameters(parameters: str | Mapping[str, Any] | None) -> dict[str, Any]:
    if parameters is None:
        return {}
    if isinstance(parameters, str):
        value = json.loads(parameters) if parameters.strip() else {}
    else:
        value = dict(parameters)
    if not isinstance(value, dict):
        raise ValueError("createRTS parameters must be a JSON object")
    return value


def createRTS(
    app_id: str,
    handler: IRTSEventHandler | None,
    parameters: str | Mapping[str, Any] | None = None,
    *,
    core: Any = None,
) -> RTSEngineBase:
    """A new, independent RTS engine for ``app_id`` (24 hex characters, or a 32-character
    RTM app ID). ``parameters``: a JSON object (text or mapping) of engine parameters;
    ``{"sig2rtm.rtc_naming": true}`` selects the RTC callback names for a business
    server's messages outside rooms. ``core``: the core to use (default: the process-wide
    one). Raises ValueError for a bad app ID or parameters."""
    values = _parameters(parameters)
    engine = RTSEngine(core if core is not None else rtm.default_core(), app_id, handler, False)
    try:
        apply_parameters(engine, values)
    except ValueError:
        engine.destroyRTS()
        raise
    return engine
