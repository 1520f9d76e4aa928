"""The real ``agora-signaling-sdk`` 1.0.2, unmodified, against ``sig2rtm serve --legacy-port``.

The SDK runs in its own virtualenv (``kit.build_legacy_sdk``) as a child process; it finds
the node through ``HTTP_PROXY`` (its LBS lookup is plain HTTP to ``lbs.sig.agora.io``) or
through its debug switch ``login(..., True, [(ip, port)])``. Every event asserted here is a
callback of the real SDK.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.wire.kit import WAIT, LegacyNode, PySdk

APP = "legacyapp"


@pytest.fixture
def sdk(legacy_sdk_python: Path, node: LegacyNode) -> Iterator[PySdk]:
    client = PySdk(legacy_sdk_python, env={"HTTP_PROXY": f"http://127.0.0.1:{node.legacy_port}"})
    yield client
    client.close()


def _login(sdk: PySdk, who: str, account: str, ap: list[object] | None = None) -> dict[str, object]:
    sdk.do("login", who, app=APP, account=account, ap=ap)
    return sdk.expect(who, "login_success")


def test_login_peer_messages_both_ways_and_logout(sdk: PySdk) -> None:
    a = _login(sdk, "a", "alice")
    b = _login(sdk, "b", "bob")
    assert a["line"] and b["line"] and a["uid"] != b["uid"]
    sdk.do("send", "a", to="bob", msg="hello bob", tag="1")
    sdk.expect("a", "send_ok", tag="1")
    assert sdk.expect("b", "msg")["msg"] == "hello bob"
    sdk.do("send", "b", to="alice", msg="hi alice, ünïcode and spaces", tag="2")
    got = sdk.expect("a", "msg")
    assert (got["account"], got["uid"], got["msg"]) == ("bob", 0, "hi alice, ünïcode and spaces")
    sdk.do("logout", "a")
    assert sdk.expect("a", "logout")["code"] == 101
    sdk.do("query", "b", account="alice")
    assert sdk.expect("b", "status", account="alice")["status"] == 0


def test_offline_message_arrives_at_the_next_login_and_relogin_works(sdk: PySdk) -> None:
    _login(sdk, "a", "alice")
    sdk.do("send", "a", to="carol", msg="while you were out", tag="off")
    sdk.expect("a", "send_ok", tag="off")
    _login(sdk, "c", "carol")
    assert sdk.expect("c", "msg")["msg"] == "while you were out"
    sdk.do("logout", "c")
    sdk.expect("c", "logout", code=101)
    _login(sdk, "c2", "carol")  # the same account again, a new LoginSession
    sdk.do("send", "a", to="carol", msg="welcome back", tag="back")
    assert sdk.expect("c2", "msg")["msg"] == "welcome back"


def test_channel_members_echo_attributes_and_leave(sdk: PySdk) -> None:
    _login(sdk, "a", "alice")
    _login(sdk, "b", "bob")
    sdk.do("join", "a", channel="room")
    sdk.expect("a", "joined", channel="room")
    assert sdk.expect("a", "user_list")["users"] == ["alice"]
    sdk.do("set_attr", "a", name="topic", value="weather")
    sdk.expect("a", "attr", name="topic", value="weather", type="update")
    sdk.do("set_attr", "a", name="gone", value="soon")
    sdk.expect("a", "attr", name="gone", type="update")
    sdk.do("del_attr", "a", name="gone")
    sdk.expect("a", "attr", name="gone", type="del")
    sdk.do("join", "b", channel="room")
    sdk.expect("b", "joined", channel="room")
    assert sorted(sdk.expect("b", "user_list")["users"]) == ["alice", "bob"]
    # attributes come with the join reply: one update per attribute, the deleted one absent
    assert sdk.expect("b", "attr")["name"] == "topic"
    sdk.expect("a", "user_joined", account="bob")
    sdk.do("chansend", "b", msg="hello room")
    assert sdk.expect("b", "channel_msg")["msg"] == "hello room"  # the echo to the sender
    assert sdk.expect("a", "channel_msg")["account"] == "bob"
    sdk.do("clear_attr", "b")
    sdk.expect("a", "attr", type="clear")
    sdk.expect("b", "attr", type="clear")
    sdk.do("leave", "b")
    sdk.expect("b", "left", code=602)
    sdk.expect("a", "user_left", account="bob")
    sdk.do("force_send", "b", channel="room", msg="from outside")
    assert sdk.expect("b", "force_sent")["result"] == "ok"
    assert sdk.expect("a", "channel_msg")["msg"] == "from outside"
    assert not sdk.seen("b", "attr"), "no attribute events after leaving"
    assert not sdk.seen("b", "channel_msg"), "no channel events after leaving"


def test_invitation_accept_refuse_and_end(sdk: PySdk) -> None:
    _login(sdk, "a", "alice")
    _login(sdk, "b", "bob")
    sdk.do("invite", "a", channel="call1", peer="bob", extra='{"k":1}')
    assert sdk.expect("b", "invite_received", channel="call1")["extra"] == '{"k":1}'
    sdk.expect("a", "invite_received_by_peer", channel="call1")
    sdk.do("accept", "b", channel="call1", peer="alice")
    sdk.expect("a", "invite_accepted", channel="call1", peer="bob")
    sdk.do("end", "a", channel="call1", peer="bob")
    sdk.expect("a", "invite_end_by_myself", channel="call1")
    sdk.expect("b", "invite_end_by_peer", channel="call1", peer="alice")
    sdk.do("invite", "a", channel="call2", peer="bob", extra="")
    sdk.expect("b", "invite_received", channel="call2")
    sdk.do("refuse", "b", channel="call2", peer="alice")
    sdk.expect("a", "invite_refused", channel="call2", peer="bob")


def test_status_query_ext_call_and_raw_invoke(sdk: PySdk) -> None:
    _login(sdk, "a", "alice")
    _login(sdk, "b", "bob")
    sdk.do("query", "a", account="bob")
    assert sdk.expect("a", "status", account="bob") == {
        "who": "a",
        "ev": "status",
        "account": "bob",
        "error": "",
        "status": 1,
    }
    sdk.do("ext", "a", func="anything", args="{}")
    assert sdk.expect("a", "ext")["error"] == "not supported"
    sdk.do("join", "b", channel="counted")
    sdk.expect("b", "joined")
    sdk.do("raw", "a", func="channel_query_num", args={"name": "counted"})
    reply = sdk.expect("a", "raw", func="channel_query_num")
    assert (reply["error"], reply["data"]["result"], reply["data"]["num"]) == ("", "ok", 1)
    sdk.do("raw", "a", func="no_such_function", args={})
    reply = sdk.expect("a", "raw", func="no_such_function")
    assert reply["error"] == "unknown_function" and reply["data"]["result"] == "failed"


def test_a_second_login_kicks_the_first(sdk: PySdk) -> None:
    _login(sdk, "a1", "alice")
    _login(sdk, "b", "bob")
    _login(sdk, "a2", "alice")
    sdk.do("send", "b", to="alice", msg="who gets this", tag="k")
    assert sdk.expect("a2", "msg")["msg"] == "who gets this"
    # SDK 1.0.2 ignores the kick frame and marks the session LOGOUT when the link closes
    # (its code never calls on_logout there): the closed connection is what it sees.
    deadline = time.monotonic() + WAIT
    state = 2
    while state == 2 and time.monotonic() < deadline:  # LOGINED until the close arrives
        sdk.do("state", "a1")
        state = sdk.expect("a1", "state")["state"]
        time.sleep(0.02)
    assert state == 3, "LoginSessionState.LOGOUT"
    assert not sdk.seen("a1", "msg")


def test_the_debug_access_point_switch_needs_no_proxy(
    legacy_sdk_python: Path, node: LegacyNode
) -> None:
    sdk = PySdk(legacy_sdk_python)  # no HTTP_PROXY: the LBS is never asked
    try:
        ap = ["127.0.0.1", node.legacy_port]
        _login(sdk, "a", "alice", ap)
        _login(sdk, "b", "bob", ap)
        sdk.do("send", "a", to="bob", msg="direct", tag="d")
        assert sdk.expect("b", "msg")["msg"] == "direct"
    finally:
        sdk.close()
