"""Legacy names on RTM IDs: reversible escaping, the 64-byte limit, app IDs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.signaling.profile import legacy_name, rtm_app_id, rtm_id
from rtm.validation import check_id

printable = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
)


@given(printable)
def test_escaped_ids_are_valid_rtm_ids_and_round_trip(name: str) -> None:
    escaped = rtm_id(name)
    if escaped is None:
        assert len(name.encode("utf-8")) * 3 > 64 or len(name) > 64
        return
    assert check_id(escaped, "id") is None
    assert legacy_name(escaped) == name


def test_plain_ids_are_unchanged_and_long_ones_do_not_fit() -> None:
    assert rtm_id("alice_01") == "alice_01"
    assert rtm_id("a%b") == "a%25b" and legacy_name("a%25b") == "a%b"
    assert rtm_id("null") != "null" and legacy_name(rtm_id("null") or "") == "null"
    assert rtm_id("x" * 64) == "x" * 64
    assert rtm_id("x" * 65) is None
    assert rtm_id("用" * 8) is None  # 8 x 9 escaped bytes > 64


def test_app_ids_map_to_32_characters() -> None:
    good = "0123456789abcdef0123456789abcdef"
    assert rtm_app_id(good) == good
    mapped = rtm_app_id("my-app")
    assert len(mapped) == 32 and mapped == rtm_app_id("my-app") != rtm_app_id("other")
