"""The small universe of values programs are drawn from.

Few accounts and channels, so programs collide: the same account logs in twice (a kick),
two clients meet in one channel, invitations find their callee. Each group of valid values
has a group of invalid ones next to it (empty, too long, forbidden characters, reserved
names) and values on both sides of the byte limits, because the shim's validation is
exactly where it could drift from the reference.
"""

from __future__ import annotations

from typing import Final

from legacy_signaling.identity import UINT32_MAX
from legacy_signaling.tokens import NO_NEED_TOKEN

__all__ = [
    "ACCOUNTS",
    "ADVANCES",
    "ANSWER_EXTRAS",
    "ATTR_NAMES",
    "ATTR_VALUES",
    "BAD_ANSWER_EXTRAS",
    "CERTIFICATE",
    "CHANNELS",
    "CLIENTS",
    "DTMF_DIGITS",
    "INVALID_ACCOUNTS",
    "INVALID_ATTR_NAMES",
    "INVALID_ATTR_VALUES",
    "INVALID_CHANNELS",
    "INVALID_DTMF_DIGITS",
    "INVITE_EXTRAS",
    "INVOKE_FUNCTIONS",
    "LONG_ADVANCES",
    "LONG_TEXTS",
    "MISUSES",
    "MSG_IDS",
    "SEND_OPTIONS",
    "STRANGERS",
    "TEXTS",
    "UNKNOWN_FUNCTIONS",
    "WRONG_APP_ID",
]

#: Instance names. Client ``CLIENTS[i]`` logs in as ``ACCOUNTS[i]`` unless a draw says not.
CLIENTS: Final = ("c0", "c1", "c2", "c3")
#: Valid accounts; one non-ASCII (its uid is CRC-32 of the UTF-8 bytes, D3).
ACCOUNTS: Final = ("ann", "bob", "čaj", "dan")
#: Valid accounts nobody logs in with: peers that stay offline (P2, V3).
STRANGERS: Final = ("zoë", "x" * 128)
INVALID_ACCOUNTS: Final = ("", "two words", "a" * 129, "tab\there")

CHANNELS: Final = ("lobby", "room 2", "频道")
INVALID_CHANNELS: Final = ("", "c" * 129, "__agora_user_online", "line\nbreak")

TEXTS: Final = ("hi", "", "héllo wörld 🌍", '{"k":[1,2]}', "  spaced  ")
#: 8192 UTF-8 bytes is the limit (D10): the first is exactly at it, the others over it,
#: one of them with fewer than 8192 characters.
LONG_TEXTS: Final = ("é" * 4096, "é" * 4097, "x" * 8193)
MSG_IDS: Final = ("", "", "1", "2", "dup")
#: ``options`` of messageInstantSend2 / ``extra`` of messageChannelSend2 (P4, M4).
SEND_OPTIONS: Final = ("", '{"a":1}', "not json")

ATTR_NAMES: Final = ("color", "名字", "with space")
INVALID_ATTR_NAMES: Final = ("", "n" * 129)
#: "" deletes (A1, A6); 8096 characters is the limit (D10).
ATTR_VALUES: Final = ("red", "", "значение", "v" * 8096)
INVALID_ATTR_VALUES: Final = ("v" * 8097,)

#: Invitation ``extra`` values: reserved keys, clamped and malformed timeouts, non-objects.
INVITE_EXTRAS: Final = (
    "",
    '{"_timeout":5}',
    '{"_timeout":0.5}',
    '{"_timeout":45}',
    '{"_timeout":"soon"}',
    '{"_require_peer_online":1}',
    '{"_require_peer_online":true,"note":"ü"}',
    '{"_require_peer_online":0,"_timeout":3}',
    '{"k":"v"}',
    "[1,2]",
    '"text"',
    "not json",
    '{"big":"' + "x" * 8200 + '"}',
)
ANSWER_EXTRAS: Final = ("", '{"reason":"busy"}')
BAD_ANSWER_EXTRAS: Final = ("not json", "{")
DTMF_DIGITS: Final = ("1", "123#*", "0#")
#: The last one is a full-width digit: only ASCII 0-9 count (V10).
INVALID_DTMF_DIGITS: Final = ("", "12a", "１")

#: ``invoke`` function names (R1-R9), each called with or without the prefix.
INVOKE_FUNCTIONS: Final = (
    "user_query_user_status",
    "user_set_attr",
    "user_get_attr",
    "user_get_attr_all",
    "channel_query_num",
    "channel_query_user_isin",
    "channel_query_userlist",
    "channel_query_userlist_all",
    "channel_set_attr",
    "channel_del_attr",
    "channel_clear_attr",
)
UNKNOWN_FUNCTIONS: Final = ("io.agora.signal.no_such_function", "channel.query_num", "")

#: Seconds, multiples of 0.5 so sums are exact in binary floating point: both worlds then
#: agree on which timer is due at a boundary (20 s invitations, 30 s reconnect give-up).
ADVANCES: Final = tuple(k / 2 for k in range(1, 51))
#: Past the 120 s attribute TTL (A5) and the one-day offline message TTL (P2).
LONG_ADVANCES: Final = (30.0, 60.0, 121.0, 86_400.5)

CERTIFICATE: Final = "fedcba9876543210fedcba9876543210"
WRONG_APP_ID: Final = "ffffffffffffffffffffffffffffffff"

#: Calls whose argument types native code could not express; each must raise (D5).
MISUSES: Final[tuple[tuple[str, tuple[object, ...]], ...]] = (
    ("login", ("app", None, NO_NEED_TOKEN, 0, "")),
    ("login", ("app", "ann", NO_NEED_TOKEN, -1, "")),
    ("login2", ("app", "ann", NO_NEED_TOKEN, 0, "", 1.5, 3)),
    ("messageInstantSend", ("bob", UINT32_MAX + 1, "hi", "")),
    ("messageInstantSend", ("bob", True, "hi", "")),
    ("messageChannelSend", ("lobby", b"bytes", "")),
    ("channelJoin", (None,)),
    ("channelInviteUser", ("lobby", "bob", -1)),
    ("channelInviteAccept", ("lobby", "bob", 0, None)),
    ("setAttr", ("color", 5)),
    ("invoke", ("io.agora.signal.channel_query_num", None, "c")),
    ("callbackSet", ("not a handler",)),
    ("getUserAttr", ("bob", 7)),
)
