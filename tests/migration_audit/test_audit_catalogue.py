"""The per-language index built from the catalogue, and the prefilter regex."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping_tables.model import LegacyApi, Spelling
from migration_audit.catalogue import _trie_regex, build_catalogue, is_generic
from migration_audit.languages import registry
from migration_audit.markers import markers
from tests.migration_audit.audit_support import real_catalogue, real_tables, stub_tables


@pytest.mark.parametrize(
    ("name", "flagged", "generic"),
    [
        ("login", False, True),
        ("login2", False, False),
        ("onLogout", False, True),
        ("onLoginSuccess", False, False),
        ("onLoginSuccess", True, True),
        ("destory", False, True),
        ("Signal", False, True),
        ("AgoraSignal", False, False),
        ("end", False, True),
        ("msg_instant_send", False, False),
        ("getInstanceWithoutMedia:", False, False),
        ("_no_need_token", False, False),
    ],
)
def test_generic_names(name: str, flagged: bool, generic: bool) -> None:
    assert is_generic(name, flagged) is generic


@given(st.lists(st.text(alphabet="abcAB_12:.", min_size=1, max_size=8), min_size=1, max_size=30))
def test_trie_regex_matches_exactly_the_words(words: list[str]) -> None:
    pattern = re.compile("(?:" + _trie_regex(words) + r")\Z")
    for word in words:
        assert pattern.match(word), word
    for word in words:
        probe = word + "\u00e9"
        assert not pattern.match(probe)


def test_index_uses_platform_spellings_per_language() -> None:
    catalogue = real_catalogue()
    python = catalogue.indexes["python"]
    assert python.calls["msg_instant_send"].api == "messageInstantSend"
    assert "messageInstantSend" not in python.calls
    assert python.callbacks["on_login_success"].api == "onLoginSuccess"
    objc = catalogue.indexes["objc"]
    assert objc.selectors["login2:account:token:uid:deviceID:retry_time_in_s:retry_count:"].api == (
        "login2"
    )
    assert objc.calls["destory"].api == "destroy"
    assert objc.calls["setOnLoginSuccess"].kind == "callback"
    cpp = catalogue.indexes["cpp"]
    assert cpp.calls["getAgoraSDKInstanceCPP"].api == "getInstance"
    assert cpp.calls["release"].generic
    assert "IAgoraAPI" in cpp.types
    web = catalogue.indexes["javascript"]
    assert web.calls["Signal"].kind == "factory" and web.calls["Signal"].generic
    assert web.module_matches("./vendor/AgoraSig-1.4.0.js")


def test_every_language_has_spellings_and_a_prefilter() -> None:
    catalogue = real_catalogue()
    assert catalogue.uncovered == ()
    for key, index in catalogue.indexes.items():
        prefilter = re.compile(index.prefilter.encode())
        for name in list(index.calls)[:20]:
            assert prefilter.search(f"x.{name}(y)".encode()), (key, name)
        assert not prefilter.search(b"int add(int a, int b) { return a + b; }")


def test_spelling_conflicts_are_reported() -> None:
    tables = stub_tables()
    clash = LegacyApi("other", "method", (Spelling("python", "channel_join", "method"),), False)
    tables = type(tables)(
        flavours=tables.flavours,
        differences=tables.differences,
        error_codes=tables.error_codes,
        legacy_api={**tables.legacy_api, "other": clash},
    )
    catalogue = build_catalogue(tables, registry(), markers())
    assert "python: channel_join -> channelJoin, other" in catalogue.conflicts
    assert catalogue.indexes["python"].calls["channel_join"].api == "channelJoin"


def test_token_stopgap_only_for_tokens_the_catalogue_lacks() -> None:
    catalogue = build_catalogue(real_tables(), registry(), markers())
    assert catalogue.token_differences == {"_no_need_token": "legacy_tokens"}
    assert "legacy_tokens" in real_tables().differences
    stub = build_catalogue(stub_tables(), registry(), markers())
    assert stub.token_differences == {}  # the stub catalogue lists the token itself
