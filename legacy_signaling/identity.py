"""Deterministic identities and input checks shared by the reference model and the shim.

Traces of the two must be identical, so anything the legacy server chose on its own
(internal uids, ids for messages sent with ``msgID == ""``, the JSON text of all attributes)
is a pure function here, and both sides call it. The checks return a legacy code rather
than raising, because legacy calls report bad input through callbacks.
"""

from __future__ import annotations

import functools
import json
import math
import re
import zlib
from collections import deque
from collections.abc import Mapping
from typing import Final

from legacy_signaling.codes import (
    DEFAULT_INVITE_TIMEOUT_S,
    ECODE,
    INVITE_TIMEOUT_MAX_S,
    INVITE_TIMEOUT_MIN_S,
    MAX_ACCOUNT_CHARS,
    MAX_ATTR_NAME_CHARS,
    MAX_ATTR_VALUE_CHARS,
    MAX_CHANNEL_CHARS,
    MAX_EXTRA_BYTES,
    MAX_MESSAGE_BYTES,
    LoginStatus,
)

__all__ = [
    "AUTO_MSG_ID_PREFIX",
    "MESSAGE_CHARS_ALWAYS_FIT",
    "STATUS_AFTER",
    "UINT32_MAX",
    "MessageIdAllocator",
    "SendWindow",
    "attrs_json",
    "check_account",
    "check_attr_name",
    "check_attr_value",
    "check_channel",
    "check_dtmf",
    "check_extra",
    "check_message",
    "compact_json",
    "invite_options",
    "legacy_uid",
    "require_int",
    "require_str",
    "require_uint32",
]

UINT32_MAX = 0xFFFF_FFFF
AUTO_MSG_ID_PREFIX = "auto-"

_WRONG = ECODE.GENERAL_E_WRONG_PARAM
_LARGE = ECODE.GENERAL_E_LARGE_PARAM
_DTMF = re.compile(r"[0-9*#]+")


@functools.lru_cache(maxsize=65536)
def legacy_uid(account: str) -> int:
    """The uid the legacy server would report for ``account`` (cached: every legacy
    delivery reports its sender's uid, from a small set of accounts).

    The real server assigned an opaque internal uid. Ours is CRC-32 of the UTF-8 account
    masked to 31 bits (it fits Java's signed ``int`` as well as ``uint32``), with 0 mapped to
    1 because 0 meant "no uid" in legacy callbacks.
    """
    return (zlib.crc32(account.encode("utf-8")) & 0x7FFF_FFFF) or 1


class MessageIdAllocator:
    """Ids for messages sent with ``msgID == ""``: ``"auto-1"``, ``"auto-2"``, ... per instance.

    The prefix keeps them apart from the numeric counters apps use for their own ids.
    """

    __slots__ = ("_next",)

    def __init__(self) -> None:
        self._next = 1

    def resolve(self, msg_id: str) -> str:
        """Return ``msg_id`` unchanged, or a fresh id when it is empty."""
        if msg_id:
            return msg_id
        allocated = f"{AUTO_MSG_ID_PREFIX}{self._next}"
        self._next += 1
        return allocated


def compact_json(value: object) -> str:
    """JSON text as the model emits it: compact separators, non-ASCII kept, key order kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def attrs_json(mapping: Mapping[str, str]) -> str:
    """The exact ``value`` of ``onUserAttrAllResult``: a JSON object with sorted keys."""
    return json.dumps(dict(mapping), separators=(",", ":"), ensure_ascii=False, sort_keys=True)


# ----------------------------------------------------------------------------- checks


def _check_name(name: str, limit: int, *, allow_space: bool) -> ECODE | None:
    if not name:
        return _WRONG
    # isprintable() is false for every whitespace character but the ASCII space.
    if not name.isprintable() or (not allow_space and " " in name):
        return _WRONG
    if len(name) > limit:
        return _LARGE
    return None


@functools.lru_cache(maxsize=8192)
def check_account(name: str) -> ECODE | None:
    """None if ``name`` is a valid account (1..128 printable chars, no whitespace).

    Otherwise ``GENERAL_E_LARGE_PARAM`` when it is only too long, else
    ``GENERAL_E_WRONG_PARAM``; calls with their own failure callback map any non-None
    result to their family's code (209, 400, 700).
    """
    return _check_name(name, MAX_ACCOUNT_CHARS, allow_space=False)


@functools.lru_cache(maxsize=8192)
def check_channel(name: str) -> ECODE | None:
    """None if ``name`` is a valid channel name (1..128 printable chars, spaces allowed)."""
    return _check_name(name, MAX_CHANNEL_CHARS, allow_space=True)


def check_attr_name(name: str) -> ECODE | None:
    """None if ``name`` is a valid attribute name (1..128 printable chars)."""
    return _check_name(name, MAX_ATTR_NAME_CHARS, allow_space=True)


def check_attr_value(value: str) -> ECODE | None:
    """None if ``value`` fits an attribute (at most 8096 characters)."""
    return _LARGE if len(value) > MAX_ATTR_VALUE_CHARS else None


#: A message of at most this many characters always fits (no character takes over 4 bytes).
MESSAGE_CHARS_ALWAYS_FIT = MAX_MESSAGE_BYTES // 4


def check_message(msg: str) -> ECODE | None:
    """None if ``msg`` fits a message (at most 8192 UTF-8 bytes)."""
    if len(msg) <= MESSAGE_CHARS_ALWAYS_FIT:
        return None
    return _LARGE if len(msg.encode("utf-8")) > MAX_MESSAGE_BYTES else None


def check_extra(extra: str) -> ECODE | None:
    """None if ``extra`` is "" or JSON text of at most 8192 UTF-8 bytes."""
    if not extra:
        return None
    if len(extra.encode("utf-8")) > MAX_EXTRA_BYTES:
        return _LARGE
    try:
        json.loads(extra)
    except ValueError:
        return _WRONG
    return None


def check_dtmf(digits: str) -> ECODE | None:
    """None if ``digits`` is one or more DTMF symbols ``0-9 * #``."""
    return None if _DTMF.fullmatch(digits) else _WRONG


