"""Legacy Signaling error codes, status values, version, limits and timings.

Everything a legacy app can observe as a number lives here, once, so the reference model
(``legacy_signaling.reference``) and the shim over the RTM core report the same values.
Numbers are the legacy SDK's (``AGORA_E_CODE`` of the native headers). Limits and timings
that the legacy documentation leaves open are choices recorded in
``docs/legacy-semantics.md``; the row id is given next to each constant.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "CHANNEL_ATTR_TTL_S",
    "DEFAULT_INVITE_TIMEOUT_S",
    "DEFAULT_LOGIN_RETRY_COUNT",
    "DEFAULT_LOGIN_RETRY_TIME_S",
    "ECODE",
    "INVITE_OFFLINE_WAIT_S",
    "INVITE_TIMEOUT_MAX_S",
    "INVITE_TIMEOUT_MIN_S",
    "INVOKE_PREFIX",
    "MAX_ACCOUNT_CHARS",
    "MAX_ATTR_NAME_CHARS",
    "MAX_ATTR_VALUE_CHARS",
    "MAX_CHANNEL_CHARS",
    "MAX_CHANNEL_MEMBERS",
    "MAX_CHANNEL_MESSAGES_PER_S",
    "MAX_EXTRA_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_USER_LIST",
    "MAX_USER_MESSAGES_PER_S",
    "OFFLINE_MESSAGE_TTL_S",
    "RECONNECT_GIVE_UP_S",
    "RESERVED_CHANNELS",
    "RETRY_INTERVAL_S",
    "SDK_VERSION",
    "ErrorDesc",
    "InvokeError",
    "LoginStatus",
    "format_sdk_version",
]


class ECODE(enum.IntEnum):
    """Every legacy error code (native ``AGORA_E_CODE``; Android ``IAgoraAPI.ECODE_*``)."""

    SUCCESS = 0

    LOGOUT_E_OTHER = 100
    LOGOUT_E_USER = 101
    LOGOUT_E_NET = 102
    LOGOUT_E_KICKED = 103
    LOGOUT_E_PACKET = 104
    LOGOUT_E_TOKENEXPIRED = 105
    LOGOUT_E_OLDVERSION = 106
    LOGOUT_E_TOKENWRONG = 107
    LOGOUT_E_ALREADY_LOGOUT = 108

    LOGIN_E_OTHER = 200
    LOGIN_E_NET = 201
    LOGIN_E_FAILED = 202
    LOGIN_E_CANCEL = 203
    LOGIN_E_TOKENEXPIRED = 204
    LOGIN_E_OLDVERSION = 205
    LOGIN_E_TOKENWRONG = 206
    LOGIN_E_TOKEN_KICKED = 207
    LOGIN_E_ALREADY_LOGIN = 208
    LOGIN_E_INVALID_USER = 209

    JOINCHANNEL_E_OTHER = 300

    SENDMESSAGE_E_OTHER = 400
    SENDMESSAGE_E_TIMEOUT = 401

    QUERYUSERNUM_E_OTHER = 500
    QUERYUSERNUM_E_TIMEOUT = 501
    QUERYUSERNUM_E_BYUSER = 502

    LEAVECHANNEL_E_OTHER = 600
    LEAVECHANNEL_E_KICKED = 601
    LEAVECHANNEL_E_BYUSER = 602
    LEAVECHANNEL_E_LOGOUT = 603
    LEAVECHANNEL_E_DISCONN = 604

    INVITE_E_OTHER = 700
    INVITE_E_REINVITE = 701
    INVITE_E_NET = 702
    INVITE_E_PEEROFFLINE = 703
    INVITE_E_TIMEOUT = 704
    INVITE_E_CANTRECV = 705

    GENERAL_E = 1000
    GENERAL_E_FAILED = 1001
    GENERAL_E_UNKNOWN = 1002
    GENERAL_E_NOT_LOGIN = 1003
    GENERAL_E_WRONG_PARAM = 1004
    GENERAL_E_LARGE_PARAM = 1005


class LoginStatus(enum.IntEnum):
    """Values returned by native ``getStatus()``."""

    LOGIN_STATE_NOT_LOGIN = 0
    LOGIN_STATE_LOGINING = 1
    LOGIN_STATE_LOGINED = 2
    LOGIN_STATE_RECONNECTING = 3


class ErrorDesc(enum.StrEnum):
    """The ``desc`` text of every ``onError`` the model emits.

    Legacy descriptions were free text; fixing them here lets traces of the reference and
    the shim be compared with ``==``.
    """

    NOT_LOGGED_IN = "not logged in"
    ALREADY_LOGGED_IN = "already logged in or logging in; call logout first"
    INVALID_RETRY = "retry_time_in_s and retry_count must not be negative"
    INVALID_ACCOUNT = "invalid account"
    INVALID_CHANNEL = "invalid channel name"
    NOT_IN_CHANNEL = "not in this channel"
    INVALID_ATTR_NAME = "invalid attribute name"
    INVALID_ATTR_VALUE = "attribute value too long"
    INVALID_EXTRA = "extra must be empty or JSON text of at most 8192 bytes"
    INVALID_DTMF = "dtmf must be one or more of 0-9 * #"
    NO_SUCH_CALL = "no such call"
    UNSUPPORTED = "not supported"


class InvokeError(enum.StrEnum):
    """The ``err`` text of a failed ``onInvokeRet`` (docs/legacy-semantics.md R10)."""

    NOT_LOGIN = "not_login"
    UNKNOWN_FUNCTION = "unknown_function"
    INVALID_JSON = "invalid_json"
    INVALID_PARAM = "invalid_param"


#: ``getSdkVersion()``: 1.4.0 build 0 in the ``1MMmmppbbb`` layout (I4).
SDK_VERSION: Final = 1_01_04_00_000


def format_sdk_version(version: int) -> str:
    """``1010104019`` -> ``"1.1.4.19"``: decode the ``1MMmmppbbb`` integer layout."""
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError(f"version must be an int, got {version!r}")
    if not 1_000_000_000 <= version <= 1_999_999_999:
        raise ValueError(f"not a 1MMmmppbbb version number: {version}")
    digits = str(version)
    major, minor, patch, build = digits[1:3], digits[3:5], digits[5:7], digits[7:10]
    return ".".join(str(int(part)) for part in (major, minor, patch, build))


# ----------------------------------------------------------------------- limits (D9, D10)

#: Accounts: 1..128 printable, non-whitespace characters.
MAX_ACCOUNT_CHARS: Final = 128
#: Channel names: 1..128 printable characters.
MAX_CHANNEL_CHARS: Final = 128
MAX_ATTR_NAME_CHARS: Final = 128
MAX_ATTR_VALUE_CHARS: Final = 8096
#: "8 KB" read as UTF-8 bytes: what the wire carried.
MAX_MESSAGE_BYTES: Final = 8192
#: Invitation ``extra``: "" or JSON text of at most this many UTF-8 bytes.
MAX_EXTRA_BYTES: Final = 8192
#: ``onChannelUserList`` holds at most the latest this-many members.
MAX_USER_LIST: Final = 200
MAX_CHANNEL_MEMBERS: Final = 10_000
MAX_USER_MESSAGES_PER_S: Final = 60
MAX_CHANNEL_MESSAGES_PER_S: Final = 200
#: Server-side special channels; not supported (CH4).
RESERVED_CHANNELS: Final = frozenset({"__agora_user_online", "__agora_channel_event"})
#: ``invoke`` function names carry this prefix (R).
INVOKE_PREFIX: Final = "io.agora.signal."

# ------------------------------------------------------------------------ timings (seconds)

#: ``login`` = ``login2`` with these retry limits (L11).
DEFAULT_LOGIN_RETRY_TIME_S: Final = 30
DEFAULT_LOGIN_RETRY_COUNT: Final = 3
#: Gap between login attempts and between ``onReconnecting`` callbacks (L11, C1).
RETRY_INTERVAL_S: Final = 2.0
#: A dropped connection not restored within this long ends the session (C3).
RECONNECT_GIVE_UP_S: Final = 30.0
#: P2P messages wait this long for an offline peer (P2).
OFFLINE_MESSAGE_TTL_S: Final = 86_400.0
#: An invitation to an unreachable callee fails with 703 after this long (V3).
INVITE_OFFLINE_WAIT_S: Final = 20.0
#: Unanswered received invitation: default and clamp range of ``_timeout`` (V6).
DEFAULT_INVITE_TIMEOUT_S: Final = 20.0
INVITE_TIMEOUT_MIN_S: Final = 1.0
INVITE_TIMEOUT_MAX_S: Final = 30.0
#: Attributes of an empty channel are dropped after this long (A5; same as the RTM core).
CHANNEL_ATTR_TTL_S: Final = 120.0
