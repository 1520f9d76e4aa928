"""Rows A1-A9, Q1-Q3 and R1-R10 of docs/legacy-semantics.md."""

from __future__ import annotations

import pytest

from legacy_signaling.reference.testing import client, joined, new_world

NOT_LOGGED_IN = "not logged in"


# --------------------------------------------------------------- channel attributes


def test_a1_set_by_a_non_member_reaches_the_members() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", bob)
    alice.api.channelSetAttr("room", "topic", "news")
    world.run_until_idle()
    assert alice.take() == []
    assert bob.take() == [("onChannelAttrUpdated", ("room", "topic", "news", "update"))]


def test_a1_setter_in_the_channel_is_told_too_and_empty_value_deletes() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.channelSetAttr("room", "topic", "news")
    alice.api.channelSetAttr("room", "topic", "")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelAttrUpdated", ("room", "topic", "news", "update")),
        ("onChannelAttrUpdated", ("room", "topic", "", "del")),
    ]
    alice.api.channelLeave("room")
    alice.api.channelJoin("room")
    world.run_until_idle()
    assert [e[0] for e in alice.take()] == [
        "onChannelLeaved",
        "onChannelJoined",
        "onChannelUserList",
    ]


def test_a2_delete_is_reported_even_for_a_missing_name() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.channelDelAttr("room", "ghost")
    alice.api.channelDelAttr("nobody-here", "ghost")
    world.run_until_idle()
    assert alice.take() == [("onChannelAttrUpdated", ("room", "ghost", "", "del"))]


def test_a3_clear() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice)
    bob.api.channelSetAttr("room", "a", "1")
    bob.api.channelClearAttr("room")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelAttrUpdated", ("room", "a", "1", "update")),
        ("onChannelAttrUpdated", ("room", "", "", "clear")),
    ]


@pytest.mark.parametrize(
    ("args", "code", "desc"),
    [
        (("", "k", "v"), 1004, "invalid channel name"),
        (("room", "", "v"), 1004, "invalid attribute name"),
        (("room", "k" * 129, "v"), 1005, "invalid attribute name"),
        (("room", "k", "v" * 8097), 1005, "attribute value too long"),
    ],
)
def test_a4_channel_attribute_errors(args: tuple[str, str, str], code: int, desc: str) -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.channelSetAttr(*args)
    world.run_until_idle()
    assert alice.take() == [("onError", ("channelSetAttr", code, desc))]


def test_a4_not_logged_in() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.channelSetAttr("room", "k", "v")
    alice.api.channelDelAttr("room", "k")
    alice.api.channelClearAttr("room")
    world.run_until_idle()
    assert alice.take() == [
        ("onError", (method, 1003, NOT_LOGGED_IN))
        for method in ("channelSetAttr", "channelDelAttr", "channelClearAttr")
    ]


def _attrs_seen_on_join(world_wait: float, touch_at: float | None = None) -> list[str]:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice)
    alice.api.channelSetAttr("room", "k", "v")
    alice.api.channelLeave("room")  # the channel is empty from now on
    if touch_at is not None:
        world.advance(touch_at)
        alice.api.channelSetAttr("room", "k2", "v2")
        world_wait -= touch_at
    world.advance(world_wait)
    bob.api.channelJoin("room")
    world.run_until_idle()
    return [e[1][1] for e in bob.take() if e[0] == "onChannelAttrUpdated"]  # type: ignore[misc]


def test_a5_attributes_of_an_empty_channel_expire_after_120_s() -> None:
    assert _attrs_seen_on_join(119.9) == ["k"]
    assert _attrs_seen_on_join(120) == []


def test_a5_a_change_while_empty_restarts_the_countdown() -> None:
    assert _attrs_seen_on_join(200, touch_at=100) == ["k", "k2"]
    assert _attrs_seen_on_join(220, touch_at=100) == []


def test_a6_a7_own_attributes() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.setAttr("b", "2")
    alice.api.setAttr("a", "é")
    alice.api.setAttr("gone", "x")
    alice.api.setAttr("gone", "")
    alice.api.getAttr("a")
    alice.api.getAttr("gone")
    alice.api.getAttrAll()
    world.run_until_idle()
    assert alice.take() == [
        ("onUserAttrResult", ("alice", "a", "é")),
        ("onUserAttrResult", ("alice", "gone", "")),
        ("onUserAttrAllResult", ("alice", '{"a":"é","b":"2"}')),
    ]


