"""legacy_signaling.codes against the legacy code table (reference §3)."""

from __future__ import annotations

import pytest

from legacy_signaling.codes import (
    ECODE,
    MAX_ACCOUNT_CHARS,
    MAX_ATTR_NAME_CHARS,
    MAX_ATTR_VALUE_CHARS,
    MAX_CHANNEL_CHARS,
    MAX_EXTRA_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_USER_LIST,
    SDK_VERSION,
    LoginStatus,
    format_sdk_version,
)

# Written out from the native header's AGORA_E_CODE, independently of the module.
LEGACY_CODES = {
    "SUCCESS": 0,
    "LOGOUT_E_OTHER": 100,
    "LOGOUT_E_USER": 101,
    "LOGOUT_E_NET": 102,
    "LOGOUT_E_KICKED": 103,
    "LOGOUT_E_PACKET": 104,
    "LOGOUT_E_TOKENEXPIRED": 105,
    "LOGOUT_E_OLDVERSION": 106,
    "LOGOUT_E_TOKENWRONG": 107,
    "LOGOUT_E_ALREADY_LOGOUT": 108,
    "LOGIN_E_OTHER": 200,
    "LOGIN_E_NET": 201,
    "LOGIN_E_FAILED": 202,
    "LOGIN_E_CANCEL": 203,
    "LOGIN_E_TOKENEXPIRED": 204,
    "LOGIN_E_OLDVERSION": 205,
    "LOGIN_E_TOKENWRONG": 206,
    "LOGIN_E_TOKEN_KICKED": 207,
    "LOGIN_E_ALREADY_LOGIN": 208,
    "LOGIN_E_INVALID_USER": 209,
    "JOINCHANNEL_E_OTHER": 300,
    "SENDMESSAGE_E_OTHER": 400,
    "SENDMESSAGE_E_TIMEOUT": 401,
    "QUERYUSERNUM_E_OTHER": 500,
    "QUERYUSERNUM_E_TIMEOUT": 501,
    "QUERYUSERNUM_E_BYUSER": 502,
    "LEAVECHANNEL_E_OTHER": 600,
    "LEAVECHANNEL_E_KICKED": 601,
    "LEAVECHANNEL_E_BYUSER": 602,
    "LEAVECHANNEL_E_LOGOUT": 603,
    "LEAVECHANNEL_E_DISCONN": 604,
    "INVITE_E_OTHER": 700,
    "INVITE_E_REINVITE": 701,
    "INVITE_E_NET": 702,
    "INVITE_E_PEEROFFLINE": 703,
    "INVITE_E_TIMEOUT": 704,
    "INVITE_E_CANTRECV": 705,
    "GENERAL_E": 1000,
    "GENERAL_E_FAILED": 1001,
    "GENERAL_E_UNKNOWN": 1002,
    "GENERAL_E_NOT_LOGIN": 1003,
    "GENERAL_E_WRONG_PARAM": 1004,
    "GENERAL_E_LARGE_PARAM": 1005,
}


def test_every_legacy_code_with_its_number() -> None:
    assert {member.name: member.value for member in ECODE} == LEGACY_CODES


def test_login_status_values() -> None:
    assert [(s.name, s.value) for s in LoginStatus] == [
        ("LOGIN_STATE_NOT_LOGIN", 0),
        ("LOGIN_STATE_LOGINING", 1),
        ("LOGIN_STATE_LOGINED", 2),
        ("LOGIN_STATE_RECONNECTING", 3),
    ]


@pytest.mark.parametrize(
    ("number", "text"),
    [(1010104019, "1.1.4.19"), (1010002000, "1.0.2.0"), (1010400000, "1.4.0.0")],
)
def test_version_layout_matches_documented_examples(number: int, text: str) -> None:
    assert format_sdk_version(number) == text


def test_sdk_version_is_1_4_0() -> None:
    assert format_sdk_version(SDK_VERSION) == "1.4.0.0"


@pytest.mark.parametrize("bad", [999_999_999, 2_000_000_000, -1])
def test_version_out_of_layout_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="1MMmmppbbb"):
        format_sdk_version(bad)


def test_version_must_be_int() -> None:
    with pytest.raises(TypeError):
        format_sdk_version(True)


def test_documented_limits() -> None:
    assert (MAX_ACCOUNT_CHARS, MAX_CHANNEL_CHARS, MAX_ATTR_NAME_CHARS) == (128, 128, 128)
    assert MAX_ATTR_VALUE_CHARS == 8096
    assert MAX_MESSAGE_BYTES == MAX_EXTRA_BYTES == 8 * 1024
    assert MAX_USER_LIST == 200