def invite_options(extra: str) -> tuple[bool, float]:
    """The reserved keys of an invitation ``extra``: (require peer online, answer timeout).

    ``"_require_peer_online"`` counts when it equals 1 (1, 1.0 or true). ``"_timeout"`` is a
    number of seconds clamped to 1..30; anything else (absent, not a number, NaN, an
    ``extra`` that is not a JSON object) gives the default of 20 s (docs V3-V6).
    """
    try:
        data = json.loads(extra) if extra else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return False, DEFAULT_INVITE_TIMEOUT_S
    require_online = bool(data.get("_require_peer_online") == 1)
    timeout = data.get("_timeout")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or math.isnan(timeout):
        return require_online, DEFAULT_INVITE_TIMEOUT_S
    return require_online, float(min(max(timeout, INVITE_TIMEOUT_MIN_S), INVITE_TIMEOUT_MAX_S))


# ---------------------------------------------------------------- argument type guards


def require_str(**values: object) -> None:
    """Raise ``TypeError`` naming the first argument that is not a ``str``."""
    for name, value in values.items():
        if not isinstance(value, str):
            raise TypeError(f"{name} must be str, got {type(value).__name__}")


def require_int(**values: object) -> None:
    """Raise ``TypeError`` naming the first argument that is not an ``int`` (signed C
    ``int`` parameters such as ``login2``'s retry limits; their range is the method's rule)."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be int, got {type(value).__name__}")


def require_uint32(**values: object) -> None:
    """Raise ``TypeError``/``ValueError`` for an argument that is not a uint32 int."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be int, got {type(value).__name__}")
        if not 0 <= value <= UINT32_MAX:
            raise ValueError(f"{name} must be in 0..{UINT32_MAX}, got {value}")


# ---------------------------------------------------------------- runtime rules


class SendWindow:
    """A legacy send quota: at most ``limit`` sends in any one-second window (D10).

    The legacy server counted each session's peer and channel sends together (60/s) and
    each channel's sends (200/s).
    """

    __slots__ = ("_limit", "_stamps")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._stamps: deque[float] = deque()

    def full(self, now: float) -> bool:
        stamps = self._stamps
        while stamps and stamps[0] <= now - 1.0:
            stamps.popleft()
        return len(stamps) >= self._limit

    def record(self, now: float) -> None:
        self._stamps.append(now)

    def take(self, now: float) -> bool:
        """Count one send at ``now`` if the quota allows it; False (nothing counted) if not."""
        stamps = self._stamps
        while stamps and stamps[0] <= now - 1.0:
            stamps.popleft()
        if len(stamps) >= self._limit:
            return False
        stamps.append(now)
        return True


#: D6: ``getStatus()`` follows these callbacks as they are delivered.
STATUS_AFTER: Final[Mapping[str, LoginStatus]] = {
    "onLoginSuccess": LoginStatus.LOGIN_STATE_LOGINED,
    "onLoginFailed": LoginStatus.LOGIN_STATE_NOT_LOGIN,
    "onLogout": LoginStatus.LOGIN_STATE_NOT_LOGIN,
    "onReconnecting": LoginStatus.LOGIN_STATE_RECONNECTING,
    "onReconnected": LoginStatus.LOGIN_STATE_LOGINED,
}
