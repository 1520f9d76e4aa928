"""The RTS dialect's rules for IDs, app IDs, sizes and rates, enforced at its facade.

Values are the vendor's (reference volc-rts §a.6): IDs match ``[a-zA-Z0-9_@.-]{1,128}``,
messages are at most 64 KB, and a client sends at most 100 peer messages (text and binary
together), 65 room broadcasts and 20 business-server messages a second. IDs longer than the
RTM core's 64 bytes cannot exist there and are refused like invalid ones (``rts_id_length``
in rts.toml).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rtm.limits import Rate, SlidingWindow
from rtm.service.business import core_app_id

__all__ = [
    "BROADCAST_RATE",
    "MAX_ID_CHARS",
    "MAX_MESSAGE_BYTES",
    "PEER_RATE",
    "SERVER_RATE",
    "SendRate",
    "rtm_app_id",
    "valid_business_id",
    "valid_id",
]

_ID = re.compile(r"[a-zA-Z0-9_@\-.]{1,128}")
_BUSINESS = re.compile(r"[a-zA-Z0-9_@\-.]*")
_VENDOR_APP_ID = re.compile(r"[0-9a-fA-F]{24}")

#: The longest RTS ID the RTM core can hold (its IDs are at most 64 bytes).
MAX_ID_CHARS = 64
MAX_MESSAGE_BYTES = 64 * 1024
PEER_RATE = Rate(100, 1.0)
BROADCAST_RATE = Rate(65, 1.0)
SERVER_RATE = Rate(20, 1.0)


def valid_id(value: object) -> bool:
    """A user or room ID of this dialect that the RTM core can hold."""
    return isinstance(value, str) and len(value) <= MAX_ID_CHARS and bool(_ID.fullmatch(value))


def valid_business_id(value: str) -> bool:
    return bool(_BUSINESS.fullmatch(value))


def rtm_app_id(app_id: str) -> str:
    """The RTM app ID of an RTS app ID: a vendor ID (24 hex characters) is prefixed with
    eight ``0``; the 32-character RTM form is used as is. Raises ValueError otherwise."""
    if not isinstance(app_id, str):
        raise TypeError(f"app_id must be a str, not {type(app_id).__name__}")
    if _VENDOR_APP_ID.fullmatch(app_id):
        return core_app_id(app_id)  # the business-server actions map it the same way
    if len(app_id) == 32 and app_id.isascii() and app_id.isprintable():
        return app_id
    raise ValueError(
        f"app_id {app_id!r}: expected the vendor's 24 hexadecimal characters or a "
        "32-character RTM app ID"
    )


class SendRate:
    """One per-client send rate (``rtm.limits.SlidingWindow``) on the core's clock."""

    __slots__ = ("_clock", "_window")

    def __init__(self, rate: Rate, clock: Callable[[], float]) -> None:
        self._window = SlidingWindow(rate)
        self._clock = clock

    def allow(self) -> bool:
        return self._window.allow(self._clock())
