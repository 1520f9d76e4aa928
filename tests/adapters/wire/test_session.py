"""The legacy wire protocol spoken by a client of our own, written from the wire note: the
Web SDK's frames (1.3.0 and 1.4.0) and every error path, against ``serve --legacy-port``."""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed, InvalidStatus

from adapters.wire.lines import parse_line
from legacy_signaling.tokens import build_legacy_token
from tests.adapters.wire.kit import LegacyNode, WireClient

APP = "webapp"


@pytest.fixture(scope="module")
def shared_node() -> Iterator[LegacyNode]:
    n = LegacyNode()
    yield n
    n.close()


def _client(node: LegacyNode, account: str | None = None) -> WireClient:
    client = WireClient(f"ws://127.0.0.1:{node.legacy_port}/")
    if account is not None:
        assert client.login(APP, account)["result"] == "ok"
    return client


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _raw_http(port: int, request_line: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{request_line}\r\nHost: lbs.sig.agora.io\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.decode()


def _closed_with(client: WireClient) -> tuple[Any, int | None]:
    """The ``close`` frame the server sent, and the WebSocket close code after it."""
    frame = client.next("close")
    with pytest.raises(ConnectionClosed) as info:
        client.recv(10)
    return frame, info.value.rcvd.code if info.value.rcvd else None


# --- the LBS lookup ------------------------------------------------------------------


def test_lbs_answers_with_this_port_and_cors(shared_node: LegacyNode) -> None:
    status, headers, body = _get(f"{shared_node.legacy_url}/getaddr?vid={APP}")
    assert status == 200
    assert json.loads(body) == {"web": [["127.0.0.1", shared_node.legacy_port]], "web2": []}
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_lbs_answers_the_http_proxy_form(shared_node: LegacyNode) -> None:
    text = _raw_http(
        shared_node.legacy_port, f"GET http://lbs.sig.agora.io/getaddr?vid={APP} HTTP/1.1"
    )
    head, _, body = text.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200")
    assert json.loads(body)["web"] == [["127.0.0.1", shared_node.legacy_port]]


def test_lbs_refuses_a_lookup_without_app_id_and_other_paths(shared_node: LegacyNode) -> None:
    status, _, body = _get(f"{shared_node.legacy_url}/getaddr")
    assert status == 400 and b"vid" in body
    assert _get(f"{shared_node.legacy_url}/elsewhere")[0] == 404
    assert _get(f"{shared_node.legacy_url}/healthz")[0] == 200


def test_legacy_host_names_the_address_to_advertise() -> None:
    node = LegacyNode("--legacy-host", "sig.example.test")
    try:
        _, _, body = _get(f"{node.legacy_url}/getaddr?vid=x")
        assert json.loads(body)["web"] == [["sig.example.test", node.legacy_port]]
    finally:
        node.close()


# --- Web SDK 1.3.0 frames ------------------------------------------------------------


def test_login_ping_and_an_empty_mailbox(shared_node: LegacyNode) -> None:
    client = _client(shared_node)
    body = client.login(APP, "w-alice")
    assert body["result"] == "ok" and body["line"] and isinstance(body["uid"], int)
    client.send("ping", 1)
    assert client.next("pong") == ["pong", 1]
    err, reply = client.call("user_getmsg", ver_clear=0, max=30)
    assert (err, reply) == ("", {"result": "ok", "ver_clear": 0, "msgs": []})
    client.close()


def test_peer_messages_go_through_the_versioned_mailbox(shared_node: LegacyNode) -> None:
    alice, bob = _client(shared_node, "w-alice2"), _client(shared_node, "w-bob2")
    for text in ("one", "two with spaces"):
        err, reply = alice.call(
            "user_sendmsg", peer="w-bob2", flag="v1:E:3600", t="instant", content=text
        )
        assert (err, reply["result"]) == ("", "ok")
    assert bob.notify("msg") == ["msg", 1]
    assert bob.notify("msg") == ["msg", 2]
    _, reply = bob.call("user_getmsg", ver_clear=0, max=30)
    assert [m[0] for m in reply["msgs"]] == [1, 2]
    lines = [parse_line(m[1]) for m in reply["msgs"]]
    assert [(x.src, x.dst, x.kind, x.content) for x in lines] == [
        ("w-alice2", "w-bob2", "instant", "one"),
        ("w-alice2", "w-bob2", "instant", "two with spaces"),
    ]
    _, reply = bob.call("user_getmsg", ver_clear=1, max=30)
    assert [m[0] for m in reply["msgs"]] == [2], "ver_clear acknowledges up to 1"
    _, reply = bob.call("user_getmsg", ver_clear=2, max=30)
    assert reply == {"result": "ok", "ver_clear": 2, "msgs": []}
    alice.close()
    bob.close()


def test_channel_join_events_echo_attributes_and_growing_msgids(shared_node: LegacyNode) -> None:
    alice, bob = _client(shared_node, "w-alice3"), _client(shared_node, "w-bob3")
    err, reply = alice.call("channel_join", name="w-room")
    assert (err, reply) == (
        "",
        {"result": "ok", "list": [["w-alice3", reply["list"][0][1]]], "attrs": {}},
    )
    err, reply = alice.call("channel_set_attr", channel="w-room", name="k", value="v")
    assert (err, reply["result"]) == ("", "ok")
    _, reply = bob.call("channel_join", name="w-room")
    assert sorted(m[0] for m in reply["list"]) == ["w-alice3", "w-bob3"]
    assert reply["attrs"] == {"k": "v"}
    ids = []
    event = alice.notify("channel2")  # the attribute update
    ids.append(event[2])
    assert json.loads(parse_line(event[3]).content)["type"] == "update"
    event = alice.notify("channel2")
    ids.append(event[2])
    assert parse_line(event[3]).kind == "channel_user_join"
    err, _ = bob.call("channel_sendmsg", name="w-room", msg="hi all")
    assert err == ""
    for client in (alice, bob):
        event = client.notify("channel2")
        line = parse_line(event[3])
        assert line.kind == "channel_msg"
        assert json.loads(line.content) == {
            "channel": "w-room",
            "account": "w-bob3",
            "uid": json.loads(line.content)["uid"],
            "msg": "hi all",
        }
        if client is alice:
            ids.append(event[2])
    assert ids == sorted(ids) and len(set(ids)) == 3, "msgid grows per channel"
    _, reply = alice.call("channel_query_num", name="w-room")
    assert reply == {"result": "ok", "num": 2}
    err, _ = bob.call("channel_leave", name="w-room")
    assert err == ""
    assert parse_line(alice.notify("channel2")[3]).kind == "channel_user_leave"
    err, reply = bob.call("channel_leave", name="w-room")
    assert err and reply["result"] == "failed" and reply["data"]["result"] == err
    alice.close()
    bob.close()


def test_invitation_signals_and_dtmf_are_mailed(shared_node: LegacyNode) -> None:
    alice, bob = _client(shared_node, "w-alice4"), _client(shared_node, "w-bob4")

    def mailed(client: WireClient) -> tuple[str, dict[str, Any]]:
        ver = client.notify("msg")[1]
        _, reply = client.call("user_getmsg", ver_clear=ver - 1, max=30)
        line = parse_line(reply["msgs"][0][1])
        return line.kind, json.loads(line.content)

    assert alice.call("voip_invite", channelName="ch", peer="w-bob4", extra="")[0] == ""
    kind, content = mailed(bob)
    assert (kind, content["channel"], content["peer"]) == ("voip_invite", "ch", "w-alice4")
    assert bob.call("voip_invite_ack", channelName="ch", peer="w-alice4", extra="")[0] == ""
    assert mailed(alice)[0] == "voip_invite_ack"
    assert bob.call("voip_invite_accept", channelName="ch", peer="w-alice4", extra="")[0] == ""
    assert mailed(alice)[0] == "voip_invite_accept"
    dtmf = json.dumps({"msgtype": "dtmf", "msgdata": "12#"})
    assert alice.call("voip_invite_msg", channelName="ch", peer="w-bob4", extra=dtmf)[0] == ""
    kind, content = mailed(bob)
    assert kind == "voip_invite_msg"
    assert json.loads(content["extra"]) == {"msgtype": "dtmf", "msgdata": "12#"}
    assert bob.call("voip_invite_bye", channelName="ch", peer="w-alice4", extra="")[0] == ""
    assert mailed(alice)[0] == "voip_invite_bye"
    _, reply = alice.call("user_query_user_status", account="w-bob4")
    assert reply == {"result": "ok", "status": 1}
    err, reply = alice.call("user_logout")
    assert (err, reply["result"]) == ("", "ok")
    _, reply = bob.call("user_query_user_status", account="w-alice4")
    assert reply["status"] == 0
    alice.close()
    bob.close()


# --- Web SDK 1.4.0 frames ------------------------------------------------------------


def test_set_flag_multi_and_binary_frames(shared_node: LegacyNode) -> None:
    client = _client(shared_node, "w-carol")
    client.send("set_flag", {"binary": 1})
    client.send("multi", [["ping", 7], ["ping", 8]])
    assert client.next("pong") == ["pong", 7]
    assert client.next("pong") == ["pong", 8]
    client.send_raw(zlib.compress(json.dumps(["ping", 9]).encode()))
    assert client.next("pong") == ["pong", 9], "replies stay text frames"
    client.close()


def test_a_second_login_kicks_the_first_connection(shared_node: LegacyNode) -> None:
    first = _client(shared_node, "w-dave")
    second = _client(shared_node, "w-dave")
    assert first.next("kick")[0] == "kick"
    frame, code = _closed_with(first)
    assert "elsewhere" in frame[1] and code == 1000
    second.send("ping", 1)
    assert second.next("pong") == ["pong", 1]
    second.close()


# --- errors --------------------------------------------------------------------------


def test_calls_before_login_with_a_wrong_line_or_unknown_function_are_refused(
    shared_node: LegacyNode,
) -> None:
    client = _client(shared_node)
    client.send("call2", ["user_getmsg", 1, {"line": "x", "ver_clear": 0}])
    frame = client.next("call2-ret")
    assert frame[1][:2] == [1, "not_login"]
    assert json.loads(frame[1][2])["result"] == "failed", "always a JSON text"
    assert client.login(APP, "w-erin")["result"] == "ok"
    client.send("call2", ["user_getmsg", 2, {"line": "not-mine", "ver_clear": 0}])
    assert client.next("call2-ret")[1][:2] == [2, "invalid_line"]
    err, reply = client.call("no_such_function")
    assert err == "unknown_function" and reply["reason"] == "unknown_function"
    err, reply = client.call("user_sendmsg", content="no peer")
    assert err.startswith("invalid_param") and reply["data"]["result"] == err
    err, _ = client.call("user_getmsg2", max=30)
    assert "not supported" in err
    client.send("line_login", {"line": client.line})
    assert json.loads(client.next("login_ret")[1][1])["result"] == "failed"
    client.close()


def test_a_login_refused_by_the_shim_says_why_then_closes(shared_node: LegacyNode) -> None:
    client = _client(shared_node)
    body = client.login(APP, "has space")
    assert body == {"result": "failed", "reason": "wrong account"}
    with pytest.raises(ConnectionClosed) as info:
        client.recv(10)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1000


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "{}",
        '["login"]',
        '["nope", 1]',
        '["ping", "x"]',
        '["call2", [1, 2]]',
        b"\xff\x00",
    ],
)
def test_a_malformed_frame_closes_with_a_reason(
    shared_node: LegacyNode, message: str | bytes
) -> None:
    client = _client(shared_node, "w-frank")
    client.send_raw(message)
    frame, code = _closed_with(client)
    assert frame[0] == "close" and frame[1] and code == 1008


