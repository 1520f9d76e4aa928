"""Error-code enums: RTM's names and numbers (reference note §3), and ErrorInfo."""

from __future__ import annotations

from enum import IntEnum

import pytest

import rtm
from rtm import errors
from rtm.errors import ErrorInfo

# (enum, {suffix: value}); members are f"{prefix}{suffix}" unless the suffix is a full name.
EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    "INIT_ERR_CODE": (
        "INIT_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "ALREADY_INITIALIZED": 2,
            "INVALID_APP_ID": 3,
            "INVALID_ARGUMENT": 4,
        },
    ),
    "LOGIN_ERR_CODE": (
        "LOGIN_ERR_",
        {
            "OK": 0,
            "UNKNOWN": 1,
            "REJECTED": 2,
            "INVALID_ARGUMENT": 3,
            "INVALID_APP_ID": 4,
            "INVALID_TOKEN": 5,
            "TOKEN_EXPIRED": 6,
            "NOT_AUTHORIZED": 7,
            "ALREADY_LOGIN": 8,
            "TIMEOUT": 9,
            "TOO_OFTEN": 10,
            "NOT_INITIALIZED": 101,
        },
    ),
    "LOGOUT_ERR_CODE": (
        "LOGOUT_ERR_",
        {"OK": 0, "REJECTED": 1, "NOT_INITIALIZED": 101, "USER_NOT_LOGGED_IN": 102},
    ),
    "RENEW_TOKEN_ERR_CODE": (
        "RENEW_TOKEN_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "INVALID_ARGUMENT": 2,
            "REJECTED": 3,
            "TOO_OFTEN": 4,
            "TOKEN_EXPIRED": 5,
            "INVALID_TOKEN": 6,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "PEER_MESSAGE_ERR_CODE": (
        "PEER_MESSAGE_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "SENT_TIMEOUT": 2,
            "PEER_UNREACHABLE": 3,
            "CACHED_BY_SERVER": 4,
            "TOO_OFTEN": 5,
            "INVALID_USERID": 6,
            "INVALID_MESSAGE": 7,
            "IMCOMPATIBLE_MESSAGE": 8,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "CHANNEL_MESSAGE_ERR_CODE": (
        "CHANNEL_MESSAGE_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "SENT_TIMEOUT": 2,
            "TOO_OFTEN": 3,
            "INVALID_MESSAGE": 4,
            "NOT_IN_CHANNEL": 5,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "JOIN_CHANNEL_ERR": (
        "JOIN_CHANNEL_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "REJECTED": 2,
            "INVALID_ARGUMENT": 3,
            "JOIN_CHANNEL_TIMEOUT": 4,
            "EXCEED_LIMIT": 5,
            "ALREADY_JOINED": 6,
            "TOO_OFTEN": 7,
            "JOIN_SAME_CHANNEL_TOO_OFTEN": 8,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "LEAVE_CHANNEL_ERR": (
        "LEAVE_CHANNEL_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "REJECTED": 2,
            "NOT_IN_CHANNEL": 3,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "GET_MEMBERS_ERR": (
        "GET_MEMBERS_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "REJECTED": 2,
            "TIMEOUT": 3,
            "TOO_OFTEN": 4,
            "NOT_IN_CHANNEL": 5,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "QUERY_PEERS_ONLINE_STATUS_ERR": (
        "QUERY_PEERS_ONLINE_STATUS_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "INVALID_ARGUMENT": 2,
            "REJECTED": 3,
            "TIMEOUT": 4,
            "TOO_OFTEN": 5,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "PEER_SUBSCRIPTION_STATUS_ERR": (
        "PEER_SUBSCRIPTION_STATUS_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "INVALID_ARGUMENT": 2,
            "REJECTED": 3,
            "TIMEOUT": 4,
            "TOO_OFTEN": 5,
            "OVERFLOW": 6,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR": (
        "QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "TIMEOUT": 2,
            "TOO_OFTEN": 3,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "ATTRIBUTE_OPERATION_ERR": (
        "ATTRIBUTE_OPERATION_ERR_",
        {
            "OK": 0,
            "NOT_READY": 1,
            "FAILURE": 2,
            "INVALID_ARGUMENT": 3,
            "SIZE_OVERFLOW": 4,
            "TOO_OFTEN": 5,
            "USER_NOT_FOUND": 6,
            "TIMEOUT": 7,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "GET_CHANNEL_MEMBER_COUNT_ERR_CODE": (
        "GET_CHANNEL_MEMBER_COUNT_ERR_",
        {
            "OK": 0,
            "FAILURE": 1,
            "INVALID_ARGUMENT": 2,
            "TOO_OFTEN": 3,
            "TIMEOUT": 4,
            "EXCEED_LIMIT": 5,
            "NOT_INITIALIZED": 101,
            "USER_NOT_LOGGED_IN": 102,
        },
    ),
    "INVITATION_API_CALL_ERR_CODE": (
        "INVITATION_API_CALL_ERR_",
        {
            "OK": 0,
            "INVALID_ARGUMENT": 1,
            "NOT_STARTED": 2,
            "ALREADY_END": 3,
            "ALREADY_ACCEPT": 4,
            "ALREADY_SENT": 5,
        },
    ),
    "LOCAL_INVITATION_ERR_CODE": (
        "LOCAL_INVITATION_ERR_",
        {
            "OK": 0,
            "PEER_OFFLINE": 1,
            "PEER_NO_RESPONSE": 2,
            "INVITATION_EXPIRE": 3,
            "NOT_LOGGEDIN": 4,
        },
    ),
    "REMOTE_INVITATION_ERR_CODE": (
        "REMOTE_INVITATION_ERR_",
        {"OK": 0, "PEER_OFFLINE": 1, "ACCEPT_FAILURE": 2, "INVITATION_EXPIRE": 3},
    ),
}
FULL_NAMES = {"JOIN_CHANNEL_TIMEOUT"}  # sic in the C++ header: no _ERR_


@pytest.mark.parametrize("enum_name", sorted(EXPECTED))
def test_enum_members_and_values(enum_name: str) -> None:
    prefix, members = EXPECTED[enum_name]
    enum_type = getattr(errors, enum_name)
    assert issubclass(enum_type, IntEnum)
    expected = {(m if m in FULL_NAMES else prefix + m): v for m, v in members.items()}
    assert {m.name: int(m) for m in enum_type} == expected
    assert getattr(rtm, enum_name) is enum_type  # exported at the package top level


def test_every_exported_error_enum_is_checked() -> None:
    exported = {n for n in errors.__all__ if n != "ErrorInfo"}
    assert exported == set(EXPECTED)


def test_error_info_getters_equality_and_repr() -> None:
    info = ErrorInfo(errors.LOGIN_ERR_CODE.LOGIN_ERR_TIMEOUT, "login timed out")
    assert info.getErrorCode() == info.errorCode == 9
    assert type(info.errorCode) is int  # a plain int, as Java's getErrorCode()
    assert info.getErrorDescription() == info.errorDescription == "login timed out"
    assert info == ErrorInfo(9, "login timed out")
    assert info != ErrorInfo(9, "other")
    assert len({info, ErrorInfo(9, "login timed out")}) == 1
    assert "9" in repr(info) and "login timed out" in repr(info)
    assert info.__eq__(object()) is NotImplemented
