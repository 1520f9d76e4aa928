"""How legacy names and limits meet RTM's: ID encoding, app IDs and the core profile.

Legacy accounts and channel names are up to 128 printable characters of any script; RTM IDs
are at most 64 bytes from a fixed ASCII set. :func:`rtm_id` escapes what RTM does not allow
(reversibly, so receivers get the legacy account back with :func:`legacy_name`); a name whose
escaped form exceeds 64 bytes cannot exist on RTM and is reported as invalid, a documented
difference (``identifier_limits``).

:data:`LEGACY_LIMITS` is the profile of the open core that a shim deployment runs: RTM's
limits, with the ones legacy apps exceed as a matter of course widened (call rates the shim
multiplies — every legacy join costs an RTM join, member query and attribute read; the legacy
send quotas of 60/s per account and 200/s per channel are counted by the shim itself —
attribute key sizes, offline-message lifetime of one day as the legacy mailbox).
"""

from __future__ import annotations

import functools
import hashlib
import re

from legacy_signaling.codes import OFFLINE_MESSAGE_TTL_S
from rtm.limits import Limits, Rate, Rates
from rtm.validation import ID_CHARSET

__all__ = ["LEGACY_LIMITS", "legacy_key", "legacy_name", "rtm_app_id", "rtm_id", "rtm_key"]

_ESCAPE = "%"
_SAFE = ID_CHARSET - {_ESCAPE}
_HEX = re.compile(r"%([0-9A-F]{2})")

LEGACY_LIMITS = Limits(
    rates=Rates(
        login=Rate(50, 1.0),
        messages=Rate(1000, 1.0),
        join=Rate(100, 1.0),
        join_same_channel=Rate(100, 1.0),
        get_members=Rate(100, 1.0),
        query_online=Rate(100, 1.0),
        subscription=Rate(200, 1.0),
        user_attr_write=Rate(200, 1.0),
        user_attr_read=Rate(200, 1.0),
        channel_attr_write=Rate(200, 1.0),
        channel_attr_read=Rate(200, 1.0),
        member_count=Rate(100, 1.0),
    ),
    attr_key_bytes=512,
    attr_value_bytes=8096 * 4 + 64,
    user_attrs_total_bytes=1 << 20,
    user_attrs_count=1024,
    channel_attrs_total_bytes=1 << 20,
    channel_attrs_count=1024,
    offline_message_ttl=OFFLINE_MESSAGE_TTL_S,
    members_returned=10_000,
)


@functools.lru_cache(maxsize=8192)
def rtm_id(name: str) -> str | None:
    """The RTM ID for a legacy account or channel name, or None if it cannot fit 64 bytes."""
    if all(ch in _SAFE for ch in name) and name != "null":
        out = name
    else:
        out = "".join(
            ch if ch in _SAFE else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in name
        )
        if out == "null":
            out = "%6Eull"
    return out if 0 < len(out) <= 64 else None


@functools.lru_cache(maxsize=8192)
def legacy_name(rtm_user_id: str) -> str:
    """Inverse of :func:`rtm_id`."""
    if _ESCAPE not in rtm_user_id:
        return rtm_user_id
    raw = bytearray()
    i = 0
    while i < len(rtm_user_id):
        match = _HEX.match(rtm_user_id, i)
        if match:
            raw.append(int(match.group(1), 16))
            i = match.end()
        else:
            raw.extend(rtm_user_id[i].encode("utf-8"))
            i += 1
    return raw.decode("utf-8", errors="replace")


def rtm_app_id(app_id: str) -> str:
    """RTM wants 32 printable ASCII characters; other legacy app IDs map to a stable digest."""
    if len(app_id) == 32 and app_id.isascii() and app_id.isprintable():
        return app_id
    return hashlib.md5(app_id.encode("utf-8")).hexdigest()


def rtm_key(name: str) -> str:
    """The RTM attribute key for a legacy attribute name (legacy allows spaces; RTM keys are
    visible characters only): spaces, ``%`` and invisible characters are escaped."""
    if name.isprintable() and " " not in name and _ESCAPE not in name:
        return name
    return "".join(
        ch
        if ch.isprintable() and ch not in (" ", _ESCAPE)
        else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
        for ch in name
    )


def legacy_key(key: str) -> str:
    """Inverse of :func:`rtm_key`."""
    return legacy_name(key)
