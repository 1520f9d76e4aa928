"""The Java-style object facade on a native provider: exact callback sequences per client.

Expected sequences follow docs/legacy-semantics.md (row ids in test names) seen through
the Java server SDK's callback classes (reference §2.3). Every callback object of one
client records under the client's account, so the order across its session, channel,
call and message callbacks is checked too.
"""

from __future__ import annotations

import logging

import attrs
import pytest

from legacy_signaling.identity import legacy_uid
from legacy_signaling.objects import (
    Call,
    CallCallback,
    Channel,
    ChannelCallback,
    LoginCallback,
    LoginSession,
    MessageCallback,
    Signal,
    SignalStatus,
    UserAttrCallback,
)
from legacy_signaling.objects.testing import NativeBackend, Recorded, recording
from legacy_signaling.tokens import NO_NEED_TOKEN

UID_A = legacy_uid("alice")
UID_B = legacy_uid("bob")

Entries = list[tuple[str, tuple[object, ...]]]


@attrs.define
class Env:
    backend: NativeBackend
    log: list[Recorded] = attrs.Factory(list)

    def signal(self) -> Signal:
        return Signal(self.backend.app_id, native_factory=self.backend.factory)

    def login(self, account: str, *, settle: bool = True) -> LoginSession:
        """Log ``account`` in; with ``settle``, deliver the login and clear its record."""
        session = self.signal().login(
            account, NO_NEED_TOKEN, recording(LoginCallback, self.log, account)
        )
        if settle:
            self.settle()
            self.take(account)
        return session

    def settle(self) -> None:
        self.backend.settle()

    def take(self, tag: str) -> Entries:
        taken = [(name, args) for each, name, args in self.log if each == tag]
        self.log[:] = [entry for entry in self.log if entry[0] != tag]
        return taken

    def channel_cb(self, tag: str) -> ChannelCallback:
        return recording(ChannelCallback, self.log, tag)

    def call_cb(self, tag: str) -> CallCallback:
        return recording(CallCallback, self.log, tag)

    def message_cb(self, tag: str) -> MessageCallback:
        return recording(MessageCallback, self.log, tag)

    def attr_cb(self, tag: str) -> UserAttrCallback:
        return recording(UserAttrCallback, self.log, tag)

    def joined(self, session: LoginSession, name: str) -> Channel:
        channel = session.channelJoin(name, self.channel_cb(session.account))
        self.settle()
        self.take(session.account)
        return channel


@pytest.fixture
def env(native_factory: NativeBackend) -> Env:
    return Env(native_factory)


# ------------------------------------------------------------------------- login (L)


def test_l1_login_success_and_java_status(env: Env) -> None:
    signal = env.signal()
    assert signal.getStatus() == 4
    session = signal.login("alice", NO_NEED_TOKEN, recording(LoginCallback, env.log, "alice"))
    assert signal.getStatus() == 1
    assert env.take("alice") == []  # never inside the call
    env.settle()
    assert env.take("alice") == [("onLoginSuccess", (session, UID_A))]
    assert (signal.getStatus(), session.getStatus(), session.uid) == (2, 2, UID_A)


def test_login_with_a_non_str_account_raises_and_records_nothing(env: Env) -> None:
    signal = env.signal()
    with pytest.raises(TypeError, match="account"):
        signal.login(42, NO_NEED_TOKEN, None)  # type: ignore[arg-type]
    assert (signal.sessions, signal.getStatus()) == ((), 4)


def test_l3_invalid_account_fails_with_209_and_status_3(env: Env) -> None:
    session = env.login("has space", settle=False)
    env.settle()
    assert env.take("has space") == [("onLoginFailed", (session, 209))]
    assert session.getStatus() == 3
    assert session.signal.getStatus() == 3


