"""Implementations of the functions declared in :data:`mapping_tables.expr.KNOWN_FUNCTIONS`.

They are pure helpers over RTM callback objects. RTM objects are read through
:func:`mapping_tables.expr.resolve_field`, so a plain attribute (``userId``), a Java-style getter
(``getUserId()``) or a mapping key all work; the rtm/ core, test fakes and the Java-flavour
objects therefore need no adapters of their own.

Peer signals: two legacy features have no RTM call and travel as text peer messages that the
receiving shim turns back into legacy callbacks. Ending a call after its invitation is over uses
RTM's own legacy end-call prefix (``AgoraRTMLegacyEndcallCompatibleMessagePrefix``, RTM reference
§5.12) so it interoperates with RTM apps that speak it; DTMF uses a prefix of this project. Both
are ``<prefix>_<channelId>_<payload>``; the payload must not contain ``_`` (RTM's rule for the
end-call extra), so the split at the last ``_`` is unambiguous even for channel IDs with ``_``.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Iterable, Mapping

import attrs

from mapping_tables.expr import KNOWN_FUNCTIONS, Function, resolve_field
from mapping_tables.markers import MARKER_KEY, decode_marker, is_reserved
from mapping_tables.model import MappingTables
from mapping_tables.rowexpr import PrefixGuarded
from mapping_tables.rtm_surface import RTM_CONSTANTS, RTM_ENUMS

ENDCALL_PREFIX = "AgoraRTMLegacyEndcallCompatibleMessagePrefix"
DTMF_PREFIX = "Sig2RtmLegacyDtmfMessagePrefix"
PEER_SIGNAL_PREFIXES: Mapping[str, str] = {"endcall": ENDCALL_PREFIX, "dtmf": DTMF_PREFIX}

#: PEER_ONLINE_STATE.ONLINE (RTM reference §3.13).
PEER_ONLINE_STATE_ONLINE = 0


@attrs.frozen
class PeerSignal:
    kind: str
    channel: str
    payload: str


def encode_peer_signal(kind: str, channel: str, payload: str = "") -> str:
    """Text of a shim peer signal; raises ValueError if `payload` contains ``_``."""
    if kind not in PEER_SIGNAL_PREFIXES:
        raise ValueError(f"unknown peer signal kind {kind!r}")
    if "_" in payload:
        raise ValueError("a peer signal payload must not contain '_'")
    return f"{PEER_SIGNAL_PREFIXES[kind]}_{channel}_{payload}"


@functools.lru_cache(maxsize=1024)
def decode_peer_signal(text: str) -> PeerSignal | None:
    """The signal carried by `text`, or None for an ordinary message."""
    for kind, prefix in PEER_SIGNAL_PREFIXES.items():
        head = prefix + "_"
        if text.startswith(head):
            rest = text[len(head) :]
            channel, sep, payload = rest.rpartition("_")
            if not sep:
                return None
            return PeerSignal(kind=kind, channel=channel, payload=payload)
    return None


def default_legacy_uid(account: str) -> int:
    """A stable, non-zero 31-bit uid per account.

    RTM identifies users by string only; legacy callbacks carry a numeric uid that apps treat as
    opaque. Deriving it from the account keeps it identical across clients and runs, which the
    equivalence tests need. The adapter may pass its own policy to :func:`standard_functions`.
    """
    return (zlib.crc32(account.encode("utf-8")) & 0x7FFFFFFF) or 1


@attrs.frozen
class AttrChange:
    """One legacy ``onChannelAttrUpdated`` item: ``type`` is "update", "del" or "clear"."""

    name: str
    value: str
    type: str


def _field(obj: object, *names: str) -> object:
    for name in names:
        try:
            return resolve_field(obj, name)
        except KeyError:
            continue
    raise KeyError(f"none of {names} on {type(obj).__name__}")


def attr_map(attributes: object, *, reserved: bool = False) -> dict[str, str]:
    """Key -> value of an attribute list; reserved shim keys are hidden unless asked for."""
    if attributes is None:
        return {}
    if isinstance(attributes, Mapping):
        pairs = [(str(k), str(v)) for k, v in attributes.items()]
    elif not isinstance(attributes, Iterable) or isinstance(attributes, str):
        raise TypeError(f"not an attribute list: {attributes!r}")
    else:
        pairs = [(str(_field(a, "key")), str(_field(a, "value"))) for a in attributes]
    return {k: v for k, v in pairs if reserved or not is_reserved(k)}


@attrs.frozen
class ChannelEvent:
    """One legacy channel event carried by an attribute notification (see markers)."""

    kind: str  # "attr" | "msg"
    name: str = ""
    value: str = ""
    type: str = ""
    sender: str = ""


def channel_events(attributes: object, old: object, kind: object) -> list[ChannelEvent]:
    """The legacy events of ``kind`` an RTM attribute notification stands for.

    A notification written by a shim carries a marker naming the one legacy operation; one
    written by a plain RTM app does not, and is reported as per-key differences against the
    previous snapshot ``old`` (as :func:`attr_changes`).
    """
    new = attr_map(attributes, reserved=True).get(MARKER_KEY)
    before = attr_map(old, reserved=True).get(MARKER_KEY)
    marker = decode_marker(new) if new is not None and new != before else None
    if marker is None:
        events = [
            ChannelEvent("attr", c.name, c.value, c.type) for c in attr_changes(old, attributes)
        ]
    elif marker.op == "msg":
        events = [ChannelEvent("msg", value=marker.value, sender=marker.sender)]
    elif marker.op == "clear":
        events = [ChannelEvent("attr", type="clear")]
    else:
        events = [ChannelEvent("attr", marker.name, marker.value, marker.op)]
    return [e for e in events if e.kind == kind]


def _member_id(member: object) -> str:
    return member if isinstance(member, str) else str(_field(member, "userId"))


def member_ids(members: object) -> list[str]:
    if members is None:
        return []
    if not isinstance(members, Iterable) or isinstance(members, str):
        raise TypeError(f"not a member list: {members!r}")
    return [_member_id(m) for m in members]


def attr_changes(old: object, new: object) -> list[AttrChange]:
    """Legacy per-key events that turn snapshot `old` into snapshot `new`, sorted by key.

    RTM notifies the full attribute set; legacy sent one event per change. An emptied set is one
    "clear" event (name and value ""), as legacy ``channelClearAttr`` produced. The adapter
    stores `new` as ``session.channel_attrs`` after the row has fired.
    """
    before, after = attr_map(old), attr_map(new)
    if before and not after:
        return [AttrChange(name="", value="", type="clear")]
    changes = [
        AttrChange(name=k, value=v, type="update") for k, v in after.items() if before.get(k) != v
    ]
    changes += [AttrChange(name=k, value="", type="del") for k in before if k not in after]
    return sorted(changes, key=lambda c: c.name)


def peer_online(statuses: object, peer: str) -> bool:
    """Online flag of `peer` in a C++ PeerOnlineStatus list or a Java ``Map<String, Boolean>``."""
    if isinstance(statuses, Mapping):
        return bool(statuses.get(peer, False))
    if statuses is None:
        return False
    if not isinstance(statuses, Iterable):
        raise TypeError(f"not a presence result: {statuses!r}")
    for status in statuses:
        if str(_field(status, "peerId")) == peer:
            try:
                return _field(status, "onlineState") == PEER_ONLINE_STATE_ONLINE
            except KeyError:
                return bool(_field(status, "isOnline"))
    return False


def member_count_of(counts: object, channel: str) -> int:
    """Count of `channel` in a C++ ChannelMemberCount list or a Java RtmChannelMemberCount list."""
    if counts is None:
        return 0
    if not isinstance(counts, Iterable):
        raise TypeError(f"not a member-count result: {counts!r}")
    for item in counts:
        if str(_field(item, "channelId", "channelID")) == channel:
            value = _field(item, "memberCount", "count")
            if not isinstance(value, int):
                raise TypeError(f"member count is not an int: {value!r}")
            return value
    return 0


def _to_str(value: object) -> str:
    if isinstance(value, bool):
        raise TypeError("str() of a boolean is ambiguous; use flag()")
    if isinstance(value, int | str):
        return str(value)
    raise TypeError(f"str() needs an int or a string, got {value!r}")


def _to_int(value: object) -> int:
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise TypeError(f"int() needs a bool, an int or a decimal string, got {value!r}")


def _flag(value: object) -> str:
    if not isinstance(value, bool):
        raise TypeError(f"flag() needs a boolean, got {value!r}")
    return "1" if value else "0"


def _len(value: object) -> int:
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    raise TypeError(f"len() needs a list or a string, got {value!r}")


def _choose(cond: object, a: object, b: object) -> object:
    if not isinstance(cond, bool):
        raise TypeError(f"choose() condition is not a boolean: {cond!r}")
    return a if cond else b


def _jsonable(value: object) -> object:
    if isinstance(value, AttrChange):
        return attrs.asdict(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _json_obj(*pairs: object) -> str:
    if len(pairs) % 2:
        raise ValueError("json_obj() takes key/value pairs")
    out: dict[str, object] = {}
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        if not isinstance(key, str):
            raise TypeError(f"json_obj() key is not a string: {key!r}")
        out[key] = _jsonable(value)
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def _json_get(text: object, key: object) -> object:
    if not isinstance(text, str) or not isinstance(key, str):
        raise TypeError("json_get() takes a JSON text and a key")
    data = json.loads(text) if text.strip() else {}
    if not isinstance(data, dict):
        raise ValueError("json_get() needs a JSON object")
    return data.get(key, "")


#: What every shim peer signal starts with (an ordinary message is told apart at once).
SIGNAL_HEADS = tuple(prefix + "_" for prefix in PEER_SIGNAL_PREFIXES.values())


def _signal_kind(text: object) -> str:
    signal = decode_peer_signal(text) if isinstance(text, str) else None
    return signal.kind if signal else ""


#: ``peer_signal(text)``: the kind of a shim peer signal, "" for any other text (which
#: compiled rows tell by its prefix alone).
_peer_signal = PrefixGuarded(_signal_kind, SIGNAL_HEADS, "")


def _signal_part(part: str) -> Callable[[object], str]:
    def get(text: object) -> str:
        signal = decode_peer_signal(text) if isinstance(text, str) else None
        if signal is None:
            raise ValueError(f"not a shim peer signal: {text!r}")
        return str(getattr(signal, part))

    return get


class ErrorCodeLookup:
    """RTM enum value -> legacy code, from the error_codes table."""

    def __init__(self, tables: MappingTables) -> None:
        self._by_value = {
            (row.rtm_enum, row.rtm_value): row.legacy_value for row in tables.error_codes
        }

    @staticmethod
    def member_value(enum: str, value: object) -> int:
        members = RTM_ENUMS.get(enum)
        if members is None:
            raise KeyError(f"unknown RTM enum {enum!r}")
        if isinstance(value, str):
            if value not in members:
                raise KeyError(f"{enum} has no member {value!r}")
            return members[value]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"RTM enum value must be an int or a member name, got {value!r}")
        return value

    def legacy_code(self, enum: object, value: object) -> int:
        """Legacy code for an RTM enum value. Value 0 (OK) without a row means SUCCESS (0)."""
        if not isinstance(enum, str):
            raise TypeError(f"enum name must be a string, got {enum!r}")
        number = self.member_value(enum, value)
        code = self._by_value.get((enum, number))
        if code is not None:
            return code
        if number == 0:
            return 0
        raise KeyError(f"error_codes has no legacy code for {enum} value {number}")

    @staticmethod
    def rtm_error_name(enum: object, value: object) -> str:
        if not isinstance(enum, str):
            raise TypeError(f"enum name must be a string, got {enum!r}")
        number = ErrorCodeLookup.member_value(enum, value)
        for member, member_value in RTM_ENUMS[enum].items():
            if member_value == number:
                return member
        return f"{enum}({number})"


def _rtm_const(name: object) -> int:
    if not isinstance(name, str) or name not in RTM_CONSTANTS:
        raise KeyError(f"unknown RTM constant {name!r}")
    return RTM_CONSTANTS[name][1]


def standard_functions(
    tables: MappingTables, *, legacy_uid: Callable[[str], int] = default_legacy_uid
) -> dict[str, Function]:
    """A complete implementation of :data:`KNOWN_FUNCTIONS` for `tables`.

    `legacy_uid` is the uid policy (see :func:`default_legacy_uid`); the shim and the legacy
    reference model must use the same one for their traces to compare equal.
    """
    codes = ErrorCodeLookup(tables)

    @functools.lru_cache(maxsize=8192)
    def uid(account: object) -> int:
        if not isinstance(account, str):
            raise TypeError(f"legacy_uid() needs an account string, got {account!r}")
        return legacy_uid(account)

    def member_uids(members: object) -> list[int]:
        return [legacy_uid(m) for m in member_ids(members)]

    def member_pairs(members: object) -> list[list[object]]:
        return [[m, legacy_uid(m)] for m in member_ids(members)]

    def attr_value(attributes: object, key: object) -> str:
        return attr_map(attributes, reserved=True).get(str(key), "")

    def json_attrs(attributes: object) -> str:
        return json.dumps(
            attr_map(attributes), separators=(",", ":"), ensure_ascii=False, sort_keys=True
        )

    def peer_online_fn(statuses: object, peer: object) -> bool:
        return peer_online(statuses, str(peer))

    def member_count_fn(counts: object, channel: object) -> int:
        return member_count_of(counts, str(channel))

    impl: dict[str, Function] = {
        "legacy_code": codes.legacy_code,
        "rtm_error_name": codes.rtm_error_name,
        "rtm_const": _rtm_const,
        "legacy_uid": uid,
        "str": _to_str,
        "int": _to_int,
        "flag": _flag,
        "len": _len,
        "choose": _choose,
        "json_obj": _json_obj,
        "json_get": _json_get,
        "json_attrs": json_attrs,
        "attr_value": attr_value,
        "attr_changes": attr_changes,
        "channel_events": channel_events,
        "member_ids": member_ids,
        "member_uids": member_uids,
        "member_pairs": member_pairs,
        "member_count_of": member_count_fn,
        "peer_online": peer_online_fn,
        "peer_signal": _peer_signal,
        "signal_channel": _signal_part("channel"),
        "signal_payload": _signal_part("payload"),
    }
    missing = set(KNOWN_FUNCTIONS) ^ set(impl)
    if missing:  # pragma: no cover - guarded by a test as well
        raise AssertionError(f"function registry and implementations differ: {sorted(missing)}")
    return impl