def test_too_many_refused_calls_close_the_connection(shared_node: LegacyNode) -> None:
    client = _client(shared_node, "w-gina")
    for callid in range(100):
        client.send("call2", ["user_getmsg", callid, {"line": "wrong"}])
    frame, code = _closed_with(client)
    assert frame[1] == "too many invalid frames" and code == 1008


def test_the_legacy_port_reports_in_metrics(shared_node: LegacyNode) -> None:
    client = _client(shared_node, "w-hank")
    client.send("ping", 1)
    client.next("pong")
    client.close()
    _, _, body = _get(f"{shared_node.legacy_url}/metrics")
    text = body.decode()
    for name in (
        "rtm_legacy_connections_total",
        'rtm_legacy_logins_total{result="ok"}',
        'rtm_legacy_frames_received_total{cmd="ping"}',
        "rtm_legacy_frames_sent_total",
        "rtm_legacy_lbs_requests_total",
        "rtm_legacy_sessions",
    ):
        assert name in text, name


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
_frames = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64),
    _json.map(json.dumps),
    st.tuples(
        st.sampled_from(["login", "ping", "call2", "set_flag", "line_login", "multi", "x"]), _json
    ).map(lambda t: json.dumps(list(t))),
    st.tuples(st.text(max_size=20), st.integers(), _json).map(
        lambda t: json.dumps(["call2", [t[0], t[1], {"line": "?", "arg": t[2]}]])
    ),
)


