"""legacy_signaling.identity: uids, message ids, attribute JSON, input checks."""

from __future__ import annotations

import binascii
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legacy_signaling.codes import ECODE
from legacy_signaling.identity import (
    MessageIdAllocator,
    attrs_json,
    check_account,
    check_attr_name,
    check_attr_value,
    check_channel,
    check_dtmf,
    check_extra,
    check_message,
    invite_options,
    legacy_uid,
    require_str,
    require_uint32,
)

WRONG = ECODE.GENERAL_E_WRONG_PARAM
LARGE = ECODE.GENERAL_E_LARGE_PARAM


@pytest.mark.parametrize("account", ["alice", "bob", "2882341273", "用户"])
def test_uid_is_crc32_of_utf8_masked_to_31_bits(account: str) -> None:
    expected = binascii.crc32(account.encode("utf-8")) & 0x7FFFFFFF
    assert legacy_uid(account) == expected


@given(st.text())
def test_uid_is_positive_31_bit(account: str) -> None:
    assert 1 <= legacy_uid(account) <= 0x7FFFFFFF


def test_uid_zero_is_mapped_to_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zlib, "crc32", lambda data: 0x80000000)
    assert legacy_uid("anything") == 1


def test_allocator_numbers_only_empty_ids() -> None:
    ids = MessageIdAllocator()
    assert ids.resolve("") == "auto-1"
    assert ids.resolve("mine") == "mine"
    assert ids.resolve("") == "auto-2"


def test_allocators_are_independent() -> None:
    first, second = MessageIdAllocator(), MessageIdAllocator()
    first.resolve("")
    assert second.resolve("") == "auto-1"


def test_attrs_json_sorted_compact_unescaped() -> None:
    assert attrs_json({"b": "2", "a": "é"}) == '{"a":"é","b":"2"}'
    assert attrs_json({}) == "{}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alice", None),
        ("a" * 128, None),
        ("a" * 129, LARGE),
        ("", WRONG),
        ("al ice", WRONG),
        ("al\tice", WRONG),
        ("al\x00ice", WRONG),
        ("ü-ser_1@x", None),
    ],
)
def test_check_account(name: str, expected: ECODE | None) -> None:
    assert check_account(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("room 1", None), ("c" * 128, None), ("c" * 129, LARGE), ("", WRONG), ("a\nb", WRONG)],
)
def test_check_channel_allows_spaces(name: str, expected: ECODE | None) -> None:
    assert check_channel(name) == expected


def test_attribute_checks() -> None:
    assert check_attr_name("color") is None
    assert check_attr_name("") == WRONG
    assert check_attr_name("n" * 129) == LARGE
    assert check_attr_value("") is None
    assert check_attr_value("v" * 8096) is None
    assert check_attr_value("v" * 8097) == LARGE


def test_message_limit_counts_utf8_bytes() -> None:
    assert check_message("") is None
    assert check_message("x" * 8192) is None
    assert check_message("x" * 8193) == LARGE
    assert check_message("é" * 4096) is None  # 8192 bytes
    assert check_message("é" * 4097) == LARGE


def test_extra_is_empty_or_small_json() -> None:
    assert check_extra("") is None
    assert check_extra('{"a":1}') is None
    assert check_extra("[1,2]") is None
    assert check_extra("not json") == WRONG
    big = json.dumps({"k": "x" * 8200})
    assert check_extra(big) == LARGE


@pytest.mark.parametrize(
    ("digits", "ok"), [("0123456789*#", True), ("5", True), ("", False), ("12a", False)]
)
def test_check_dtmf(digits: str, ok: bool) -> None:
    assert (check_dtmf(digits) is None) is ok


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", (False, 20.0)),
        ("not json", (False, 20.0)),
        ("[1]", (False, 20.0)),
        ('{"_require_peer_online":1}', (True, 20.0)),
        ('{"_require_peer_online":true}', (True, 20.0)),
        ('{"_require_peer_online":0}', (False, 20.0)),
        ('{"_require_peer_online":"1"}', (False, 20.0)),
        ('{"_timeout":5}', (False, 5.0)),
        ('{"_timeout":0}', (False, 1.0)),
        ('{"_timeout":100}', (False, 30.0)),
        ('{"_timeout":2.5}', (False, 2.5)),
        ('{"_timeout":"5"}', (False, 20.0)),
        ('{"_timeout":true}', (False, 20.0)),
        ('{"_timeout":NaN}', (False, 20.0)),
    ],
)
def test_invite_options(extra: str, expected: tuple[bool, float]) -> None:
    assert invite_options(extra) == expected


def test_type_guards() -> None:
    require_str(a="x")
    require_uint32(u=0, v=0xFFFFFFFF)
    with pytest.raises(TypeError, match="account must be str"):
        require_str(account=5)
    with pytest.raises(ValueError, match="uid must be in"):
        require_uint32(uid=-1)
    with pytest.raises(ValueError, match="uid must be in"):
        require_uint32(uid=2**32)
    with pytest.raises(TypeError, match="uid must be int"):
        require_uint32(uid=True)
