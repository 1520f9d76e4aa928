"""Every RTS engine method with its codes, embedded and over a gateway (fixture ``rts``)."""

from __future__ import annotations

import json

import pytest

import rtm
from adapters.rts import (
    LoginErrorCode,
    RTSDestroyedError,
    UserMessageSendResult,
    UserOnlineStatus,
    createRTS,
)
from adapters.rts.limits import MAX_MESSAGE_BYTES
from adapters.rts.ops import SDK_VERSION
from rtm.tokens import build_rtm_token
from tests.adapters.rts.kit import RTS_APP, RTS_APP_AS_RTM, EngineHandler, Rts
from tests.rtm.kit import CERT, World

U = UserMessageSendResult


def test_login_reports_uid_code_and_elapsed(rts: Rts) -> None:
    engine = rts.engine("alice")
    assert engine.login("any-token", "alice") == 0
    assert rts.trace.of("alice") == []  # never inside the call
    rts.world.advance(0.0)
    rts.world.run()
    assert rts.args("alice", "onLoginResult") == [("alice", 0, 0)]
    assert rts.args("alice", "onConnectionStateChanged") == [(2,), (3,)]
    assert rts.args("alice", "onNetworkTypeChanged") == [(1,)]


def test_login_refusals(rts: Rts) -> None:
    engine = rts.engine("alice")
    assert engine.login("", "alice") == -1  # no certificate: any non-empty token, not ""
    assert engine.login("t", "") == -1
    assert engine.login("t", "with space") == -1
    assert engine.login("t", "x" * 65) == -1  # longer than an RTM ID can be
    assert engine.login("t", "a.b-c_d@e") == 0
    assert engine.login("t", "a.b-c_d@e") == -2
    rts.world.run()
    assert rts.args("alice", "onLoginResult") == [("a.b-c_d@e", 0, 0)]
    with pytest.raises(TypeError, match="uid must be str"):
        engine.login("t", 5)  # type: ignore[arg-type]


def test_logout_and_duplicate_login(rts: Rts) -> None:
    first, second = rts.engine("first"), rts.engine("second")
    assert first.logout() == -3  # not logged in
    assert first.login("t", "same") == 0
    rts.world.run()
    assert second.login("t", "same") == 0
    rts.world.run()
    assert rts.args("first", "onLogout") == [(1,)]  # DUPLICATE_LOGIN
    assert rts.args("first", "onConnectionStateChanged")[-1] == (7,)  # FAILED
    assert rts.args("second", "onLoginResult") == [("same", 0, 0)]
    # the kicked engine can log in again (it logged out of RTM by itself)
    assert second.logout() == 0
    rts.world.run()
    assert rts.args("second", "onLogout") == [(0,)]
    assert rts.args("second", "onConnectionStateChanged")[-1] == (1,)
    assert first.login("t", "same") == 0
    rts.world.run()
    assert rts.args("first", "onLoginResult")[-1] == ("same", 0, 0)
    assert rts.args("first", "onLogout") == [(1,)]  # the quiet RTM logout reported nothing


def test_certificate_tokens_and_update_login_token() -> None:
    world = World(rtm.ServiceConfig(app_certificates={RTS_APP_AS_RTM: CERT}))
    try:
        kit = Rts(world)
        engine = kit.engine("alice")
        assert engine.login("not-a-token", "alice") == 0
        world.run()
        invalid = int(LoginErrorCode.LOGIN_ERROR_CODE_INVALID_TOKEN)
        assert kit.args("alice", "onLoginResult") == [("alice", invalid, 0)]
        token = build_rtm_token(RTS_APP_AS_RTM, CERT, "alice", 0, now=world.now)
        assert engine.updateLoginToken("") == -2
        assert engine.updateLoginToken(token) == 0  # logs in again by itself
        world.run()
        assert kit.args("alice", "onLoginResult")[-1] == ("alice", 0, 0)
        assert engine.updateLoginToken(token) == 0  # renewal of the live session
        world.run()
        assert kit.args("alice", "onLoginResult")[-1] == ("alice", 0, 0)
        kit.close()
    finally:
        world.close()


