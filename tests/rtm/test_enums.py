"""State and kind enums: RTM's numeric values (reference note §3)."""

from __future__ import annotations

from rtm.enums import (
    LOG_FILTER_TYPE,
    MESSAGE_TYPE,
    PEER_ONLINE_STATE,
    PEER_SUBSCRIPTION_OPTION,
)


def test_peer_online_state() -> None:
    assert {m.name: int(m) for m in PEER_ONLINE_STATE} == {
        "PEER_ONLINE_STATE_ONLINE": 0,
        "PEER_ONLINE_STATE_UNREACHABLE": 1,
        "PEER_ONLINE_STATE_OFFLINE": 2,
    }
    assert int(PEER_SUBSCRIPTION_OPTION.PEER_SUBSCRIPTION_OPTION_ONLINE_STATUS) == 0


def test_message_type() -> None:
    assert {m.name: int(m) for m in MESSAGE_TYPE} == {
        "MESSAGE_TYPE_UNDEFINED": 0,
        "MESSAGE_TYPE_TEXT": 1,
        "MESSAGE_TYPE_RAW": 2,
    }


def test_log_filter() -> None:
    assert {m.name: int(m) for m in LOG_FILTER_TYPE} == {
        "LOG_FILTER_OFF": 0,
        "LOG_FILTER_INFO": 0x0F,
        "LOG_FILTER_WARN": 0x0E,
        "LOG_FILTER_ERROR": 0x0C,
        "LOG_FILTER_CRITICAL": 0x08,
        "LOG_FILTER_MASK": 0x80F,
    }
