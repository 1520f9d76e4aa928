"""The wire codec: every RTM frame as one JSON object, validated strictly on the way in.

Why JSON: the gateway must be reachable from any language and debuggable with a WebSocket
console; frames are small, so a binary format would buy little. Why strict: the service
trusts the frames it receives (they are typed records), so the codec is the trust boundary
— anything that is not exactly a frame of this protocol version becomes a
:class:`DecodeError` with a stable ``code``, and nothing reaches the service.

A frame is ``{"t": <type tag>, <field>: <value>, ...}``; field names are the attrs field
names of :mod:`rtm.protocol`; ``bytes`` travel as standard base64; tuples as arrays. Fields
with a default in :mod:`rtm.protocol` may be omitted; unknown fields are an error. A
WebSocket message carries one frame or a batch (a JSON array of frames). See
``docs/protocol.md`` for the whole protocol (handshake, acks, errors, close codes).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from . import protocol as p

__all__ = [
    "MAX_BATCH",
    "MAX_FRAME_BYTES",
    "PROTOCOL_VERSION",
    "Ack",
    "Control",
    "DecodeError",
    "ErrorFrame",
    "Welcome",
    "decode_client",
    "decode_message",
    "decode_server",
    "encode",
    "encode_batch",
    "from_obj",
    "scrub",
    "to_obj",
]

#: Bumped on any incompatible change; the gateway serves each version on ``/v<N>``.
PROTOCOL_VERSION: Final = 1
#: Default limit of one WebSocket message, in UTF-8 bytes (a 32 KB payload escapes to less).
MAX_FRAME_BYTES: Final = 256 * 1024
#: At most this many frames in one batch message.
MAX_BATCH: Final = 256
_INT_MAX = 2**53  # exact in every JSON implementation (IEEE doubles)


# --- control frames (gateway level, not RTM requests or events) ----------------------


@attrs.frozen
class Welcome:
    """Server -> client, first frame of a connection: who the session is, and limits."""

    session: str
    node: str
    v: int
    heartbeat: float
    max_frame: int


@attrs.frozen
class ErrorFrame:
    """Server -> client: a frame was rejected (``code`` is a :class:`DecodeError` code or a
    gateway code); ``req`` echoes the request number when it could be read."""

    code: str
    message: str
    req: int | None = None


@attrs.frozen
class Ack:
    """Client -> server: ``n`` server frames of this connection have been received."""

    n: int


Control = Welcome | ErrorFrame | Ack


class DecodeError(Exception):
    """A message or frame that is not valid in this protocol version; nothing was applied.

    ``code`` is one of: ``bad_json``, ``bad_text``, ``bad_frame``, ``unknown_type``,
    ``missing_field``, ``unknown_field``, ``bad_field``, ``too_large``, ``bad_batch``,
    ``wrong_direction``.
    """

    CODES: Final = frozenset(
        {
            "bad_json",
            "bad_text",
            "bad_frame",
            "unknown_type",
            "missing_field",
            "unknown_field",
            "bad_field",
            "too_large",
            "bad_batch",
            "wrong_direction",
        }
    )

    def __init__(self, code: str, message: str, req: int | None = None) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown decode error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.req = req


class _Bad(Exception):
    """A field value that does not fit its kind (turned into ``bad_field``)."""


# --- field kinds: (check-and-convert from JSON, convert to JSON) ------------------------


def _int(v: Any) -> int:
    if type(v) is not int or not -_INT_MAX < v < _INT_MAX:
        raise _Bad("expected an integer")
    return v


def _uint(v: Any) -> int:
    if type(v) is not int or not 0 <= v < _INT_MAX:
        raise _Bad("expected a non-negative integer")
    return v


def _str(v: Any) -> str:
    if type(v) is not str:
        raise _Bad("expected a string")
    return v


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise _Bad("expected true or false")
    return v


def _number(v: Any) -> float:
    if type(v) not in (int, float) or not math.isfinite(v):
        raise _Bad("expected a finite number")
    return float(v)


def _opt_uint(v: Any) -> int | None:
    return None if v is None else _uint(v)


def _opt_str(v: Any) -> str | None:
    return None if v is None else _str(v)


def _strs(v: Any) -> tuple[str, ...]:
    if type(v) is not list or any(type(x) is not str for x in v):
        raise _Bad("expected an array of strings")
    return tuple(v)


def _opt_strs(v: Any) -> tuple[str, ...] | None:
    return None if v is None else _strs(v)


def _pairs(v: Any) -> tuple[tuple[str, str], ...]:
    if type(v) is not list:
        raise _Bad("expected an array of [key, value] string pairs")
    out = []
    for item in v:
        if type(item) is not list or len(item) != 2 or any(type(x) is not str for x in item):
            raise _Bad("expected an array of [key, value] string pairs")
        out.append((item[0], item[1]))
    return tuple(out)


def _states(v: Any) -> tuple[tuple[str, int], ...]:
    if type(v) is not list:
        raise _Bad("expected an array of [peer, state] pairs")
    out = []
    for item in v:
        if (
            type(item) is not list
            or len(item) != 2
            or type(item[0]) is not str
            or type(item[1]) is not int
        ):
            raise _Bad("expected an array of [peer, state] pairs")
        out.append((item[0], item[1]))
    return tuple(out)


def _b64decode(v: Any) -> bytes:
    if type(v) is not str:
        raise _Bad("expected base64 text")
    try:
        return base64.b64decode(v.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise _Bad("expected base64 text") from None


def _b64encode(v: bytes) -> str:
    return base64.b64encode(v).decode("ascii") if v else ""


_PAYLOAD_KEYS = frozenset({"type", "text", "raw"})


def _payload(v: Any) -> p.Payload:
    if type(v) is not dict or not v.keys() <= _PAYLOAD_KEYS or "type" not in v or "text" not in v:
        raise _Bad('expected {"type": int, "text": str, "raw": base64}')
    return p.Payload(_int(v["type"]), _str(v["text"]), _b64decode(v.get("raw", "")))


def _payload_out(v: p.Payload) -> dict[str, Any]:
    return {"type": v.type, "text": v.text, "raw": _b64encode(v.raw)}


_ATTR_KEYS = frozenset({"key", "value", "last_update_user_id", "last_update_ts"})


def _attr(v: Any) -> p.ChannelAttr:
    if type(v) is not dict or v.keys() != _ATTR_KEYS:
        raise _Bad("expected a channel attribute object")
    return p.ChannelAttr(
        _str(v["key"]), _str(v["value"]), _str(v["last_update_user_id"]), _int(v["last_update_ts"])
    )


def _attr_out(a: p.ChannelAttr) -> dict[str, Any]:
    return {
        "key": a.key,
        "value": a.value,
        "last_update_user_id": a.last_update_user_id,
        "last_update_ts": a.last_update_ts,
    }


def _attrs_in(v: Any) -> tuple[p.ChannelAttr, ...]:
    if type(v) is not list:
        raise _Bad("expected an array of channel attributes")
    return tuple(_attr(x) for x in v)


def _value(v: Any, depth: int = 0) -> Any:
    """A Result value: null, bool, number, string, arrays (as tuples), channel attributes,
    bytes (as ``{"b64": base64}``: a business server's ACK)."""
    if depth > 4:
        raise _Bad("value nested too deeply")
    if v is None or type(v) in (bool, str):
        return v
    if type(v) is int:
        return _int(v)
    if type(v) is float:
        return _number(v)
    if type(v) is list:
        return tuple(_value(x, depth + 1) for x in v)
    if type(v) is dict:
        if v.keys() == _BYTES_KEYS:
            return _b64decode(v["b64"])
        return _attr(v)
    raise _Bad("unsupported value")


_BYTES_KEYS = frozenset({"b64"})


def _value_out(v: Any) -> Any:
    if isinstance(v, bytes):
        return {"b64": base64.b64encode(v).decode("ascii")}
    if isinstance(v, tuple | list):
        return [_value_out(x) for x in v]
    if isinstance(v, p.ChannelAttr):
        return _attr_out(v)
    if v is None or isinstance(v, bool | int | float | str):
        return v
    raise TypeError(f"cannot encode result value of type {type(v).__name__}")


def _same(v: Any) -> Any:
    return v


def _tuple_out(v: Iterable[Any]) -> list[Any]:
    return list(v)


def _pairs_out(v: Iterable[tuple[Any, Any]]) -> list[list[Any]]:
    return [[a, b] for a, b in v]


def _opt_tuple_out(v: Iterable[Any] | None) -> list[Any] | None:
    return None if v is None else list(v)


def _attrs_out(v: Iterable[p.ChannelAttr]) -> list[dict[str, Any]]:
    return [_attr_out(a) for a in v]


Kind = tuple[Callable[[Any], Any], Callable[[Any], Any]]
INT: Kind = (_int, _same)
UINT: Kind = (_uint, _same)
OPT_UINT: Kind = (_opt_uint, _same)
STR: Kind = (_str, _same)
OPT_STR: Kind = (_opt_str, _same)
BOOL: Kind = (_bool, _same)
NUMBER: Kind = (_number, _same)
STRS: Kind = (_strs, _tuple_out)
OPT_STRS: Kind = (_opt_strs, _opt_tuple_out)
PAIRS: Kind = (_pairs, _pairs_out)
STATES: Kind = (_states, _pairs_out)
PAYLOAD: Kind = (_payload, _payload_out)
ATTRS: Kind = (_attrs_in, _attrs_out)
VALUE: Kind = (_value, _value_out)


@attrs.frozen
class _Spec:
    """How one frame type travels: its tag, direction and the kind of each field."""

    cls: type
    tag: str
    client: bool  # True: client -> server
    kinds: Mapping[str, Kind]
    required: frozenset[str]
    allowed: frozenset[str]
    #: Fields left out of the JSON while they hold their default (name -> default).
    omit: Mapping[str, Any] = attrs.field(factory=dict)


def _spec(
    cls: type, tag: str, client: bool, *, omit: tuple[str, ...] = (), **kinds: Kind
) -> _Spec:
    """One row of the table. ``omit``: fields added to a frame after version 1 shipped,
    written only when they differ from their default, so that a client whose decoder
    predates them (and refuses unknown fields) still reads every frame that does not use
    them."""
    fields = attrs.fields(cls)
    names = {f.name for f in fields}
    if names != set(kinds):
        raise AssertionError(f"codec table for {cls.__name__} names {set(kinds)}, not {names}")
    required = frozenset(f.name for f in fields if f.default is attrs.NOTHING)
    defaults = {f.name: f.default for f in fields if f.name in omit}
    return _Spec(cls, tag, client, kinds, required, frozenset(names), defaults)


#: The protocol, as data: one row per frame type. Adding a frame to rtm.protocol without a
#: row here fails the codec's own test (every frame type must be in this table).
SPECS: Final[tuple[_Spec, ...]] = (
    # client -> server
    _spec(p.Login, "login", True, req=UINT, app_id=STR, user_id=STR, token=OPT_STR),
    _spec(p.Logout, "logout", True, req=UINT),
    _spec(p.RenewToken, "renew_token", True, req=UINT, token=STR),
    _spec(p.SendPeer, "send_peer", True, req=UINT, peer_id=STR, payload=PAYLOAD, offline=BOOL),
    _spec(p.SendServer, "send_server", True, req=UINT, payload=PAYLOAD, url=STR,
          signature=STR),
    _spec(p.QueryOnline, "query_online", True, req=UINT, peer_ids=STRS),
    _spec(p.Subscribe, "subscribe", True, req=UINT, peer_ids=STRS),
    _spec(p.Unsubscribe, "unsubscribe", True, req=UINT, peer_ids=STRS),
    _spec(p.QuerySubscribed, "query_subscribed", True, req=UINT),
    _spec(p.UserAttrs, "user_attrs", True, req=UINT, op=STR, attrs=PAIRS, keys=STRS),
    _spec(p.GetUserAttrs, "get_user_attrs", True, req=UINT, user_id=STR, keys=OPT_STRS),
    _spec(p.Join, "join", True, req=UINT, channel_id=STR),
    _spec(p.Leave, "leave", True, req=UINT, channel_id=STR),
    _spec(p.SendChannel, "send_channel", True, req=UINT, channel_id=STR, payload=PAYLOAD),
    _spec(p.GetMembers, "get_members", True, req=UINT, channel_id=STR),
    _spec(
        p.ChannelAttrs,
        "channel_attrs",
        True,
        req=UINT,
        op=STR,
        channel_id=STR,
        attrs=PAIRS,
        keys=STRS,
        notify=BOOL,
    ),
    _spec(p.GetChannelAttrs, "get_channel_attrs", True, req=UINT, channel_id=STR, keys=OPT_STRS),
    _spec(p.MemberCount, "member_count", True, req=UINT, channel_ids=STRS),
    _spec(
        p.CallSignal,
        "call_signal",
        True,
        req=UINT,
        kind=STR,
        peer_id=STR,
        call_id=STR,
        content=STR,
        channel_id=STR,
    ),
    _spec(Ack, "ack", True, n=UINT),
    # server -> client
    _spec(p.Result, "result", False, req=UINT, code=INT, value=VALUE),
    _spec(p.PeerMessageIn, "peer_message", False, from_user=STR, payload=PAYLOAD, ts=INT,
          offline=BOOL, origin=STR, room=STR, omit=("origin", "room")),
    _spec(p.ChannelMessageIn, "channel_message", False, channel_id=STR, from_user=STR,
          payload=PAYLOAD, ts=INT, origin=STR, omit=("origin",)),
    _spec(p.MemberJoinedIn, "member_joined", False, channel_id=STR, user_id=STR),
    _spec(p.MemberLeftIn, "member_left", False, channel_id=STR, user_id=STR),
    _spec(p.MemberCountIn, "member_count_update", False, channel_id=STR, count=INT),
    _spec(p.AttributesUpdatedIn, "attributes_updated", False, channel_id=STR, attrs=ATTRS),
    _spec(p.PresenceIn, "presence", False, states=STATES),
    _spec(p.CallSignalIn, "call_signal_in", False, kind=STR, from_user=STR, call_id=STR,
          content=STR, channel_id=STR),
    _spec(p.Kicked, "kicked", False, reason=INT),
    _spec(p.TokenWillExpire, "token_will_expire", False, seconds_left=NUMBER),
    _spec(p.HandOver, "hand_over", False, held_at=OPT_UINT),
    _spec(Welcome, "welcome", False, session=STR, node=STR, v=UINT, heartbeat=NUMBER,
          max_frame=UINT),
    _spec(ErrorFrame, "error", False, code=STR, message=STR, req=OPT_UINT),
)  # fmt: skip

_BY_TAG: Final = {s.tag: s for s in SPECS}
_BY_CLS: Final = {s.cls: s for s in SPECS}


# --- encoding -------------------------------------------------------------------------

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def to_obj(frame: object) -> dict[str, Any]:
    """The JSON object of ``frame`` (any protocol or control frame)."""
    spec = _BY_CLS.get(type(frame))
    if spec is None:
        raise TypeError(f"not a frame of protocol v{PROTOCOL_VERSION}: {type(frame).__name__}")
    obj: dict[str, Any] = {"t": spec.tag}
    for name, (_, out) in spec.kinds.items():
        obj[name] = out(getattr(frame, name))
    omit = spec.omit
    if omit:
        for name, default in omit.items():
            if obj[name] == default:
                del obj[name]
    return obj


def encode(frame: object) -> str:
    """One frame as the text of one WebSocket message."""
    return str(_dumps(to_obj(frame)))


def encode_batch(frames: Iterable[object]) -> str:
    """Several frames as one WebSocket message (a JSON array)."""
    return str(_dumps([to_obj(f) for f in frames]))


#: A UTF-16 surrogate code point. ``json.loads`` joins an escaped pair (``"\\ud83d\\ude00"``)
#: into one character, so any surrogate left in a decoded string is a lone one.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD: always valid UTF-8.

    Why: decoding refuses lone surrogates (``bad_text``), so the service never produces one;
    should one reach a write anyway (a bug, or a frame that came another way), the writer
    sends this rather than fail the whole write and lose the frames queued with it."""
    return _SURROGATE.sub("\ufffd", text)


# --- decoding -------------------------------------------------------------------------


def _has_lone_surrogate(obj: Any) -> bool:
    """Whether any string in ``obj`` (object keys included, at any depth) holds a lone
    surrogate. Iterative: the depth is whatever ``json.loads`` accepted."""
    search, stack = _SURROGATE.search, [obj]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            if not value.isascii() and search(value):
                return True
        elif kind is list:
            stack.extend(value)
        elif kind is dict:
            for key, item in value.items():
                if not key.isascii() and search(key):
                    return True
                stack.append(item)
    return False


def _checked(obj: Any, client: bool | None) -> Any:
    """:func:`from_obj`, refusing a frame with text that is not Unicode (``bad_text``).

    Why here, once: a lone surrogate is valid JSON (``"\\ud800"``) and valid UTF-8 on the
    wire, but no string holding one can be written as UTF-8 again. Let in, it fails far
    away (a reply, a log line, a Redis write) and takes the frames written with it along."""
    if _has_lone_surrogate(obj):
        req = _req_of(obj) if type(obj) is dict else None
        raise DecodeError("bad_text", "a string holds a lone UTF-16 surrogate (not text)", req)
    return from_obj(obj, client=client)


def _req_of(obj: Mapping[str, Any]) -> int | None:
    req = obj.get("req")
    return req if type(req) is int and 0 <= req < _INT_MAX else None


def from_obj(obj: Any, *, client: bool | None = None) -> Any:
    """The frame a decoded JSON value stands for; ``client`` restricts the direction.

    Raises :class:`DecodeError`; never returns a partly valid frame.
    """
    if type(obj) is not dict:
        raise DecodeError("bad_frame", "a frame must be a JSON object")
    tag = obj.get("t")
    req = _req_of(obj)
    spec = _BY_TAG.get(tag) if type(tag) is str else None
    if spec is None:
        raise DecodeError("unknown_type", f"unknown frame type {tag!r}", req)
    if client is not None and spec.client is not client:
        side = "client" if client else "server"
        raise DecodeError("wrong_direction", f"a {side} may not send {tag!r}", req)
    keys = obj.keys() - {"t"}
    missing = spec.required - keys
    if missing:
        raise DecodeError("missing_field", f"{tag}: missing {', '.join(sorted(missing))}", req)
    extra = keys - spec.allowed
    if extra:
        raise DecodeError("unknown_field", f"{tag}: unknown {', '.join(sorted(extra))}", req)
    values = {}
    for name in keys:
        try:
            values[name] = spec.kinds[name][0](obj[name])
        except _Bad as exc:
            raise DecodeError("bad_field", f"{tag}.{name}: {exc}", req) from None
    return spec.cls(**values)


def decode_message(
    data: str | bytes, *, client: bool | None = None, max_bytes: int = MAX_FRAME_BYTES
) -> list[Any | DecodeError]:
    """Decode one WebSocket message into its frames, each a frame or a :class:`DecodeError`.

    A message-level problem (size, JSON, batch shape) is a single DecodeError; inside a
    batch, each bad frame is its own DecodeError and the good ones still decode. A string
    holding a lone surrogate makes its frame a ``bad_text`` error.
    """
    if len(data) > max_bytes or (
        isinstance(data, str) and len(data) * 4 > max_bytes and len(data.encode()) > max_bytes
    ):
        return [DecodeError("too_large", f"message exceeds {max_bytes} bytes")]
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return [DecodeError("bad_json", "message is not valid UTF-8 JSON")]
    # Text decoded from UTF-8 holds no surrogates: only a \u escape can make one (a str
    # from elsewhere might hold a raw one, which one scan of the whole text finds).
    if isinstance(data, str):
        suspect = "\\u" in data or (not data.isascii() and _SURROGATE.search(data) is not None)
    else:
        suspect = b"\\u" in data
    convert = _checked if suspect else from_obj
    if type(obj) is list:
        if not obj or len(obj) > MAX_BATCH:
            return [DecodeError("bad_batch", f"a batch holds 1 to {MAX_BATCH} frames")]
        out: list[Any | DecodeError] = []
        for item in obj:
            try:
                out.append(convert(item, client=client))
            except DecodeError as exc:
                out.append(exc)
        return out
    try:
        return [convert(obj, client=client)]
    except DecodeError as exc:
        return [exc]


def decode_client(data: str | bytes, max_bytes: int = MAX_FRAME_BYTES) -> list[Any | DecodeError]:
    """Frames a client sent (client frames and control frames only)."""
    return decode_message(data, client=True, max_bytes=max_bytes)


def decode_server(data: str | bytes, max_bytes: int = 16 * MAX_FRAME_BYTES) -> list[Any]:
    """Frames a server sent; raises the first DecodeError (a broken server is fatal)."""
    frames = decode_message(data, client=False, max_bytes=max_bytes)
    for frame in frames:
        if isinstance(frame, DecodeError):
            raise frame
    return frames