@settings(max_examples=40)
@given(message=_frames)
def test_any_frame_gets_a_legacy_answer_or_a_close_never_a_crash(
    shared_node: LegacyNode, message: str | bytes
) -> None:
    client = _client(shared_node, "w-fuzz")
    seen: list[Any] = []
    try:
        client.send_raw(message)
        with contextlib.suppress(ConnectionClosed):
            client.send("ping", 424242)  # the server may have closed already
        while True:
            try:
                frame = client.recv(10)
            except ConnectionClosed as closed:
                # closed: only after saying why, with a policy close
                assert [f[0] for f in seen][-1:] == ["close"], seen
                assert closed.rcvd is not None and closed.rcvd.code == 1008
                break
            seen.append(frame)
            if frame[0] == "call2-ret":
                assert isinstance(json.loads(frame[1][2]), dict), "always a JSON text"
            if frame == ["pong", 424242]:
                break  # still serving after the frame
    finally:
        client.close()
    assert not [line for line in shared_node.log if "Traceback" in line]


def test_the_node_limits_apply_to_the_legacy_port() -> None:
    node = LegacyNode("--connections-per-ip", "1", "--max-frame-bytes", "1000")
    try:
        first = _client(node, "w-limits")
        with pytest.raises(InvalidStatus, match="429"):
            WireClient(f"ws://127.0.0.1:{node.legacy_port}/")
        first.send_raw(json.dumps(["ping", 1]) + " " * 2000)
        frame, code = _closed_with(first)
        assert frame[1] == "frame too large" and code == 1008
    finally:
        node.close()


