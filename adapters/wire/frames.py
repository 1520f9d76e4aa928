"""The legacy Signaling wire frames, sans-I/O: bytes in, typed frames out, and back.

Why a table: every client frame is ``[cmd, payload]`` and each command's payload has one
shape, so the shapes live in :data:`CLIENT_COMMANDS` and one decoder checks them all; the
server frames are produced by small constructors whose output is what the legacy SDKs read
(``docs/legacy-wire.md``). Nothing here touches a socket or the RTM core.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = [
    "CLIENT_COMMANDS",
    "Call2",
    "ClientFrame",
    "FrameError",
    "LineLogin",
    "Login",
    "Ping",
    "SetFlag",
    "call2_failed",
    "call2_ok",
    "call2_ret",
    "close",
    "decode",
    "kick",
    "login_failed",
    "login_ok",
    "notify_channel",
    "notify_msg",
    "pong",
]

#: Largest batch (``multi``) a client may send in one message.
MAX_MULTI = 64
#: Largest inflated size of a zlib-compressed (binary) message.
MAX_INFLATED = 1 << 20


class FrameError(ValueError):
    """A message that is not a legacy frame: ``code`` is one of a few fixed names (a metric
    label); ``reason`` is short and safe to send back."""

    def __init__(self, reason: str, code: str = "bad_payload") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@attrs.frozen
class Login:
    account: str
    token: str
    vid: str
    uid: int = 0
    device: str = ""
    ver: int = 0


@attrs.frozen
class LineLogin:
    line: str


@attrs.frozen
class Ping:
    n: int


@attrs.frozen
class Call2:
    func: str
    callid: int
    args: Mapping[str, Any]


@attrs.frozen
class SetFlag:
    flags: Mapping[str, Any]


ClientFrame = Login | LineLogin | Ping | Call2 | SetFlag

#: The frames' metric label (``type(frame).__name__.lower()``) and the codes of refused frames.
FRAME_COMMANDS = tuple(t.__name__.lower() for t in (Login, LineLogin, Ping, Call2, SetFlag))
FRAME_ERROR_CODES = (
    "bad_payload", "too_big", "bad_json", "bad_frame", "unknown_command", "rate_limited",
    "line_login", "already_logged_in", "not_login", "bad_line", "bad_args", "busy",
    "not_in_channel", "unsupported",
)  # fmt: skip


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(payload: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = payload.get(key, None if required else "")
    if not isinstance(value, str):
        raise FrameError(f"{key} must be a string")
    return value


def _object(payload: object, cmd: str) -> Mapping[str, Any]:
    if not isinstance(payload, dict):
        raise FrameError(f"{cmd} payload must be an object")
    return payload


def _login(payload: object) -> Login:
    p = _object(payload, "login")
    uid, ver = p.get("uid", 0), p.get("ver", 0)
    if not _is_int(uid) or not _is_int(ver):
        raise FrameError("login uid and ver must be integers")
    return Login(
        _text(p, "account"),
        _text(p, "token"),
        _text(p, "vid"),
        uid,
        _text(p, "device", required=False),
        ver,
    )


def _line_login(payload: object) -> LineLogin:
    return LineLogin(_text(_object(payload, "line_login"), "line"))


def _ping(payload: object) -> Ping:
    if not _is_int(payload):
        raise FrameError("ping payload must be an integer")
    return Ping(payload)  # type: ignore[arg-type]


def _call2(payload: object) -> Call2:
    if not isinstance(payload, list) or len(payload) != 3:
        raise FrameError("call2 payload must be [func, callid, args]")
    func, callid, args = payload
    if not isinstance(func, str) or not func:
        raise FrameError("call2 func must be a non-empty string")
    if not _is_int(callid):
        raise FrameError("call2 callid must be an integer")
    if not isinstance(args, dict):
        raise FrameError("call2 args must be an object")
    return Call2(func, callid, args)


def _set_flag(payload: object) -> SetFlag:
    return SetFlag(_object(payload, "set_flag"))


#: cmd -> payload parser, for every frame a legacy client sends (``multi`` is unpacked).
CLIENT_COMMANDS: Mapping[str, Callable[[object], ClientFrame]] = {
    "login": _login,
    "line_login": _line_login,
    "ping": _ping,
    "call2": _call2,
    "set_flag": _set_flag,
}


def _text_of(message: str | bytes) -> str:
    if isinstance(message, str):
        return message
    # Web 1.4.0 deflates binary messages; a plain UTF-8 binary message is accepted too.
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(message, MAX_INFLATED)
        if inflater.unconsumed_tail:
            raise FrameError("compressed message too large", "too_big")
    except zlib.error:
        data = message
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameError("binary message is neither zlib nor UTF-8 JSON", "bad_json") from None


def _one(item: object) -> ClientFrame:
    if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
        raise FrameError("a frame is a JSON array [cmd, payload]", "bad_frame")
    cmd, payload = item
    parser = CLIENT_COMMANDS.get(cmd)
    if parser is None:
        raise FrameError(f"unknown command {cmd[:40]!r}", "unknown_command")
    return parser(payload)


def decode(message: str | bytes) -> list[ClientFrame]:
    """The frames in one WebSocket message (several for a ``multi`` batch)."""
    text = _text_of(message)
    try:
        item = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("not JSON", "bad_json") from None
    if isinstance(item, list) and len(item) == 2 and item[0] == "multi":
        batch = item[1]
        if not isinstance(batch, list) or len(batch) > MAX_MULTI:
            raise FrameError(
                f"multi payload must be a list of at most {MAX_MULTI} frames", "bad_frame"
            )
        return [_one(sub) for sub in batch]
    return [_one(item)]


# --- server -> client -------------------------------------------------------------------


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def login_ok(line: str, uid: int) -> str:
    return _dump(["login_ret", ["", _dump({"result": "ok", "line": line, "uid": uid})]])


def login_failed(reason: str) -> str:
    """A refused login: ``reason`` is what the Web SDK maps to a code (see ``reasons``)."""
    return _dump(["login_ret", ["", _dump({"result": "failed", "reason": reason})]])


def pong(n: int) -> str:
    return _dump(["pong", n])


def call2_ret(callid: int, err: str, body: Mapping[str, Any]) -> str:
    """The reply to a ``call2``: the JSON part is always a JSON text (the Python SDK parses
    it unconditionally and logs out if it cannot)."""
    return _dump(["call2-ret", [callid, err, _dump(dict(body))]])


def call2_ok(callid: int, body: Mapping[str, Any] | None = None) -> str:
    return call2_ret(callid, "", {**(body or {}), "result": "ok"})


def call2_failed(callid: int, reason: str) -> str:
    """A refused call: the reason where each SDK reads it (Web ``data.result``, Python
    ``reason`` and ``err``); never empty, as an empty ``err`` reads as success."""
    reason = reason or "failed"
    return call2_ret(
        callid, reason, {"result": "failed", "reason": reason, "data": {"result": reason}}
    )


def notify_msg(version: int) -> str:
    return _dump(["notify", ["msg", version]])


def notify_channel(channel: str, msgid: int, line: str) -> str:
    return _dump(["notify", ["channel2", channel, msgid, line]])


def close(reason: str) -> str:
    return _dump(["close", reason])


def kick(reason: str) -> str:
    return _dump(["kick", reason])
