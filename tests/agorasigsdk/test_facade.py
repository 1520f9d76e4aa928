"""agorasigsdk on a native provider: exact callback sequences per client, 1.0.2 names.

Expected sequences follow docs/legacy-semantics.md (row ids in test names) through the
1.0.2 callback classes (reference §2.4) and the decisions of docs/object-flavour.md. Every
callback object of one client records under the client's account.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs
import pytest

from agorasigsdk import AgoraSignal, Call, Channel, LoginSession, LoginSessionState
from agorasigsdk.signal_consts import LEAVECHANNEL_E_BYUSER
from legacy_signaling.identity import legacy_uid
from legacy_signaling.objects.testing import NativeBackend, Recorded, recording

UID_A = legacy_uid("alice")
UID_B = legacy_uid("bob")
TOKEN = "_no_need_token"

Entries = list[tuple[str, tuple[object, ...]]]


@attrs.define
class Env:
    backend: NativeBackend
    log: list[Recorded] = attrs.Factory(list)

    def login(self, account: str, *, settle: bool = True) -> LoginSession:
        """Log ``account`` in; with ``settle``, deliver the login and clear its record."""
        login_cb = recording(LoginSession.LoginCallback, self.log, account)
        session = AgoraSignal(self.backend.app_id).login(account, TOKEN, login_cb)
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

    def channel_cb(self, tag: str) -> Channel.ChannelCallback:
        return recording(Channel.ChannelCallback, self.log, tag)

    def call_cb(self, tag: str) -> Call.CallCallback:
        return recording(Call.CallCallback, self.log, tag)

    def message_cb(self, tag: str) -> LoginSession.MessageCallback:
        return recording(LoginSession.MessageCallback, self.log, tag)

    def function(self, tag: str, name: str) -> Callable[..., None]:
        """A plain function recording its arguments (for cb(err, ...) style results)."""

        def record(*args: object) -> None:
            self.log.append((tag, name, args))

        return record

    def joined(self, session: LoginSession, name: str) -> Channel:
        channel = session.channel_join(name, self.channel_cb(session.account))
        self.settle()
        self.take(session.account)
        return channel


@pytest.fixture
def env(native_factory: NativeBackend) -> Env:
    return Env(native_factory)


# ------------------------------------------------------------------------- login


def test_l1_login_state_and_uid(env: Env) -> None:
    session = env.login("alice", settle=False)
    assert session.state == LoginSessionState.CONNECTING
    assert env.take("alice") == []
    env.settle()
    assert env.take("alice") == [("on_login_success", (session, UID_A))]
    assert (session.state, session.uid, session.account) == (2, UID_A, "alice")


def test_agora_signal_and_login_reject_empty_arguments(env: Env) -> None:
    with pytest.raises(ValueError, match="Appid"):
        AgoraSignal("")
    signal = AgoraSignal(env.backend.app_id)
    with pytest.raises(ValueError, match="account"):
        signal.login("", TOKEN)
    with pytest.raises(ValueError, match="token"):
        signal.login("alice", "")


def test_login_without_callback_uses_a_no_op_one(env: Env) -> None:
    session = AgoraSignal(env.backend.app_id).login("alice", TOKEN)
    env.settle()
    assert type(session.cb) is LoginSession.LoginCallback
    assert session.state == LoginSessionState.LOGINED


def test_l3_on_login_failed_is_called_with_the_code(env: Env) -> None:
    session = env.login("has space", settle=False)
    env.settle()
    assert env.take("has space") == [("on_login_failed", (session, 209))]
    assert session.state == LoginSessionState.LOGINFAILED


def test_l7_logout_in_a_channel(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    alice.logout()
    env.settle()
    assert env.take("alice") == [
        ("on_channel_left", (alice, lobby_a, 603)),
        ("on_logout", (alice, 101)),
    ]
    assert env.take("bob") == [("on_channel_user_left", (bob, lobby_b, "alice", UID_A))]
    assert alice.state == LoginSessionState.LOGOUT


def test_reconnect_moves_the_state_without_callbacks(env: Env) -> None:
    alice = env.login("alice")
    states = []
    env.backend.drop_connection(alice.native)
    env.settle()
    states.append(alice.state)
    env.backend.restore_connection(alice.native)
    env.settle()
    states.append(alice.state)
    assert states == [LoginSessionState.CONNECTING, LoginSessionState.LOGINED]
    assert env.take("alice") == []


# ------------------------------------------------------------------------- messages


def test_p1_msg_instant_send(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    alice.msg_instant_send("bob", "hi", env.message_cb("alice"))
    alice.msg_instant_send("bob", "short-lived", env.message_cb("alice"), ttl=60)
    alice.msg_instant_send("not valid!", "hi", env.message_cb("alice"))
    env.settle()
    assert env.take("alice") == [
        ("on_msg_send_success", (alice,)),
        ("on_msg_send_success", (alice,)),
        ("on_msg_send_error", (alice, 400)),
    ]
    assert env.take("bob") == [
        ("on_msg_instant_received", (bob, "alice", 0, "hi")),
        ("on_msg_instant_received", (bob, "alice", 0, "short-lived")),
    ]


def test_msg_instant_send_ignores_a_cb_that_is_not_a_message_callback(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    class DuckTyped:  # not a LoginSession.MessageCallback: 1.0.2 ignored it
        def on_msg_send_success(self, session: LoginSession) -> None:
            env.log.append(("duck", "on_msg_send_success", (session,)))

    alice, _bob = env.login("alice"), env.login("bob")
    with caplog.at_level(logging.WARNING, logger="agorasigsdk"):
        alice.msg_instant_send("bob", "one", DuckTyped())  # type: ignore[arg-type]
    alice.msg_instant_send("bob", "two", None)
    env.settle()
    assert env.take("duck") == []
    assert "DuckTyped is not a LoginSession.MessageCallback" in caplog.text
    assert [args[3] for _, args in env.take("bob")] == ["one", "two"]
    assert alice._core.router.pending_messages == 0


def test_msg_instant_send_checks_ttl(env: Env) -> None:
    alice = env.login("alice")
    with pytest.raises(TypeError, match="ttl"):
        alice.msg_instant_send("bob", "hi", None, ttl="60")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ttl"):
        alice.msg_instant_send("bob", "hi", None, ttl=-1)
    assert alice._core.router.pending_messages == 0


# ------------------------------------------------------------------------- channels


def test_ch1_join_and_m1_chat_with_echo(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a = alice.channel_join("lobby", env.channel_cb("alice"))
    env.settle()
    lobby_b = bob.channel_join("lobby", env.channel_cb("bob"))
    env.settle()
    assert env.take("alice") == [
        ("on_channel_joined", (alice, lobby_a)),
        ("on_channel_user_list", (alice, lobby_a, ["alice"], [UID_A])),
        ("on_channel_user_joined", (alice, lobby_a, "bob", UID_B)),
    ]
    assert env.take("bob") == [
        ("on_channel_joined", (bob, lobby_b)),
        ("on_channel_user_list", (bob, lobby_b, ["alice", "bob"], [UID_A, UID_B])),
    ]
    lobby_b.msg_channel_send("hello", (env.function("bob", "cb_pack"), ["extra-arg"]))
    env.settle()
    assert env.take("bob") == [
        ("cb_pack", ("", {"result": "ok"}, "extra-arg")),
        ("on_msg_channel_received", (bob, lobby_b, "bob", UID_B, "hello")),
    ]
    assert env.take("alice") == [
        ("on_msg_channel_received", (alice, lobby_a, "bob", UID_B, "hello"))
    ]
    assert (alice.last_channel, lobby_a.channel_name) == (lobby_a, "lobby")


def test_ch5_channel_leave_reports_602_after_the_call_returns(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    lobby_a.channel_leave()
    assert env.take("alice") == []  # 1.0.2 called it inside channel_leave(); not here
    env.settle()
    assert env.take("alice") == [("on_channel_left", (alice, lobby_a, LEAVECHANNEL_E_BYUSER))]
    assert env.take("bob") == [("on_channel_user_left", (bob, lobby_b, "alice", UID_A))]


def test_ch2_channel_join_without_cb_reuses_the_previous_callback(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    room = alice.channel_join("room")
    assert room.cb is lobby.cb
    assert alice.last_channel is room
    env.settle()
    assert env.take("alice") == [
        ("on_channel_left", (alice, lobby, LEAVECHANNEL_E_BYUSER)),
        ("on_channel_joined", (alice, room)),
        ("on_channel_user_list", (alice, room, ["alice"], [UID_A])),
    ]


def test_first_channel_join_without_cb_gets_a_no_op_callback(env: Env) -> None:
    alice = env.login("alice")
    lobby = alice.channel_join("lobby")
    env.settle()
    assert type(lobby.cb) is Channel.ChannelCallback


def test_channel_join_failure(env: Env) -> None:
    alice = env.login("alice")
    env.joined(alice, "lobby")
    again = alice.channel_join("lobby", env.channel_cb("alice"))
    env.settle()
    assert env.take("alice") == [("on_channel_join_failed", (alice, again, 300))]


def test_channel_attributes(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_a, lobby_b = env.joined(alice, "lobby"), env.joined(bob, "lobby")
    env.take("alice")
    lobby_a.channel_set_attr("topic", "demo")
    lobby_b.channel_del_attr("topic")
    lobby_a.channel_clear_attr()
    env.settle()
    for session, channel in ((alice, lobby_a), (bob, lobby_b)):
        assert env.take(session.account) == [
            ("on_channel_attr_updated", (session, channel, "topic", "demo", "update")),
            ("on_channel_attr_updated", (session, channel, "topic", "", "del")),
            ("on_channel_attr_updated", (session, channel, "", "", "clear")),
        ]


def test_m3_send_channel_msg_is_a_force_send(env: Env) -> None:
    alice, bob = env.login("alice"), env.login("bob")
    lobby_b = env.joined(bob, "lobby")
    alice.send_channel_msg("lobby", "from outside", env.function("alice", "callback"))
    alice.send_channel_msg("", "nowhere", env.function("alice", "callback"))
    alice.send_channel_msg("lobby", "no callback")
    env.settle()
    failure = "SENDMESSAGE_E_OTHER"
    assert env.take("alice") == [
        ("callback", ("", {"result": "ok"})),
        ("callback", (failure, {"result": "failed", "reason": failure})),
    ]
    assert env.take("bob") == [
        ("on_msg_channel_received", (bob, lobby_b, "alice", UID_A, "from outside")),
        ("on_msg_channel_received", (bob, lobby_b, "alice", UID_A, "no callback")),
    ]


def test_msg_channel_send_rejects_a_malformed_cb_pack(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    with pytest.raises(TypeError, match="cb_pack"):
        lobby.msg_channel_send("hi", env.function("alice", "x"))  # type: ignore[arg-type]
    assert alice._core.router.pending_messages == 0


# ------------------------------------------------------------------------- invitations


def _ringing(env: Env, extra: str = '{"k":1}') -> tuple[LoginSession, LoginSession, Call, Call]:
    alice, bob = env.login("alice"), env.login("bob")
    call_a = alice.channel_invite_user_2("room", "bob", extra, env.call_cb("alice"))
    env.settle()
    [(name, (session, call_b))] = env.take("bob")
    assert (name, session) == ("on_invite_received", bob)
    assert isinstance(call_b, Call)
    call_b.set_callback(env.call_cb("bob"))
    assert env.take("alice") == [("on_invite_received_by_peer", (alice, call_a))]
    return alice, bob, call_a, call_b


def test_v1_incoming_call_object(env: Env) -> None:
    _alice, bob, call_a, call_b = _ringing(env)
    assert (call_b.channel, call_b.peer, call_b.peeruid, call_b.extra, call_b.session) == (
        "room",
        "alice",
        UID_A,
        '{"k":1}',
        bob,
    )
    assert (call_a.channel, call_a.peer, call_a.peeruid) == ("room", "bob", 0)


def test_v7_accept_sends_its_own_extra_and_end_reports_it_locally(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env)
    call_b.accept('{"answer":"yes"}')
    env.settle()
    assert env.take("alice") == [
        ("on_invite_accepted_by_peer", (alice, call_a, '{"answer":"yes"}'))
    ]
    call_a.end('{"bye":1}')
    env.settle()
    assert env.take("alice") == [("on_invite_end_by_myself", (alice, call_a, '{"bye":1}'))]
    assert env.take("bob") == [("on_invite_end_by_peer", (bob, call_b, ""))]


def test_v8_refuse_sends_its_own_extra(env: Env) -> None:
    alice, _bob, call_a, call_b = _ringing(env)
    call_b.refuse('{"status":0}')
    env.settle()
    assert env.take("alice") == [("on_invite_refused_by_peer", (alice, call_a, '{"status":0}'))]


def test_v9_callee_ends(env: Env) -> None:
    alice, bob, call_a, call_b = _ringing(env)
    call_b.accept()
    call_b.end()
    env.settle()
    assert env.take("bob") == [("on_invite_end_by_myself", (bob, call_b, ""))]
    assert env.take("alice") == [
        ("on_invite_accepted_by_peer", (alice, call_a, "")),
        ("on_invite_end_by_peer", (alice, call_a, "")),
    ]


def test_v3_unreachable_peer_fails_after_20_s(env: Env) -> None:
    alice = env.login("alice")
    call = alice.channel_invite_user_2("room", "nobody", "", env.call_cb("alice"))
    env.backend.advance(20)
    assert env.take("alice") == [("on_invite_failed", (alice, call, 703))]


def test_invite_without_callback_and_set_callback_none(env: Env) -> None:
    alice = env.login("alice")
    call = alice.channel_invite_user_2("room", "nobody", '{"_require_peer_online":1}', None)
    env.settle()
    assert type(call.cb) is Call.CallCallback
    assert alice._core.router.live_calls() == []
    with pytest.raises(TypeError, match="None"):
        call.set_callback(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- requests, errors


def test_query_user_status(env: Env) -> None:
    alice = env.login("alice")
    env.login("bob")
    alice.query_user_status("bob", env.function("alice", "status"))
    alice.query_user_status("carol", env.function("alice", "status"))
    env.settle()
    alice.logout()
    alice.query_user_status("bob", env.function("alice", "status"))
    env.settle()
    assert env.take("alice") == [
        ("status", ("", 1)),
        ("status", ("", 0)),
        ("on_logout", (alice, 101)),
        ("status", ("not_login", "")),
    ]


def test_on_error_is_called(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    lobby.channel_leave()
    lobby.channel_leave()
    env.settle()
    assert env.take("alice") == [
        ("on_channel_left", (alice, lobby, 602)),
        ("on_error", (alice, 1004, "channelLeave: not in this channel")),
    ]


def test_call2_runs_invoke_functions(env: Env) -> None:
    alice = env.login("alice")
    env.joined(alice, "lobby")
    alice.call2("channel_query_num", {"name": "lobby"}, (env.function("alice", "fn"), ("p",)))
    alice.call2("user_sendmsg", {"peer": "bob"}, (env.function("alice", "fn"), ()))
    env.settle()
    assert env.take("alice") == [
        ("fn", ("", {"result": "ok", "num": 1}, "p")),
        ("fn", ("unknown_function", {"result": "failed", "reason": "unknown_function"})),
    ]
    with pytest.raises(TypeError):
        alice.call2("channel_query_num", {"name": object()})


def test_bc_call_is_answered_as_unsupported(env: Env) -> None:
    alice = env.login("alice")
    alice.bc_call("func", "{}", env.function("alice", "bc"))
    env.settle()
    assert env.take("alice") == [("bc", ("not supported", ""))]


def test_web2_apis_raise_not_implemented(env: Env) -> None:
    signal = AgoraSignal(env.backend.app_id)
    with pytest.raises(NotImplementedError, match="web2"):
        signal.create_rpc_session(TOKEN)
    with pytest.raises(NotImplementedError, match="web2"):
        signal.join_channel2("room")


def test_c3_lost_connection_ends_with_604_then_102(env: Env) -> None:
    alice = env.login("alice")
    lobby = env.joined(alice, "lobby")
    env.backend.drop_connection(alice.native)
    env.backend.advance(30)
    assert env.take("alice") == [
        ("on_channel_left", (alice, lobby, 604)),
        ("on_logout", (alice, 102)),
    ]
    assert alice.state == LoginSessionState.LOGOUT


def test_raw_call2_passes_session_line_as_1_0_2_apps_do(env: Env) -> None:
    alice = env.login("alice", settle=False)
    assert alice.line == "", "no line before the login succeeds"
    env.settle()
    env.take("alice")
    assert alice.line, "1.0.2 apps put session.line into raw call2 arguments"
    env.joined(alice, "lobby")
    args = {"line": alice.line, "name": "lobby"}
    alice.call2("channel_query_num", args, (env.function("alice", "fn"), ()))
    env.settle()
    assert env.take("alice") == [("fn", ("", {"result": "ok", "num": 1}))]
    alice.logout()
    env.settle()
    assert alice.line == ""