def test_token_failures_carry_the_reasons_the_web_sdk_maps_to_codes() -> None:
    """An app with a certificate: a good legacy token logs in; a wrong one is refused with
    ``TokenErrorInvalid`` (Web SDK: 206) and an expired one with ``TokenErrorExpired`` (204)."""
    app, certificate = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
    node = LegacyNode("--app-certificates", f"{app}:{certificate}")
    try:
        future, past = int(time.time()) + 3600, int(time.time()) - 10
        cases = [
            (build_legacy_token("w-tok", app, certificate, future), {"result": "ok"}),
            ("_no_need_token", {"result": "failed", "reason": "TokenErrorInvalid"}),
            (build_legacy_token("w-tok", app, "0" * 32, future), {"reason": "TokenErrorInvalid"}),
            (build_legacy_token("w-tok", app, certificate, past), {"reason": "TokenErrorExpired"}),
        ]
        for token, expected in cases:
            client = WireClient(f"ws://127.0.0.1:{node.legacy_port}/")
            body = client.login(app, "w-tok", token)
            assert expected.items() <= body.items(), (token, body)
            client.close()
    finally:
        node.close()


def test_joining_another_channel_moves_the_connection_there(shared_node: LegacyNode) -> None:
    alice, bob = _client(shared_node, "w-mover"), _client(shared_node, "w-stayer")
    assert alice.call("channel_join", name="w-first")[0] == ""
    assert bob.call("channel_join", name="w-second")[0] == ""
    err, reply = alice.call("channel_join", name="w-second")  # leaves w-first on the way
    assert err == "" and sorted(m[0] for m in reply["list"]) == ["w-mover", "w-stayer"]
    assert bob.call("channel_sendmsg", name="w-second", msg="still here?")[0] == ""
    event = alice.notify("channel2")
    assert event[1] == "w-second" and parse_line(event[3]).kind == "channel_msg"
    assert alice.call("channel_leave", name="w-second")[0] == "", "in w-second, not in none"
    alice.close()
    bob.close()