def test_app_ids() -> None:
    world = World()
    try:
        handler = EngineHandler(world.trace, "x")
        engine = createRTS(RTS_APP, handler, core=world.core)
        assert engine.rtm_app_id == RTS_APP_AS_RTM
        other = createRTS(RTS_APP_AS_RTM, handler, core=world.core)
        assert other is not engine and other.rtm_app_id == RTS_APP_AS_RTM
        for bad in ("", "xyz", "g" * 24, RTS_APP + "0"):
            with pytest.raises(ValueError, match="app_id"):
                createRTS(bad, handler, core=world.core)
        with pytest.raises(ValueError, match="rtc_naming"):
            createRTS(RTS_APP, handler, {"sig2rtm.rtc_naming": "yes"}, core=world.core)
        engine.destroyRTS()
        other.destroyRTS()
    finally:
        world.close()


def test_engine_local_calls(rts: Rts) -> None:
    engine = rts.engine("alice")
    assert engine.getSdkVersion() == SDK_VERSION
    assert engine.setBusinessId("tag.1-a_b@c") == 0
    assert engine.business_id == "tag.1-a_b@c"
    assert engine.setBusinessId("no spaces") == -6002
    assert engine.setRuntimeParameters('{"a": 1}') == 0
    assert engine.parameters["a"] == 1
    assert engine.setRuntimeParameters("[1]") == -2
    assert engine.setRuntimeParameters("{") == -2
    assert engine.setRuntimeParameters(json.dumps({"sig2rtm.rtc_naming": True})) == 0
    assert engine.rtc_naming is True
    replacement = EngineHandler(rts.trace, "replacement")
    assert engine.setRtsEventHandler(replacement) == 0
    assert engine.login("t", "alice") == 0
    rts.world.run()
    assert rts.args("replacement", "onLoginResult") == [("alice", 0, 0)]
    assert rts.args("alice", "onLoginResult") == []
    room = engine.createRoom("r1")
    assert room.joinRoom() == 0
    rts.world.run()
    assert engine.setBusinessId("later") == -6001  # in a room


def test_peer_messages_and_msgids(rts: Rts) -> None:
    alice, bob = rts.online("alice", "bob")
    assert alice.sendMessage("bob", "hello") == 1
    assert alice.sendBinaryMessage("bob", b"\x00\xff", 2) == 2
    assert alice.sendMessage("nobody", "x") == 3
    rts.world.run()
    assert rts.args("bob", "onMessageReceived") == [("alice", "hello")]
    assert rts.args("bob", "onBinaryMessageReceived") == [("alice", 2, b"\x00\xff")]
    results = dict(rts.args("alice", "onMessageSendResult"))
    assert results == {1: 0, 2: 0, 3: int(U.USER_MESSAGE_SEND_RESULT_NO_RECEIVER)}
    assert bob.sendMessage("alice", "one sequence per engine") == 1


def test_send_refusals(rts: Rts) -> None:
    (alice,) = rts.online("alice")
    assert alice.sendMessage("", "x") == -2
    assert alice.sendMessage("bad id", "x") == -2
    assert alice.sendMessage("bob", "x", 7) == -2  # not a MessageConfig
    too_big = alice.sendMessage("bob", "x" * (MAX_MESSAGE_BYTES + 1))
    core_cap = alice.sendBinaryMessage("bob", b"x" * (40 * 1024))  # over RTM's 32 KB
    logged_out = rts.engine("carol").sendMessage("alice", "x")
    rts.world.run()
    results = dict(rts.args("alice", "onMessageSendResult"))
    assert results[too_big] == U.USER_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH
    assert results[core_cap] == U.USER_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH
    assert rts.args("carol", "onMessageSendResult") == [
        (logged_out, U.USER_MESSAGE_SEND_RESULT_NOT_LOGIN)
    ]
    with pytest.raises(TypeError, match="message must be bytes"):
        alice.sendBinaryMessage("bob", "text")  # type: ignore[arg-type]


def test_peer_rate_is_100_per_second() -> None:
    rates = rtm.Rates(messages=rtm.Rate(1000, 1.0))
    world = World(rtm.ServiceConfig(limits=rtm.Limits(rates=rates)))
    try:
        kit = Rts(world)
        alice, _bob = kit.online("alice", "bob")
        ids = [alice.sendMessage("bob", str(i)) for i in range(101)]
        world.run()
        results = dict(kit.args("alice", "onMessageSendResult"))
        assert [results[i] for i in ids[:100]] == [0] * 100
        assert results[ids[100]] == U.USER_MESSAGE_SEND_RESULT_EXCEED_QPS
        world.advance(1.0)
        later = alice.sendMessage("bob", "later")
        world.run()
        assert dict(kit.args("alice", "onMessageSendResult"))[later] == 0
        kit.close()
    finally:
        world.close()