def test_l7_logout_leaves_the_channel_then_logs_out(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    channel = env.joined(alice, "lobby")
    env.joined(bob, "lobby")
    env.take("alice")
    alice.logout()
    env.settle()
    assert env.take("alice") == [
        ("onChannelLeaved", (alice, channel, 603)),
        ("onLogout", (alice, 101)),
    ]
    assert alice.getStatus() == SignalStatus.NOT_LOGIN
    assert channel.state == "leaved"
    bob_channel = bob._core.router.joined_channel
    assert env.take("bob") == [("onChannelUserLeaved", (bob, bob_channel, "alice", UID_A))]


def test_l8_logout_when_not_logged_in(env: Env) -> None:
    alice = env.login("alice")
    alice.logout()
    env.settle()
    env.take("alice")
    alice.logout()
    env.settle()
    assert env.take("alice") == [("onLogout", (alice, 108))]


def test_l6_second_login_of_an_account_kicks_the_first(env: Env) -> None:
    first = env.login("alice")
    channel = env.joined(first, "lobby")
    second = env.signal().login("alice", NO_NEED_TOKEN, recording(LoginCallback, env.log, "2nd"))
    env.settle()
    assert env.take("alice") == [
        ("onChannelLeaved", (first, channel, 601)),
        ("onLogout", (first, 103)),
    ]
    assert env.take("2nd") == [("onLoginSuccess", (second, UID_A))]


def test_requests_after_logout_are_answered_by_legacy_callbacks(env: Env) -> None:
    alice = env.login("alice")
    alice.logout()
    alice.messageInstantSend("bob", "too late", env.message_cb("alice"))
    channel = alice.channelJoin("lobby", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("onLogout", (alice, 101)),
        ("onMessageSendError", (alice, 400)),
        ("onChannelJoinFailed", (alice, channel, 300)),
    ]


# ------------------------------------------------------------------------- messages (P)


def test_p1_instant_message_and_ttl_overload(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    alice.messageInstantSend("bob", "hi", env.message_cb("alice"))
    alice.messageInstantSend("bob", "again", 60, env.message_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("onMessageSendSuccess", (alice,)),
        ("onMessageSendSuccess", (alice,)),
    ]
    assert env.take("bob") == [
        ("onMessageInstantReceive", (bob, "alice", 0, "hi")),
        ("onMessageInstantReceive", (bob, "alice", 0, "again")),
    ]
    assert alice._core.router.pending_messages == 0


def test_p3_bad_peer_gives_send_error(env: Env) -> None:
    alice = env.login("alice")
    alice.messageInstantSend("no such/ space", "hi", env.message_cb("alice"))
    alice.messageInstantSend("bob", "hi", None)  # no callback: nothing to report
    env.settle()
    assert env.take("alice") == [("onMessageSendError", (alice, 400))]


def test_message_instant_send_argument_errors_change_nothing(env: Env) -> None:
    alice = env.login("alice")
    with pytest.raises(ValueError, match="ttl"):
        alice.messageInstantSend("bob", "hi", -1, None)
    with pytest.raises(TypeError, match="bool"):
        alice.messageInstantSend("bob", "hi", True, None)
    with pytest.raises(TypeError, match="fourth"):
        alice.messageInstantSend("bob", "hi", env.message_cb("x"), env.message_cb("x"))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="msg"):
        alice.messageInstantSend("bob", 5, None)  # type: ignore[call-overload]
    env.settle()
    assert env.take("alice") == []
    assert alice._core.router.pending_messages == 0


# ------------------------------------------------------------------------- channels (CH, M, A)


def test_ch1_join_member_list_and_user_joined(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a = alice.channelJoin("lobby", env.channel_cb("alice"))
    assert lobby_a.state == "joining"
    env.settle()
    assert lobby_a.state == "joined"
    lobby_b = bob.channelJoin("lobby", env.channel_cb("bob"))
    env.settle()
    assert env.take("alice") == [
        ("onChannelJoined", (alice, lobby_a)),
        ("onChannelUserList", (alice, lobby_a, ["alice"], [UID_A])),
        ("onChannelUserJoined", (alice, lobby_a, "bob", UID_B)),
    ]
    assert env.take("bob") == [
        ("onChannelJoined", (bob, lobby_b)),
        ("onChannelUserList", (bob, lobby_b, ["alice", "bob"], [UID_A, UID_B])),
    ]


def test_m1_channel_chat_is_echoed_to_the_sender(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    lobby_b.messageChannelSend("hello", env.message_cb("bob"))
    lobby_a.messageChannelSend("hi bob")
    env.settle()
    assert env.take("bob") == [
        ("onMessageSendSuccess", (bob,)),
        ("onMessageChannelReceive", (bob, lobby_b, "bob", UID_B, "hello")),
        ("onMessageChannelReceive", (bob, lobby_b, "alice", UID_A, "hi bob")),
    ]
    assert env.take("alice") == [
        ("onMessageChannelReceive", (alice, lobby_a, "bob", UID_B, "hello")),
        ("onMessageChannelReceive", (alice, lobby_a, "alice", UID_A, "hi bob")),
    ]


def test_a1_a3_channel_attributes_reach_every_member(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    lobby_a.channelSetAttr("topic", "demo")
    lobby_a.channelDelAttr("topic")
    lobby_b.channelClearAttr()
    env.settle()
    for session, channel in ((alice, lobby_a), (bob, lobby_b)):
        assert env.take(session.account) == [
            ("onChannelAttrUpdated", (session, channel, "topic", "demo", "update")),
            ("onChannelAttrUpdated", (session, channel, "topic", "", "del")),
            ("onChannelAttrUpdated", (session, channel, "", "", "clear")),
        ]


def test_ch1_joiner_gets_existing_attributes_after_the_list(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a = env.joined(alice, "lobby")
    lobby_a.channelSetAttr("b", "2")
    lobby_a.channelSetAttr("a", "1")
    env.settle()
    lobby_b = bob.channelJoin("lobby", env.channel_cb("bob"))
    env.settle()
    assert env.take("bob") == [
        ("onChannelJoined", (bob, lobby_b)),
        ("onChannelUserList", (bob, lobby_b, ["alice", "bob"], [UID_A, UID_B])),
        ("onChannelAttrUpdated", (bob, lobby_b, "a", "1", "update")),
        ("onChannelAttrUpdated", (bob, lobby_b, "b", "2", "update")),
    ]


def test_ch5_leave(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    lobby_a.channelLeave()
    env.settle()
    assert env.take("alice") == [("onChannelLeaved", (alice, lobby_a, 0))]
    assert env.take("bob") == [("onChannelUserLeaved", (bob, lobby_b, "alice", UID_A))]
    assert lobby_a.state == "leaved"


def test_ch6_leaving_a_left_channel_reports_on_error(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    lobby.channelLeave()
    lobby.channelLeave()
    env.settle()
    assert env.take("alice") == [
        ("onChannelLeaved", (alice, lobby, 0)),
        ("onError", (alice, 1004, "channelLeave: not in this channel")),
    ]


def test_ch2_second_join_leaves_the_first_channel_object(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    room = alice.channelJoin("room", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("onChannelLeaved", (alice, lobby, 0)),
        ("onChannelJoined", (alice, room)),
        ("onChannelUserList", (alice, room, ["alice"], [UID_A])),
    ]
    assert (lobby.state, room.state) == ("leaved", "joined")


def test_ch3_ch4_join_failures_go_to_their_own_objects(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    again = alice.channelJoin("lobby", env.channel_cb("alice"))
    special = alice.channelJoin("__agora_user_online", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("onChannelJoinFailed", (alice, again, 300)),
        ("onChannelJoinFailed", (alice, special, 300)),
    ]
    assert (lobby.state, again.state) == ("joined", "leaved")


def test_leave_then_rejoin_same_name_routes_to_each_object(env: Env) -> None:
    alice = env.login("alice")
    first = env.joined(alice, "lobby")
    first.channelLeave()
    second = alice.channelJoin("lobby", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("onChannelLeaved", (alice, first, 0)),
        ("onChannelJoined", (alice, second)),
        ("onChannelUserList", (alice, second, ["alice"], [UID_A])),
    ]


# ------------------------------------------------------------------------- invitations (V)


def _ringing(env: Env, extra: str = '{"k":1}') -> tuple[LoginSession, LoginSession, Call, Call]:
    """alice called bob in "room"; bob's call follows bob's recorder; logs cleared."""
    alice, bob = env.login("alice"), env.login("bob")
    call_a = alice.channelInviteUser2("room", "bob", extra, env.call_cb("alice"))
    env.settle()
    received = env.take("bob")
    assert [name for name, _ in received] == ["onInviteReceived"]
    call_b = received[0][1][1]
    assert isinstance(call_b, Call)
    call_b.setCallback(env.call_cb("bob"))
    assert env.take("alice") == [("onInviteReceivedByPeer", (alice, call_a))]
    return alice, bob, call_a, call_b


def test_v1_invitation_reaches_the_callee_as_a_call_object(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    call_a = alice.channelInviteUser2("room", "bob", '{"k":1}', env.call_cb("alice"))
    env.settle()
    [(name, (session, call_b))] = env.take("bob")
    assert (name, session) == ("onInviteReceived", bob)
    assert isinstance(call_b, Call)
    assert (call_b.channelName, call_b.peer, call_b.extra, call_b.incoming) == (
        "room",
        "alice",
        '{"k":1}',
        True,
    )
    assert (call_a.channelName, call_a.peer, call_a.incoming) == ("room", "bob", False)
    assert env.take("alice") == [("onInviteReceivedByPeer", (alice, call_a))]


def test_v7_v9_accepted_then_ended_by_the_caller(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env)
    call_b.channelInviteAccept('{"ok":1}')
    env.settle()
    assert env.take("alice") == [("onInviteAcceptedByPeer", (alice, call_a, '{"ok":1}'))]
    call_a.channelInviteEnd('{"bye":1}')
    env.settle()
    assert env.take("alice") == [("onInviteEndByMyself", (alice, call_a, '{"bye":1}'))]
    assert env.take("bob") == [("onInviteEndByPeer", (bob, call_b, ""))]
    assert alice._core.router.live_calls() == []
    assert bob._core.router.live_calls() == []


def test_v8_refused(env: Env) -> None:
    alice, _bob, call_a, call_b = _ringing(env)
    call_b.channelInviteRefuse('{"status":0}')
    env.settle()
    assert env.take("alice") == [("onInviteRefusedByPeer", (alice, call_a, '{"status":0}'))]
    assert env.take("bob") == []
    assert alice._core.router.live_calls() == []


def test_v9_callee_ends_an_accepted_call(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env)
    call_b.channelInviteAccept()
    call_b.channelInviteEnd()
    env.settle()
    assert env.take("bob") == [("onInviteEndByMyself", (bob, call_b, ""))]
    assert env.take("alice") == [
        ("onInviteAcceptedByPeer", (alice, call_a, "")),
        ("onInviteEndByPeer", (alice, call_a, "")),
    ]


def test_v10_dtmf_arrives_as_wire_json(env: Env) -> None:
    _alice, bob, call_a, call_b = _ringing(env)
    call_b.channelInviteAccept()
    call_a.channelInviteDTMF("12#")
    env.settle()
    assert env.take("bob") == [("onInviteMsg", (bob, call_b, '{"msgtype":"dtmf","msgdata":"12#"}'))]


def test_v11_accepting_a_gone_call_reports_on_error(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env)
    call_a.channelInviteEnd()
    env.settle()
    call_b.channelInviteAccept()
    env.settle()
    assert env.take("bob") == [
        ("onInviteEndByPeer", (bob, call_b, "")),
        ("onError", (bob, 1004, "channelInviteAccept: no such call")),
    ]
    assert env.take("alice") == [("onInviteEndByMyself", (alice, call_a, ""))]


def test_v4_offline_peer_with_require_peer_online(env: Env) -> None:
    alice = env.login("alice")
    call = alice.channelInviteUser2(
        "room", "nobody", '{"_require_peer_online":1}', env.call_cb("alice")
    )
    env.settle()
    assert env.take("alice") == [("onInviteFailed", (alice, call, 703))]
    assert alice._core.router.live_calls() == []


def test_v6_unanswered_invitation_times_out(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env, '{"_timeout":5}')
    env.backend.advance(5)
    assert env.take("alice") == [("onInviteFailed", (alice, call_a, 704))]
    assert env.take("bob") == [("onInviteEndByPeer", (bob, call_b, ""))]


def test_v5_reinvite_failure_goes_to_the_new_call_object(env: Env) -> None:
    alice, _bob, call_a, call_b = _ringing(env)
    again = alice.channelInviteUser2("room", "bob", "", env.call_cb("alice"))
    env.settle()
    assert env.take("alice") == [("onInviteFailed", (alice, again, 701))]
    call_b.channelInviteAccept()
    env.settle()
    assert env.take("alice") == [("onInviteAcceptedByPeer", (alice, call_a, ""))]


def test_v13_inviting_oneself_fails_with_700(env: Env) -> None:
    alice = env.login("alice")
    call = alice.channelInviteUser2("room", "alice", "", env.call_cb("alice"))
    env.settle()
    assert env.take("alice") == [("onInviteFailed", (alice, call, 700))]


def test_v12_logout_ends_calls_silently_for_the_leaver(env: Env) -> None:
    alice, bob, _call_a, call_b = _ringing(env)
    alice.logout()
    env.settle()
    assert env.take("alice") == [("onLogout", (alice, 101))]
    assert env.take("bob") == [("onInviteEndByPeer", (bob, call_b, ""))]
    assert alice._core.router.live_calls() == []


# ------------------------------------------------------------------------- Signal requests


def test_user_attributes_and_query_num(env: Env) -> None:
    alice = env.login("alice")
    env.joined(alice, "lobby")
    signal = alice.signal
    cb = env.attr_cb("attrs")
    signal.userSetAttr("color", "blue", cb)
    signal.userGetAttr("alice", "color", cb)
    signal.userGetAttr("alice", "missing", cb)
    signal.userGetAttrAll("alice", cb)
    signal.channelQueryUserNum("lobby", cb)
    signal.channelQueryUserNum("empty", env.channel_cb("attrs"))
    env.settle()
    assert env.take("attrs") == [
        ("onUserSetAttr", ("", {"result": "ok", "reason": ""})),
        (
            "onUserGetAttr",
            ("", {"result": "ok", "account": "alice", "name": "color", "value": "blue"}),
        ),
        (
            "onUserGetAttr",
            ("", {"result": "ok", "account": "alice", "name": "missing", "value": ""}),
        ),
        ("onUserGetAttrAll", ("", {"result": "ok", "account": "alice", "json": {"color": "blue"}})),
        ("onChannelQueryUserNum", (alice, "", 1)),
        ("onChannelQueryUserNum", (alice, "", 0)),
    ]
    assert alice._core.router.pending_rpcs == 0


def test_signal_requests_before_any_login_fail_through_callbacks(env: Env) -> None:
    signal = env.signal()
    cb = env.attr_cb("early")
    signal.userGetAttr("alice", "color", cb)
    signal.channelQueryUserNum("lobby", cb)
    env.settle()
    failed = {"result": "failed", "reason": "not_login"}
    assert env.take("early") == [
        ("onUserGetAttr", ("not_login", failed)),
        ("onChannelQueryUserNum", (None, "not_login", 0)),
    ]


def test_bad_attribute_request_fails_through_the_callback(env: Env) -> None:
    alice = env.login("alice")
    alice.signal.userSetAttr("", "v", env.attr_cb("a"))
    env.settle()
    assert env.take("a") == [
        ("onUserSetAttr", ("invalid_param", {"result": "failed", "reason": "invalid_param"}))
    ]


def test_signal_requests_need_a_callback_and_str_arguments(env: Env) -> None:
    signal = env.signal()
    with pytest.raises(TypeError, match="callback"):
        signal.userGetAttrAll("alice", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="name"):
        signal.userSetAttr(1, "v", env.attr_cb("a"))  # type: ignore[arg-type]


def test_current_session_is_the_logged_in_one(env: Env) -> None:
    signal = env.signal()
    first = signal.login("alice", NO_NEED_TOKEN, None)
    env.settle()
    second = signal.login("bad name", NO_NEED_TOKEN, None)
    env.settle()
    assert signal.current_session() is first
    assert signal.getStatus() == 2
    assert signal.sessions == (first, second)
    first.logout()
    env.settle()
    assert signal.current_session() is second
    assert signal.getStatus() == 3


# ------------------------------------------------------------------------- robustness


def test_exception_in_a_callback_is_logged_and_delivery_goes_on(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    class Faulty(LoginCallback):
        def onLoginSuccess(self, session: LoginSession, uid: int) -> None:
            raise RuntimeError("app bug")

    session = env.signal().login("alice", NO_NEED_TOKEN, Faulty())
    with caplog.at_level(logging.ERROR, logger="legacy_signaling.objects"):
        env.settle()
    assert "app bug" in caplog.text
    channel = session.channelJoin("lobby", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice")[0] == ("onChannelJoined", (session, channel))


def test_duck_typed_callback_missing_a_method_is_logged(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    class Partial:
        def onLoginSuccess(self, session: LoginSession, uid: int) -> None:
            env.log.append(("duck", "onLoginSuccess", (session, uid)))

    session = env.signal().login("alice", NO_NEED_TOKEN, Partial())  # type: ignore[arg-type]
    env.settle()
    with caplog.at_level(logging.WARNING, logger="legacy_signaling.objects"):
        session.logout()
        env.settle()
    assert env.take("duck") == [("onLoginSuccess", (session, UID_A))]
    assert "has no method onLogout" in caplog.text


def test_argument_type_errors_leave_no_pending_state(env: Env) -> None:
    alice = env.login("alice")
    router = alice._core.router
    with pytest.raises(TypeError):
        alice.channelJoin(5, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        alice.channelInviteUser2("room", "bob", None, None)  # type: ignore[arg-type]
    assert (router.joined_channel, router.live_calls(), router.pending_messages) == (None, [], 0)


def test_reconnect_moves_the_status_without_callbacks(env: Env) -> None:
    alice = env.login("alice")
    env.backend.drop_connection(alice.native)
    env.settle()
    assert alice.getStatus() == SignalStatus.CONNECTING
    env.backend.restore_connection(alice.native)
    env.settle()
    assert alice.getStatus() == SignalStatus.LOGINED
    assert env.take("alice") == []


def test_c3_lost_connection_ends_with_604_then_102(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    env.backend.drop_connection(alice.native)
    env.backend.advance(30)
    assert env.take("alice") == [
        ("onChannelLeaved", (alice, lobby, 604)),
        ("onLogout", (alice, 102)),
    ]
    assert alice.getStatus() == SignalStatus.NOT_LOGIN


def test_set_do_log_switches_the_object_layer_logger(env: Env) -> None:
    logger = logging.getLogger("legacy_signaling.objects")
    before = logger.level
    try:
        env.signal().setDoLog(True)
        assert logger.level == logging.DEBUG
        env.signal().setDoLog(False)
        assert logger.level == logging.WARNING
    finally:
        logger.setLevel(before)