def test_a6_errors() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.setAttr("", "v")
    alice.api.setAttr("k", "v" * 8097)
    alice.api.getAttr("")
    world.run_until_idle()
    assert alice.take() == [
        ("onError", ("setAttr", 1004, "invalid attribute name")),
        ("onError", ("setAttr", 1005, "attribute value too long")),
        ("onError", ("getAttr", 1004, "invalid attribute name")),
    ]


def test_a8_other_users_attributes() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    alice.api.setAttr("color", "red")
    bob.api.getUserAttr("alice", "color")
    bob.api.getUserAttr("alice", "size")
    bob.api.getUserAttrAll("alice")
    bob.api.getUserAttr("carol", "color")
    bob.api.getUserAttrAll("carol")
    bob.api.getUserAttrAll("c a r o l")
    world.run_until_idle()
    assert bob.take() == [
        ("onUserAttrResult", ("alice", "color", "red")),
        ("onUserAttrResult", ("alice", "size", "")),
        ("onUserAttrAllResult", ("alice", '{"color":"red"}')),
        ("onUserAttrResult", ("carol", "color", "")),
        ("onUserAttrAllResult", ("carol", "{}")),
        ("onError", ("getUserAttrAll", 1004, "invalid account")),
    ]


def test_a9_attributes_are_cleared_when_the_session_ends() -> None:
    world = new_world()
    alice = client(world, "alice")
    alice.api.setAttr("k", "v")
    alice.api.logout()
    alice.login()
    alice.api.getAttrAll()
    world.run_until_idle()
    assert alice.take()[-1] == ("onUserAttrAllResult", ("alice", "{}"))


# ------------------------------------------------------------------------- queries


def test_q1_user_status() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    world.drop_connection(bob.api)
    alice.api.queryUserStatus("bob")
    alice.api.queryUserStatus("carol")
    alice.api.queryUserStatus("")
    world.run_until_idle()
    assert alice.take() == [
        ("onQueryUserStatusResult", ("bob", "1")),
        ("onQueryUserStatusResult", ("carol", "0")),
        ("onError", ("queryUserStatus", 1004, "invalid account")),
    ]


def test_q2_user_num() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.channelQueryUserNum("room")
    alice.api.channelQueryUserNum("void")
    alice.api.channelQueryUserNum("")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelQueryUserNumResult", ("room", 0, 2)),
        ("onChannelQueryUserNumResult", ("void", 0, 0)),
        ("onChannelQueryUserNumResult", ("", 500, 0)),
    ]
    outsider = client(world, "carol", login=False)
    outsider.api.channelQueryUserNum("room")
    world.run_until_idle()
    assert outsider.take() == [("onChannelQueryUserNumResult", ("room", 500, 0))]


def test_q3_user_is_in() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", bob)
    alice.api.channelQueryUserIsIn("room", "bob")
    alice.api.channelQueryUserIsIn("room", "alice")
    alice.api.channelQueryUserIsIn("room", "a b")
    world.run_until_idle()
    assert alice.take() == [
        ("onChannelQueryUserIsIn", ("room", "bob", 1)),
        ("onChannelQueryUserIsIn", ("room", "alice", 0)),
        ("onError", ("channelQueryUserIsIn", 1004, "invalid account")),
    ]


# -------------------------------------------------------------------------- invoke