def test_get_peer_online_status(rts: Rts) -> None:
    alice, _bob = rts.online("alice", "bob")
    outsider = rts.engine("outsider")
    assert outsider.getPeerOnlineStatus("alice") == -3
    assert alice.getPeerOnlineStatus("bad id") == -2
    assert alice.getPeerOnlineStatus("bob") == 0
    assert alice.getPeerOnlineStatus("nobody") == 0
    assert alice.getPeerOnlineStatus("alice") == 0
    rts.world.run()
    S = UserOnlineStatus
    assert rts.args("alice", "onGetPeerOnlineStatus") == [
        ("bob", S.USER_ONLINE_STATUS_ONLINE),
        ("nobody", S.USER_ONLINE_STATUS_OFFLINE),
        ("alice", S.USER_ONLINE_STATUS_ONLINE),
    ]


def test_set_server_params(rts: Rts) -> None:
    engine = rts.engine("alice")
    assert engine.setServerParams("sig", "http://127.0.0.1:9/x") == 0
    rts.world.run()
    assert rts.args("alice", "onServerParamsSetResult") == [(105,)]  # not logged in
    assert engine.login("t", "alice") == 0
    rts.world.run()
    for signature, url in (("", "http://h/"), ("sig", "ftp://h/"), ("sig", "nonsense")):
        assert engine.setServerParams(signature, url) == 0
    assert engine.setServerParams("sig", "https://example.invalid/hook") == 0
    rts.world.run()
    assert rts.args("alice", "onServerParamsSetResult")[1:] == [(106,), (106,), (106,), (200,)]
    assert engine.server_params == ("sig", "https://example.invalid/hook")


def test_server_message_refusals(rts: Rts) -> None:
    engine = rts.engine("alice")
    first = engine.sendServerMessage("x")  # not logged in
    assert engine.login("t", "alice") == 0
    rts.world.run()
    second = engine.sendServerBinaryMessage(b"x")  # no server params
    engine.setServerParams("sig", "http://127.0.0.1:9/")
    third = engine.sendServerMessage("x" * (MAX_MESSAGE_BYTES + 1))
    rts.world.run()
    assert (first, second, third) == (1, 2, 3)
    results = {m: (e, a) for m, e, a in rts.args("alice", "onServerMessageSendResult")}
    assert results == {
        1: (U.USER_MESSAGE_SEND_RESULT_NOT_LOGIN, b""),
        2: (U.USER_MESSAGE_SEND_RESULT_SERVER_PARAMS_NOT_SET, b""),
        3: (U.USER_MESSAGE_SEND_RESULT_EXCEED_MAX_LENGTH, b""),
    }


def test_create_room_failures(rts: Rts) -> None:
    engine = rts.engine("alice")
    assert engine.createRoom("ok-room") is not None
    assert engine.createRoom("ok-room") is None
    assert engine.createRoom("bad room") is None
    assert engine.createRoom("r" * 129) is None
    rts.world.run()
    assert rts.args("alice", "onCreateRoomStateChanged") == [
        ("ok-room", -1013),
        ("bad room", -1007),
        ("r" * 129, -1007),
    ]


def test_destroy_rts(rts: Rts) -> None:
    alice, bob = rts.online("alice", "bob")
    room = rts.joined(alice, "r1", "alice/r1")
    alice.destroyRTS()
    rts.world.run()
    with pytest.raises(RTSDestroyedError):
        alice.sendMessage("bob", "x")
    with pytest.raises(RTSDestroyedError):
        room.sendRoomMessage("x")
    assert bob.getPeerOnlineStatus("alice") == 0
    rts.world.run()
    assert rts.args("bob", "onGetPeerOnlineStatus") == [("alice", 0)]
    assert "onLogout" not in rts.trace.names("alice")  # nothing after destroy


def test_server_message_rate_is_20_per_second(rts: Rts) -> None:
    (alice,) = rts.online("alice")
    alice.setServerParams("sig", "http://127.0.0.1:9/")
    ids = [alice.sendServerMessage(str(i)) for i in range(21)]
    rts.world.run()
    results = rts.args("alice", "onServerMessageSendResult")
    too_often = {m for m, e, _ in results if e == U.USER_MESSAGE_SEND_RESULT_EXCEED_QPS}
    assert too_often == {ids[20]}
