"""Channel-event markers: legacy channel operations RTM 1.x cannot express directly.

Legacy Signaling reported every channel-attribute operation as one ``onChannelAttrUpdated``
(including deletes of missing keys and "clear"), and could send a message into a channel
from outside it (``messageChannelSendForce``). RTM 1.x has neither, but it lets anyone write
a channel's attributes and notify every member with the full attribute set — the route the
RTM migration guide itself suggests for sending from outside a channel. The shim writes one
reserved attribute, the *marker*, in the same request as the change; it names the legacy
operation. Receiving shims turn the marker into exactly the legacy callback, and hide
reserved keys from the app. Attribute writes by plain RTM apps (no marker) still reach
legacy apps, as per-key differences.
"""

from __future__ import annotations

import json

import attrs

__all__ = [
    "MARKER_KEY",
    "RESERVED_PREFIX",
    "USER_CHANNEL_KEY",
    "Marker",
    "decode_marker",
    "encode_marker",
    "is_reserved",
]

#: Prefix of every attribute key the shim reserves (hidden from legacy apps).
RESERVED_PREFIX = "__sig2rtm"
#: Channel attribute carrying the marker of the latest legacy operation.
MARKER_KEY = "__sig2rtm_op"
#: User attribute holding the channel a legacy user is in (for ``channelQueryUserIsIn``).
USER_CHANNEL_KEY = "__sig2rtm_ch"


def is_reserved(key: str) -> bool:
    return key.startswith(RESERVED_PREFIX)


@attrs.frozen
class Marker:
    """One legacy channel operation: op is update | del | clear | msg."""

    seq: str
    op: str
    name: str = ""
    value: str = ""
    sender: str = ""


def encode_marker(marker: Marker) -> str:
    return json.dumps(
        [marker.seq, marker.op, marker.name, marker.value, marker.sender],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def decode_marker(text: str) -> Marker | None:
    try:
        seq, op, name, value, sender = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not all(isinstance(x, str) for x in (seq, op, name, value, sender)):
        return None
    return Marker(seq, op, name, value, sender)
