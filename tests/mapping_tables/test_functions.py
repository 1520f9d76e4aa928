"""The expression functions: error-code lookup, attribute diffs, peer signals, RTM object access."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping_tables import MappingTables
from mapping_tables.expr import KNOWN_FUNCTIONS
from mapping_tables.functions import (
    DTMF_PREFIX,
    ENDCALL_PREFIX,
    AttrChange,
    attr_changes,
    decode_peer_signal,
    default_legacy_uid,
    encode_peer_signal,
    member_count_of,
    peer_online,
    standard_functions,
)


class Obj:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


class JavaAttr:
    """Getter-only, like a Java RtmAttribute seen from Python."""

    def __init__(self, key: str, value: str) -> None:
        self._kv = (key, value)

    def getKey(self) -> str:
        return self._kv[0]

    def getValue(self) -> str:
        return self._kv[1]


@pytest.fixture(scope="module")
def fns(tables: MappingTables) -> dict[str, Any]:
    return standard_functions(tables)


def test_every_declared_function_is_implemented(tables: MappingTables) -> None:
    assert set(standard_functions(tables)) == set(KNOWN_FUNCTIONS)


def test_legacy_code_by_value_and_by_member_name(fns: dict[str, Any]) -> None:
    assert fns["legacy_code"]("LOGIN_ERR_CODE", 6) == 204
    assert fns["legacy_code"]("LOGIN_ERR_CODE", "LOGIN_ERR_INVALID_TOKEN") == 206
    assert fns["legacy_code"]("PEER_MESSAGE_ERR_CODE", 2) == 401
    assert fns["legacy_code"]("CONNECTION_CHANGE_REASON", 8) == 103
    assert fns["legacy_code"]("LOCAL_INVITATION_ERR_CODE", 1) == 703
    # an OK member with a row maps through it; without a row it is SUCCESS
    assert fns["legacy_code"]("LOGOUT_ERR_CODE", 0) == 101
    assert fns["legacy_code"]("JOIN_CHANNEL_ERR", 0) == 0


def test_legacy_code_rejects_unknown_input(fns: dict[str, Any]) -> None:
    with pytest.raises(KeyError, match="unknown RTM enum"):
        fns["legacy_code"]("NOPE", 1)
    with pytest.raises(KeyError, match="has no member"):
        fns["legacy_code"]("LOGIN_ERR_CODE", "LOGIN_ERR_NOPE")
    with pytest.raises(KeyError, match="no legacy code for RENEW_TOKEN_ERR_CODE value 1"):
        fns["legacy_code"]("RENEW_TOKEN_ERR_CODE", 1)
    with pytest.raises(TypeError):
        fns["legacy_code"]("LOGIN_ERR_CODE", True)


def test_rtm_error_name_and_rtm_const(fns: dict[str, Any]) -> None:
    assert (
        fns["rtm_error_name"]("ATTRIBUTE_OPERATION_ERR", 4)
        == "ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW"
    )
    assert fns["rtm_error_name"]("GET_MEMBERS_ERR", 99) == "GET_MEMBERS_ERR(99)"
    assert fns["rtm_const"]("CONNECTION_STATE_ABORTED") == 5
    assert fns["rtm_const"]("JOIN_CHANNEL_TIMEOUT") == 4
    with pytest.raises(KeyError):
        fns["rtm_const"]("CONNECTION_STATE_GONE")


def test_scalar_conversions(fns: dict[str, Any]) -> None:
    assert fns["str"](401) == "401"
    assert fns["int"](True) == 1
    assert fns["int"]("-3") == -3
    assert fns["flag"](False) == "0"
    assert fns["choose"](True, "a", "b") == "a"
    with pytest.raises(TypeError, match="use flag"):
        fns["str"](True)
    with pytest.raises(TypeError):
        fns["flag"](1)
    with pytest.raises(TypeError):
        fns["choose"](1, "a", "b")


def test_json_helpers(fns: dict[str, Any]) -> None:
    assert fns["json_obj"]("num", 2, "list", [["a", 1]]) == '{"num":2,"list":[["a",1]]}'
    assert fns["json_get"]('{"account": "bob"}', "account") == "bob"
    assert fns["json_get"]('{"account": "bob"}', "name") == ""
    assert fns["json_get"]("", "name") == ""
    attrs = [Obj(key="b", value="2"), JavaAttr("a", "1")]
    assert fns["json_attrs"](attrs) == '{"a":"1","b":"2"}'  # sorted keys, as legacy getAttrAll
    assert fns["attr_value"](attrs, "a") == "1"
    assert fns["attr_value"](attrs, "z") == ""
    with pytest.raises(ValueError, match="JSON object"):
        fns["json_get"]("[1]", "a")


def test_members_and_uids(fns: dict[str, Any]) -> None:
    members = [Obj(userId="alice"), "bob"]
    assert fns["member_ids"](members) == ["alice", "bob"]
    assert fns["member_uids"](members) == [default_legacy_uid("alice"), default_legacy_uid("bob")]
    assert fns["member_pairs"](members)[1] == ["bob", default_legacy_uid("bob")]
    assert fns["member_ids"](None) == []


def test_custom_uid_policy(tables: MappingTables) -> None:
    fns = standard_functions(tables, legacy_uid=len)
    assert fns["legacy_uid"]("alice") == 5
    assert fns["member_uids"](["ab", "abc"]) == [2, 3]


@given(st.text())
def test_default_uid_is_stable_positive_31_bit(account: str) -> None:
    uid = default_legacy_uid(account)
    assert uid == default_legacy_uid(account)
    assert 0 < uid < 2**31


def test_peer_online_reads_cpp_and_java_results() -> None:
    cpp = [Obj(peerId="bob", onlineState=0), Obj(peerId="eve", onlineState=2)]
    assert peer_online(cpp, "bob") is True
    assert peer_online(cpp, "eve") is False
    assert peer_online(cpp, "zed") is False
    assert peer_online([Obj(peerId="bob", isOnline=True)], "bob") is True
    assert peer_online({"bob": True, "eve": False}, "bob") is True
    assert peer_online({"bob": True}, "eve") is False
    assert peer_online(None, "bob") is False


def test_member_count_reads_cpp_and_java_results() -> None:
    assert member_count_of([Obj(channelId="a", count=3), Obj(channelId="b", count=9)], "b") == 9
    java = [Obj(channelID="a", memberCount=4)]
    assert member_count_of(java, "a") == 4
    assert member_count_of(java, "missing") == 0
    with pytest.raises(TypeError):
        member_count_of([Obj(channelId="a", count="3")], "a")


# ------------------------------------------------------------------ attribute snapshots


def kv(**pairs: str) -> list[Obj]:
    return [Obj(key=k, value=v) for k, v in pairs.items()]


def test_attr_changes_reports_updates_and_deletions_sorted() -> None:
    old = kv(a="1", b="2", c="3")
    new = kv(a="1", b="20", d="4")
    assert attr_changes(old, new) == [
        AttrChange("b", "20", "update"),
        AttrChange("c", "", "del"),
        AttrChange("d", "4", "update"),
    ]


def test_attr_changes_from_nothing_and_to_nothing() -> None:
    assert attr_changes([], kv(x="1")) == [AttrChange("x", "1", "update")]
    assert attr_changes(kv(x="1", y="2"), []) == [AttrChange("", "", "clear")]
    assert attr_changes([], []) == []
    assert attr_changes(kv(x="1"), kv(x="1")) == []


@given(
    st.dictionaries(st.text(min_size=1, max_size=4), st.text(max_size=4), max_size=5),
    st.dictionaries(st.text(min_size=1, max_size=4), st.text(max_size=4), max_size=5),
)
def test_applying_attr_changes_turns_old_into_new(old: dict[str, str], new: dict[str, str]) -> None:
    state = dict(old)
    for change in attr_changes(old, new):
        if change.type == "clear":
            state.clear()
        elif change.type == "del":
            del state[change.name]
        else:
            state[change.name] = change.value
    assert state == new


# ------------------------------------------------------------------ peer signals


def test_endcall_uses_rtm_prefix_and_splits_at_the_last_underscore() -> None:
    text = encode_peer_signal("endcall", "room_1", "")
    assert text == f"{ENDCALL_PREFIX}_room_1_"
    signal = decode_peer_signal(text)
    assert signal is not None
    assert (signal.kind, signal.channel, signal.payload) == ("endcall", "room_1", "")


def test_dtmf_signal_round_trip_and_functions(fns: dict[str, Any]) -> None:
    text = encode_peer_signal("dtmf", "c_h", "12#*")
    assert text.startswith(DTMF_PREFIX)
    assert fns["peer_signal"](text) == "dtmf"
    assert fns["signal_channel"](text) == "c_h"
    assert fns["signal_payload"](text) == "12#*"
    assert fns["peer_signal"]("hello") == ""
    with pytest.raises(ValueError, match="not a shim peer signal"):
        fns["signal_channel"]("hello")


def test_peer_signal_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="must not contain '_'"):
        encode_peer_signal("endcall", "c", "a_b")
    with pytest.raises(ValueError, match="unknown peer signal kind"):
        encode_peer_signal("ring", "c")
    assert decode_peer_signal(f"{ENDCALL_PREFIX}_nochannel") is None


@given(
    st.sampled_from(["endcall", "dtmf"]),
    st.text(max_size=10),
    st.text(max_size=10).filter(lambda s: "_" not in s),
)
def test_peer_signals_round_trip(kind: str, channel: str, payload: str) -> None:
    signal = decode_peer_signal(encode_peer_signal(kind, channel, payload))
    assert signal is not None
    assert (signal.kind, signal.channel, signal.payload) == (kind, channel, payload)