def _invoke(name: str, req: str) -> tuple[str, str]:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    bob.api.setAttr("color", "red")
    alice.api.invoke(name, req, "call-1")
    world.run_until_idle()
    (entry,) = alice.take()
    assert entry[0] == "onInvokeRet"
    call_id, err, resp = entry[1]
    assert call_id == "call-1"
    return err, resp  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("name", "req", "resp"),
    [
        ("user_query_user_status", '{"account":"bob"}', '{"status":1}'),
        ("user_query_user_status", '{"account":"zed"}', '{"status":0}'),
        ("user_get_attr", '{"account":"bob","name":"color"}', '{"value":"red"}'),
        ("user_get_attr", '{"account":"bob","name":"size"}', '{"value":""}'),
        ("user_get_attr_all", '{"account":"bob"}', '{"color":"red"}'),
        ("channel_query_num", '{"name":"room"}', '{"num":2}'),
        ("channel_query_user_isin", '{"name":"room","account":"bob"}', '{"isin":1}'),
        ("channel_query_user_isin", '{"name":"room","account":"zed"}', '{"isin":0}'),
        ("channel_query_userlist_all", '{"name":"room","num":0}', '{"num":2,"list":[]}'),
    ],
)
def test_r1_r3_r4_r5_r6_r8_read_functions(name: str, req: str, resp: str) -> None:
    assert _invoke("io.agora.signal." + name, req) == ("", resp)


def test_r7_r8_user_lists() -> None:
    world = new_world()
    alice, bob = client(world, "alice"), client(world, "bob")
    joined(world, "room", alice, bob)
    alice.api.invoke("io.agora.signal.channel_query_userlist", '{"name":"room"}', "1")
    alice.api.invoke("channel_query_userlist_all", '{"name":"room","num":1}', "2")
    world.run_until_idle()
    full = f'{{"num":2,"list":[["alice",{alice.uid}],["bob",{bob.uid}]]}}'
    last = f'{{"num":2,"list":[["bob",{bob.uid}]]}}'
    assert alice.take() == [("onInvokeRet", ("1", "", full)), ("onInvokeRet", ("2", "", last))]


def test_r2_r9_writes_apply_before_the_reply() -> None:
    world = new_world()
    alice = client(world, "alice")
    joined(world, "room", alice)
    alice.api.invoke("io.agora.signal.user_set_attr", '{"name":"k","value":"v"}', "1")
    alice.api.invoke(
        "io.agora.signal.channel_set_attr", '{"channel":"room","name":"t","value":"x"}', "2"
    )
    alice.api.invoke("io.agora.signal.channel_del_attr", '{"channel":"room","name":"t"}', "3")
    alice.api.invoke("io.agora.signal.channel_clear_attr", '{"channel":"room"}', "4")
    alice.api.getAttrAll()
    world.run_until_idle()
    assert alice.take() == [
        ("onInvokeRet", ("1", "", "{}")),
        ("onChannelAttrUpdated", ("room", "t", "x", "update")),
        ("onInvokeRet", ("2", "", "{}")),
        ("onChannelAttrUpdated", ("room", "t", "", "del")),
        ("onInvokeRet", ("3", "", "{}")),
        ("onChannelAttrUpdated", ("room", "", "", "clear")),
        ("onInvokeRet", ("4", "", "{}")),
        ("onUserAttrAllResult", ("alice", '{"k":"v"}')),
    ]


@pytest.mark.parametrize(
    ("name", "req", "err"),
    [
        ("io.agora.signal.no_such_thing", "{}", "unknown_function"),
        ("io.agora.signal.channel_query_num", "{not json", "invalid_json"),
        ("io.agora.signal.channel_query_num", "[1]", "invalid_json"),
        ("io.agora.signal.channel_query_num", "{}", "invalid_param"),
        ("io.agora.signal.channel_query_num", '{"name":5}', "invalid_param"),
        ("io.agora.signal.channel_query_num", '{"name":""}', "invalid_param"),
        ("io.agora.signal.channel_query_userlist_all", '{"name":"r","num":-1}', "invalid_param"),
        ("io.agora.signal.channel_query_userlist_all", '{"name":"r","num":true}', "invalid_param"),
        ("io.agora.signal.user_set_attr", '{"name":"k","value":5}', "invalid_param"),
    ],
)
def test_r10_errors(name: str, req: str, err: str) -> None:
    assert _invoke(name, req) == (err, "")


def test_r10_not_logged_in_comes_first() -> None:
    world = new_world()
    alice = client(world, "alice", login=False)
    alice.api.invoke("io.agora.signal.no_such_thing", "{bad", "x")
    world.run_until_idle()
    assert alice.take() == [("onInvokeRet", ("x", "not_login", ""))]
