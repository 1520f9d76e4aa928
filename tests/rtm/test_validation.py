"""ID and app-ID validation (pure functions returning a reason or None)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtm.validation import ID_CHARSET, check_app_id, check_id, check_ids, utf8_len

# The documented character set, typed from the reference note (§4.1), not from the code.
DOCUMENTED = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,"
)


def test_charset_is_the_documented_one() -> None:
    assert frozenset(DOCUMENTED) == ID_CHARSET


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (None, "must be a string"),
        (42, "must be a string"),
        (b"alice", "must be a string"),
        ("", "must not be empty"),
        ("null", '"null"'),
        ("a" * 65, "longer than 64"),
        ("al/ice", "characters"),
        ("ali*ce", "characters"),
        ("álice", "characters"),
        ("tab\there", "characters"),
        ("quote'", "characters"),
    ],
)
def test_invalid_ids_have_a_clear_reason(value: object, fragment: str) -> None:
    reason = check_id(value, "userId")
    assert reason is not None
    assert fragment in reason
    assert reason.startswith("userId")


@pytest.mark.parametrize("value", ["a", "a" * 64, "Null", "nul l", DOCUMENTED[:64], "x y", "{ok}"])
def test_valid_ids(value: str) -> None:
    assert check_id(value, "userId") is None


@given(st.text(alphabet=DOCUMENTED, min_size=1, max_size=64).filter(lambda s: s != "null"))
def test_any_id_of_documented_chars_up_to_64_is_valid(value: str) -> None:
    assert check_id(value, "channelId") is None


@given(st.text(min_size=1, max_size=64).filter(lambda s: bool(set(s) - set(DOCUMENTED))))
def test_any_other_character_is_rejected(value: str) -> None:
    reason = check_id(value, "channelId")
    assert reason is not None


def test_check_ids() -> None:
    assert check_ids(["a", "b"], "peerIds", 2) is None
    assert check_ids("ab", "peerIds", 5) == "peerIds must be a collection of strings"
    assert check_ids(None, "peerIds", 5) == "peerIds must be a collection of strings"
    assert check_ids([], "peerIds", 5) == "peerIds must not be empty"
    reason = check_ids(["a", "b", "c"], "peerIds", 2)
    assert reason is not None and "3 given" in reason and "2" in reason
    reason = check_ids(["a", ""], "peerIds", 5)
    assert reason is not None and reason.startswith("peerId must not be empty")
    assert check_ids(iter(["a"]), "peerIds", 1) is None


def test_check_app_id() -> None:
    assert check_app_id("0" * 32) is None
    assert check_app_id("0" * 31) == "appId must be 32 printable ASCII characters"
    assert check_app_id("0" * 33) is not None
    assert check_app_id("é" + "0" * 31) is not None
    assert check_app_id("\n" + "0" * 31) is not None
    assert check_app_id(None) == "appId must be a string"


def test_utf8_len_counts_bytes() -> None:
    assert utf8_len("abc") == 3
    assert utf8_len("é") == 2
    assert utf8_len("日本") == 6


def test_utf8_len_sizes_a_lone_surrogate_instead_of_raising() -> None:
    assert utf8_len("é\U0001f600") == 6
    assert utf8_len("a\ud800") == 4  # not text (the wire refuses it), but sized like its 3 bytes
