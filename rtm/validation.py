"""Validation of IDs and payloads against RTM's documented rules.

Pure functions returning a reason string (or None when valid), so callers can attach the
error code of the operation at hand: the same bad user ID is LOGIN_ERR_INVALID_ARGUMENT at
login and PEER_MESSAGE_ERR_INVALID_USERID when sending.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["ID_CHARSET", "check_app_id", "check_id", "check_ids", "utf8_len"]

#: Characters RTM allows in user and channel IDs.
ID_CHARSET = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,"
)


def utf8_len(text: str) -> int:
    """Bytes of ``text`` in UTF-8. A lone surrogate (a Python string may hold one; it is not
    text, and the wire refuses it: ``bad_text``) counts as the 3 bytes it would take, so
    sizing never raises: a size check is no place to fail on content."""
    return len(text.encode("utf-8", "surrogatepass"))


def check_id(value: object, what: str, max_bytes: int = 64) -> str | None:
    """Why ``value`` is not a valid RTM user or channel ID, or None."""
    if type(value) is str and value in _VALID_IDS.get(max_bytes, ()):
        return None
    reason = _check_id(value, what, max_bytes)
    if reason is None and isinstance(value, str):
        _remember(value, max_bytes)
    return reason


#: Recently validated IDs per length limit: IDs repeat (the same peers, the same channels),
#: so validation is a set lookup on the hot path. Bounded; cleared when full.
_VALID_IDS: dict[int, set[str]] = {}
_VALID_IDS_MAX = 65536


def _remember(value: str, max_bytes: int) -> None:
    known = _VALID_IDS.setdefault(max_bytes, set())
    if len(known) >= _VALID_IDS_MAX:
        known.clear()
    known.add(value)


def _check_id(value: object, what: str, max_bytes: int) -> str | None:
    if not isinstance(value, str):
        return f"{what} must be a string, not {type(value).__name__}"
    if not value:
        return f"{what} must not be empty"
    if value == "null":
        return f'{what} must not be "null"'
    if len(value.encode("utf-8")) > max_bytes:
        return f"{what} is longer than {max_bytes} bytes"
    bad = set(value) - ID_CHARSET
    if bad:
        return f"{what} {value!r} contains characters RTM does not allow: {''.join(sorted(bad))!r}"
    return None


def check_ids(values: object, what: str, max_count: int, max_bytes: int = 64) -> str | None:
    """Why a collection of IDs is invalid (type, emptiness, count, each ID), or None."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        return f"{what} must be a collection of strings"
    items = list(values)
    if not items:
        return f"{what} must not be empty"
    if len(items) > max_count:
        return f"{what}: {len(items)} given, at most {max_count} allowed"
    for item in items:
        reason = check_id(item, what[:-1] if what.endswith("s") else what, max_bytes)
        if reason:
            return reason
    return None


def check_app_id(value: object, length: int = 32) -> str | None:
    if not isinstance(value, str):
        return "appId must be a string"
    if len(value) != length or not value.isascii() or not value.isprintable():
        return f"appId must be {length} printable ASCII characters"
    return None
