"""RtmClient / IRtmService on the embedded deterministic core, in both result styles.

Each feature is exercised with a C++ event handler and with a Java listener plus
``ResultCallback`` (the ``style`` fixture). Every API call goes through ``world.api``, which
fails if a callback ran inside the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from mapping_tables import rtm_surface
from rtm import (
    ATTRIBUTE_OPERATION_ERR,
    CONNECTION_CHANGE_REASON,
    CONNECTION_STATE,
    INIT_ERR_CODE,
    LOGIN_ERR_CODE,
    LOGOUT_ERR_CODE,
    MESSAGE_TYPE,
    PEER_MESSAGE_ERR_CODE,
    PEER_ONLINE_STATE,
    PEER_SUBSCRIPTION_STATUS_ERR,
    QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR,
    QUERY_PEERS_ONLINE_STATUS_ERR,
    RENEW_TOKEN_ERR_CODE,
    SDK_VERSION,
    DeterministicScheduler,
    Limits,
    PeerOnlineStatus,
    Rate,
    Rates,
    RequestId,
    RtmAttribute,
    RtmChannelAttribute,
    RtmClient,
    RtmMessage,
    SendMessageOptions,
    ServiceConfig,
    build_rtm_token,
    createRtmService,
)
from rtm import protocol as p
from rtm.scheduler import Scheduler
from tests.rtm.conftest import MakeWorld
from tests.rtm.kit import (
    APP,
    APP2,
    CERT,
    ClientListener,
    Peer,
    Results,
    ServiceHandler,
    World,
    failed_later,
    rejected,
    state,
)

S = CONNECTION_STATE
R = CONNECTION_CHANGE_REASON
ONLINE = PEER_ONLINE_STATE.PEER_ONLINE_STATE_ONLINE
OFFLINE = PEER_ONLINE_STATE.PEER_ONLINE_STATE_OFFLINE


def state_changes(world: World, who: str) -> list[tuple[int, int]]:
    return [(a[0], a[1]) for a in world.trace.args(who, "onConnectionStateChanged")]


def state_of(client: RtmClient) -> S:
    return client.connectionState


def token(user: str, expires_in: float, now: float, app: str = APP, cert: str = CERT) -> str:
    return build_rtm_token(app, cert, user, int(now + expires_in), salt=7, now=now)


# --- creation and initialize ---------------------------------------------------------


def test_create_rtm_service_and_initialize(world: World) -> None:
    service = createRtmService(world.core)
    handler = ServiceHandler(world.trace, "svc")
    assert service.initialize(APP, handler) == INIT_ERR_CODE.INIT_ERR_OK
    assert service.appId == APP
    assert service.initialize(APP, handler) == INIT_ERR_CODE.INIT_ERR_ALREADY_INITIALIZED
    assert service.connectionState is S.CONNECTION_STATE_DISCONNECTED
    assert service.getRtmSdkVersion() == SDK_VERSION == RtmClient.getSdkVersion(service)
    world.run()
    assert world.trace.events == []


@pytest.mark.parametrize("app_id", ["", "short", "x" * 33, None, 42, "é" * 32])
def test_initialize_rejects_bad_app_ids(world: World, app_id: Any) -> None:
    service = createRtmService(world.core)
    assert service.initialize(app_id, ServiceHandler(world.trace, "svc")) == (
        INIT_ERR_CODE.INIT_ERR_INVALID_APP_ID
    )
    # nothing was initialized: a later valid initialize works
    assert service.initialize(APP, ServiceHandler(world.trace, "svc")) == 0


def test_initialize_rejects_a_missing_handler(world: World) -> None:
    service = createRtmService(world.core)
    assert service.initialize(APP, None) == INIT_ERR_CODE.INIT_ERR_INVALID_ARGUMENT
    assert service.login(None, "alice") == LOGIN_ERR_CODE.LOGIN_ERR_NOT_INITIALIZED


def test_create_instance_java(world: World) -> None:
    listener = ClientListener(world.trace, "j")
    client = RtmClient.createInstance(APP, listener, core=world.core)
    assert client.appId == APP
    with pytest.raises(ValueError, match="INVALID_APP_ID"):
        RtmClient.createInstance("bad", listener, core=world.core)
    with pytest.raises(ValueError, match="INVALID_ARGUMENT"):
        RtmClient.createInstance(APP, None, core=world.core)


def test_many_independent_clients_on_one_core(world: World) -> None:
    peers = world.online("a", "b", "c")
    assert {p.client.userId for p in peers} == {"a", "b", "c"}
    assert all(p.state is S.CONNECTION_STATE_CONNECTED for p in peers)
    assert len({id(p.client) for p in peers}) == 3


def test_calls_before_initialize_report_not_initialized(world: World) -> None:
    service = createRtmService(world.core)
    cb = Results(world.trace, "cb")
    assert world.api(lambda: service.login(None, "alice", cb)) == 101
    assert world.api(service.logout) == LOGOUT_ERR_CODE.LOGOUT_ERR_NOT_INITIALIZED
    assert world.api(lambda: service.sendMessageToPeer("b", RtmMessage("x"))) == 101
    assert world.api(lambda: service.createChannel("room", None)) is None
    world.run()
    assert cb.error().errorCode == LOGIN_ERR_CODE.LOGIN_ERR_NOT_INITIALIZED


# --- login / logout -------------------------------------------------------------------


def test_login_success_reports_state_changes_then_success(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    cb = alice.cb("login")
    assert world.api(lambda: alice.client.login(None, "alice", cb)) == 0
    # the state moves at once (RTM reports CONNECTING right away), but no callback ran yet
    assert alice.state is S.CONNECTION_STATE_CONNECTING
    world.run()
    assert state(alice) is S.CONNECTION_STATE_CONNECTED
    assert alice.client.userId == "alice"
    assert state_changes(world, "alice") == [(2, 1), (3, 2)]
    assert cb.value() is None
    if alice.java:
        assert alice.names() == ["onConnectionStateChanged", "onConnectionStateChanged"]
    else:
        assert alice.names() == [
            "onConnectionStateChanged",
            "onConnectionStateChanged",
            "onLoginSuccess",
        ]


@pytest.mark.parametrize(
    ("user", "token_value", "fragment"),
    [
        ("", None, "empty"),
        ("null", None, "null"),
        ("a" * 65, None, "64"),
        ("bad/char", None, "characters"),
        (None, None, "string"),
        (42, None, "string"),
        ("alice", 123, "token"),
    ],
)
def test_login_bad_arguments(
    world: World, style: str, user: Any, token_value: Any, fragment: str
) -> None:
    alice = world.peer("alice", style)
    info = rejected(
        world,
        alice,
        lambda cb: alice.client.login(token_value, user, cb),
        LOGIN_ERR_CODE.LOGIN_ERR_INVALID_ARGUMENT,
        "onLoginFailure",
    )
    assert fragment in info.errorDescription
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    assert state_changes(world, "alice") == []
    alice.login()  # nothing was half-done


def test_user_id_of_64_bytes_and_all_allowed_chars_logs_in(world: World) -> None:
    long_id = "a" * 64
    world.peer("long").login(long_id)
    odd = "x !#$%&()+-:;<=.>?@[]^_{}|~,"
    world.peer("odd").login(odd)
    probe = world.online("probe")[0]
    cb = probe.cb()
    world.api(lambda: probe.client.queryPeersOnlineStatus([long_id, odd], cb))
    world.run()
    assert cb.value() == {long_id: True, odd: True}


def test_already_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    cb = alice.cb()
    world.api(lambda: alice.client.login(None, "alice", cb))
    # while CONNECTING
    rejected(
        world,
        alice,
        lambda c: alice.client.login(None, "alice", c),
        LOGIN_ERR_CODE.LOGIN_ERR_ALREADY_LOGIN,
        None,
    )
    assert alice.state is S.CONNECTION_STATE_CONNECTED
    assert cb.value() is None
    # while CONNECTED
    rejected(
        world,
        alice,
        lambda c: alice.client.login(None, "other", c),
        LOGIN_ERR_CODE.LOGIN_ERR_ALREADY_LOGIN,
        "onLoginFailure",
    )
    assert alice.state is S.CONNECTION_STATE_CONNECTED
    assert alice.client.userId == "alice"


def test_logout(world: World, style: str) -> None:
    alice, bob = world.peer("alice", style), world.peer("bob")
    alice.login()
    bob.login()
    world.trace.clear()
    cb = alice.cb()
    assert world.api(lambda: alice.client.logout(cb)) == 0
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    world.run()
    assert cb.value() is None
    assert state_changes(world, "alice") == [(1, 6)]
    if not alice.java:
        assert world.trace.one("alice", "onLogout") == (0,)
    # the service saw it: alice is offline for bob
    q = bob.cb()
    world.api(lambda: bob.client.queryPeersOnlineStatus(["alice"], q))
    world.run()
    assert q.value() == {"alice": False}
    # a second logout: not logged in
    rejected(
        world,
        alice,
        alice.client.logout,
        LOGOUT_ERR_CODE.LOGOUT_ERR_USER_NOT_LOGGED_IN,
        "onLogout",
    )
    alice.login()  # and login works again


def test_logout_while_connecting_undoes_the_late_login(world: World) -> None:
    alice, bob = world.peer("alice"), world.online("bob")[0]
    cb = alice.cb()
    world.api(lambda: alice.client.login(None, "alice", cb))
    assert world.api(alice.client.logout) == 0
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    world.run()
    assert state_changes(world, "alice") == [(2, 1), (1, 6)]
    assert "onLoginSuccess" not in alice.names()
    # the login reports its outcome exactly once: it was aborted by the logout
    assert cb.error().errorCode != 0
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    q = bob.cb()
    world.api(lambda: bob.client.queryPeersOnlineStatus(["alice"], q))
    world.run()
    assert q.value() == {"alice": False}


def test_release_logs_out_and_later_calls_report_not_initialized(world: World, style: str) -> None:
    alice, bob = world.peer("alice", style), world.online("bob")[0]
    alice.login()
    channel = alice.join("room")
    assert world.api(alice.client.release) == 0
    world.run()
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    # bob sees alice gone
    q = bob.cb()
    world.api(lambda: bob.client.queryPeersOnlineStatus(["alice"], q))
    world.run()
    assert q.value() == {"alice": False}
    n = len(world.trace)
    assert world.api(lambda: alice.client.login(None, "alice")) == 101
    assert world.api(alice.client.logout) == 101
    assert world.api(lambda: alice.client.renewToken("t")) == 101
    assert world.api(lambda: alice.client.sendMessageToPeer("bob", RtmMessage("x"))) == 101
    assert world.api(lambda: alice.client.queryPeersOnlineStatus(["bob"])) == 101
    assert world.api(lambda: alice.client.getUserAttributes("bob")) == 101
    assert world.api(lambda: alice.client.getChannelMemberCount(["room"])) == 101
    assert world.api(channel.join) == 101
    assert world.api(lambda: alice.client.createChannel("other", None)) is None
    assert world.api(alice.client.release) == 0  # idempotent
    world.run()
    # a released client has no handler any more; the channel object still reports to its own
    later = world.trace.events[n:]
    assert [(e.who, e.name) for e in later if e.who == "alice"] == []
    if not alice.java:
        assert world.trace.args(alice.ch("room"), "onJoinFailure")[-1] == (101,)


def test_initialize_after_release_is_refused(world: World) -> None:
    alice = world.peer("alice")
    alice.client.release()
    assert alice.client.initialize(APP, ServiceHandler(world.trace, "again")) == (
        INIT_ERR_CODE.INIT_ERR_FAILURE
    )
    assert alice.client.login(None, "alice") == LOGIN_ERR_CODE.LOGIN_ERR_NOT_INITIALIZED


class _SilentTransport:
    def __init__(self, core: _SilentCore, on_frame: Callable[[p.ServerFrame], None]) -> None:
        self.core = core
        self.on_frame = on_frame

    def send(self, frame: p.ClientFrame) -> None:
        self.core.sent.append(frame)

    def close(self) -> None:
        self.core.closed = True


class _SilentCore:
    """A core whose service never answers: the client's own timers must act."""

    def __init__(self) -> None:
        self.clock = DeterministicScheduler()
        self.scheduler: Scheduler = self.clock
        self.sent: list[p.ClientFrame] = []
        self.closed = False
        self.transport: _SilentTransport | None = None

    def connect(self, on_frame: Callable[[p.ServerFrame], None]) -> _SilentTransport:
        self.transport = _SilentTransport(self, on_frame)
        return self.transport


@pytest.mark.parametrize("style", ["cpp", "java"])
def test_login_timeout_after_12_seconds(style: str) -> None:
    core = _SilentCore()
    world = World()
    trace = world.trace
    handler = ServiceHandler(trace, "a") if style == "cpp" else ClientListener(trace, "a")
    client = createRtmService(core)
    assert client.initialize(APP, handler) == 0
    cb = Results(trace, "cb")
    assert client.login(None, "alice", cb) == 0
    core.clock.advance(11.9)
    assert client.connectionState is S.CONNECTION_STATE_CONNECTING
    assert trace.of("cb") == []
    core.clock.advance(0.2)
    assert state_of(client) is S.CONNECTION_STATE_DISCONNECTED
    assert trace.args("a", "onConnectionStateChanged") == [(2, 1), (1, 4)]
    info = cb.error()
    assert info.errorCode == LOGIN_ERR_CODE.LOGIN_ERR_TIMEOUT
    assert "timed out" in info.errorDescription
    if style == "cpp":
        assert trace.one("a", "onLoginFailure") == (9,)
    # the service answers after all: the client undoes that login, and reports nothing more
    login = core.sent[0]
    assert isinstance(login, p.Login)
    n = len(trace)
    assert core.transport is not None
    core.transport.on_frame(p.Result(login.req, 0))
    core.clock.run_until_idle()
    assert isinstance(core.sent[-1], p.Logout)
    assert len(trace) == n
    assert state_of(client) is S.CONNECTION_STATE_DISCONNECTED
    world.check()


def test_login_too_often(style: str, make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(login=Rate(1, 10.0)))))
    alice = world.peer("alice", style)
    alice.login()
    alice.logout()
    info = failed_later(
        world,
        alice,
        lambda cb: alice.client.login(None, "alice", cb),
        LOGIN_ERR_CODE.LOGIN_ERR_TOO_OFTEN,
        "onLoginFailure",
    )
    assert "often" in info.errorDescription
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    assert state_changes(world, "alice")[-2:] == [(2, 1), (1, 3)]
    world.advance(10.0)
    alice.login()
    world.check()


def test_login_to_another_app_is_a_separate_namespace(world: World) -> None:
    alice = world.online("alice")[0]
    other = world.peer("other", app_id=APP2)
    other.login("alice")  # same user ID, another app: no kick
    assert alice.state is S.CONNECTION_STATE_CONNECTED
    cb = other.send("bob", "x")
    world.run()
    assert cb.error().errorCode == PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_PEER_UNREACHABLE


# --- remote login kick ---------------------------------------------------------------


def test_remote_login_kicks_the_older_session(world: World, style: str) -> None:
    first = world.peer("first", style)
    first.login("alice")
    bob = world.online("bob")[0]
    first_room = first.join("room")
    bob.join("room")
    sub = bob.cb()
    world.api(lambda: bob.client.subscribePeersOnlineStatus(["alice"], sub))
    world.run()
    world.trace.clear()

    second = world.peer("second")
    second.login("alice")
    assert first.state is S.CONNECTION_STATE_ABORTED
    assert state_changes(world, "first") == [(5, 8)]
    assert first_room.state.value == "idle"
    # bob saw alice leave the channel, but alice never went offline
    left = world.trace.args(bob.ch("room"), "onMemberLeft")
    assert [m[0].userId for m in left] == ["alice"]
    assert world.trace.of("bob", "onPeersOnlineStatusChanged") == []
    # the kicked client is not logged in: calls fail, login needs a logout first
    rejected(
        world,
        first,
        lambda cb: first.client.sendMessageToPeer("bob", RtmMessage("x"), None, cb),
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_USER_NOT_LOGGED_IN,
        "onSendMessageResult",
    )
    rejected(
        world,
        first,
        lambda cb: first.client.login(None, "alice", cb),
        LOGIN_ERR_CODE.LOGIN_ERR_ALREADY_LOGIN,
        "onLoginFailure",
    )
    assert first.state is S.CONNECTION_STATE_ABORTED
    first.logout()
    assert state_changes(world, "first")[-1] == (1, 6)
    # messages now reach the second session
    cb = bob.send("alice", "to the new one")
    world.run()
    assert cb.code == 0
    assert [a[0] for a in world.trace.args("second", "onMessageReceivedFromPeer")] == ["bob"]
    # logging in again kicks the second session in turn
    first.login("alice")
    assert second.state is S.CONNECTION_STATE_ABORTED
    assert state_changes(world, "second")[-1] == (5, 8)


# --- tokens ----------------------------------------------------------------------------


def cert_world(make_world: MakeWorld) -> World:
    return make_world(ServiceConfig(app_certificates={APP: CERT}))


def test_token_will_expire_then_expired(style: str, make_world: MakeWorld) -> None:
    world = cert_world(make_world)
    alice, bob = world.peer("alice", style), world.peer("bob")
    alice.login(token=token("alice", 100, world.now))
    bob.login(token=token("bob", 10_000, world.now))
    alice.join("room")
    bob.join("room")
    world.api(lambda: bob.client.subscribePeersOnlineStatus(["alice"]))
    world.run()
    world.trace.clear()
    world.advance(69.9)
    assert world.trace.of("alice") == []
    world.advance(0.2)  # 30 s before expiry
    assert alice.names() == ["onTokenPrivilegeWillExpire"]
    world.advance(29.9)  # t = 100 exactly
    assert alice.state is S.CONNECTION_STATE_ABORTED
    assert alice.names() == [
        "onTokenPrivilegeWillExpire",
        "onConnectionStateChanged",
        "onTokenExpired",
    ]
    assert state_changes(world, "alice") == [(5, 9)]
    # the service ended the session: alice left the channel and went offline
    assert [m[0].userId for m in world.trace.args(bob.ch("room"), "onMemberLeft")] == ["alice"]
    statuses = world.trace.args("bob", "onPeersOnlineStatusChanged")
    assert statuses == [([PeerOnlineStatus("alice", OFFLINE)], 1)]
    # recover: logout, then login with a fresh token
    alice.logout()
    alice.login(token=token("alice", 1000, world.now))
    world.check()


def test_renew_token_extends_the_session(style: str, make_world: MakeWorld) -> None:
    world = cert_world(make_world)
    alice = world.peer("alice", style)
    alice.login(token=token("alice", 100, world.now))
    world.advance(50)
    fresh = token("alice", 300, world.now)
    cb = alice.cb()
    assert world.api(lambda: alice.client.renewToken(fresh, cb)) == 0
    world.run()
    assert cb.value() is None
    if not alice.java:
        assert world.trace.one("alice", "onRenewTokenResult") == (fresh, 0)
    world.advance(200)  # past the old expiry (t=100) and the old warning (t=70)
    assert alice.state is S.CONNECTION_STATE_CONNECTED
    assert "onTokenPrivilegeWillExpire" not in alice.names()
    world.advance(70)  # t = 320: 30 s before the new expiry at 350
    assert alice.names()[-1] == "onTokenPrivilegeWillExpire"
    world.advance(30)
    assert state(alice) is S.CONNECTION_STATE_ABORTED
    world.check()


def test_renew_token_errors(style: str, make_world: MakeWorld) -> None:
    world = cert_world(make_world)
    alice = world.peer("alice", style)
    alice.login(token=token("alice", 100, world.now))
    for bad, code in [
        ("garbage", RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_INVALID_TOKEN),
        (token("bob", 500, world.now), RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_INVALID_TOKEN),
        (token("alice", -5, world.now), RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_TOKEN_EXPIRED),
    ]:
        failed_later(
            world,
            alice,
            lambda cb, t=bad: alice.client.renewToken(t, cb),  # type: ignore[misc]
            code,
            "onRenewTokenResult",
        )
        world.advance(1.0)  # stay under the renew rate
    rejected(
        world,
        alice,
        lambda cb: alice.client.renewToken(123, cb),  # type: ignore[arg-type]
        RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_INVALID_ARGUMENT,
        "onRenewTokenResult",
    )
    # the failed renewals changed nothing: the original token still expires at t=100
    world.advance(100)
    assert alice.state is S.CONNECTION_STATE_ABORTED
    world.check()


def test_renew_token_requires_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    rejected(
        world,
        alice,
        lambda cb: alice.client.renewToken("t", cb),
        RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_USER_NOT_LOGGED_IN,
        "onRenewTokenResult",
    )


def test_renew_token_too_often(style: str, make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(renew_token=Rate(1, 5.0)))))
    alice = world.online("alice", style=style)[0]
    cb = alice.cb()
    world.api(lambda: alice.client.renewToken("t1", cb))
    world.run()
    assert cb.code == 0
    failed_later(
        world,
        alice,
        lambda c: alice.client.renewToken("t2", c),
        RENEW_TOKEN_ERR_CODE.RENEW_TOKEN_ERR_TOO_OFTEN,
        "onRenewTokenResult",
    )
    world.check()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda now: None, LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda now: "", LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda now: "006garbage", LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda now: token("bob", 100, now), LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (
            lambda now: token("alice", 100, now, cert="0" * 32),
            LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN,
        ),
        (lambda now: token("alice", 100, now, app=APP2), LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN),
        (lambda now: token("alice", -1, now), LOGIN_ERR_CODE.LOGIN_ERR_TOKEN_EXPIRED),
        (lambda now: token("alice", 0, now), LOGIN_ERR_CODE.LOGIN_ERR_TOKEN_EXPIRED),
    ],
)
def test_login_with_bad_tokens(
    make: Callable[[float], str | None], code: int, style: str, make_world: MakeWorld
) -> None:
    world = cert_world(make_world)
    alice = world.peer("alice", style)
    tok = make(world.now)
    failed_later(
        world, alice, lambda cb: alice.client.login(tok, "alice", cb), code, "onLoginFailure"
    )
    assert alice.state is S.CONNECTION_STATE_DISCONNECTED
    assert state_changes(world, "alice") == [(2, 1), (1, 3)]
    world.check()


def test_bare_app_id_accepts_any_token(world: World) -> None:
    for i, tok in enumerate([None, "", "anything", token("someone-else", -100, world.now)]):
        peer = world.peer(f"u{i}")
        peer.login(token=tok)
    # and nothing expires
    world.advance(3 * 24 * 3600)
    assert all(p.state is S.CONNECTION_STATE_CONNECTED for p in world.peers.values())


def test_privilege_zero_never_expires_but_token_ts_does(make_world: MakeWorld) -> None:
    world = cert_world(make_world)
    alice = world.peer("alice")
    # kRtmLogin 0: only the token's own validity (24 h after "now") limits it
    tok = build_rtm_token(APP, CERT, "alice", 0, salt=1, now=world.now)
    alice.login(token=tok)
    world.advance(24 * 3600 - 31)
    assert "onTokenPrivilegeWillExpire" not in alice.names()
    world.advance(2)
    assert alice.names()[-1] == "onTokenPrivilegeWillExpire"
    world.advance(30)
    assert alice.state is S.CONNECTION_STATE_ABORTED


# --- peer messages -----------------------------------------------------------------------


def test_peer_text_message_success_means_delivered(world: World, style: str) -> None:
    alice, bob = world.peer("alice", style), world.peer("bob", style)
    alice.login()
    bob.login()
    world.trace.clear()
    message = alice.client.createMessage("hello")
    cb = alice.cb()
    assert world.api(lambda: alice.client.sendMessageToPeer("bob", message, None, cb)) == 0
    world.run()
    assert cb.value() is None
    events = world.trace.events
    received = next(i for i, e in enumerate(events) if e.who == "bob")
    result = next(i for i, e in enumerate(events) if e.who == cb.who)
    assert received < result  # the peer had it before the sender heard "OK"
    if bob.java:
        (got, peer_id) = world.trace.one("bob", "onMessageReceived")
    else:
        (peer_id, got) = world.trace.one("bob", "onMessageReceivedFromPeer")
        assert world.trace.one("alice", "onSendMessageResult") == (message.messageId, 0)
    assert peer_id == "alice"
    assert isinstance(got, RtmMessage)
    assert got.getText() == "hello"
    assert got.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_TEXT
    assert not got.isOfflineMessage()
    assert got.getServerReceivedTs() == int(world.now * 1000)


def test_peer_raw_message(world: World, style: str) -> None:
    alice, bob = world.peer("alice", style), world.peer("bob", style)
    alice.login()
    bob.login()
    raw = bytes(range(256))
    message = alice.client.createMessage(raw, "a description")
    cb = alice.cb()
    world.api(lambda: alice.client.sendMessageToPeer("bob", message, None, cb))
    world.run()
    assert cb.code == 0
    event = "onMessageReceived" if bob.java else "onMessageReceivedFromPeer"
    args = world.trace.one("bob", event)
    got = args[0] if bob.java else args[1]
    assert got.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_RAW
    assert got.getRawMessage() == raw and got.getRawMessageLength() == 256
    assert got.getText() == "a description"


def test_create_message_forms(world: World) -> None:
    client = world.peer("alice").client
    assert client.createMessage().getText() == ""
    assert client.createMessage("t").getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_TEXT
    raw = client.createMessage(b"ab")
    assert raw.getMessageType() == MESSAGE_TYPE.MESSAGE_TYPE_RAW and raw.raw == b"ab"
    with pytest.raises(TypeError, match="str or bytes"):
        client.createMessage(42)  # type: ignore[arg-type]


def test_peer_unreachable_when_offline(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    failed_later(
        world,
        alice,
        lambda cb: alice.client.sendMessageToPeer("bob", RtmMessage("hi"), None, cb),
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_PEER_UNREACHABLE,
        "onSendMessageResult",
    )
    # nothing was kept for bob
    bob = world.peer("bob")
    bob.login()
    assert bob.events("onMessageReceivedFromPeer") == []


def test_offline_messages_cached_and_delivered_at_next_login(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    options = SendMessageOptions(enableOfflineMessaging=True)
    for text in ("one", "two"):
        failed_later(
            world,
            alice,
            lambda cb, t=text: alice.client.sendMessageToPeer(  # type: ignore[misc]
                "bob", RtmMessage(t), options, cb
            ),
            PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_CACHED_BY_SERVER,
            "onSendMessageResult",
        )
    bob = world.peer("bob", style)
    bob.login()
    event = "onMessageReceived" if bob.java else "onMessageReceivedFromPeer"
    received = world.trace.args("bob", event)
    messages = [a[0] if bob.java else a[1] for a in received]
    senders = [a[1] if bob.java else a[0] for a in received]
    assert [m.getText() for m in messages] == ["one", "two"]
    assert senders == ["alice", "alice"]
    assert all(m.isOfflineMessage() for m in messages)
    # delivered once only
    bob.logout()
    bob.login()
    assert len(world.trace.args("bob", event)) == 2


def test_offline_messages_capped_at_200_newest_kept(world: World) -> None:
    alice = world.online("alice")[0]
    options = SendMessageOptions(enableOfflineMessaging=True)
    for i in range(205):
        world.api(
            lambda i=i: alice.client.sendMessageToPeer(  # type: ignore[misc]
                "bob", RtmMessage(f"m{i}"), options
            )
        )
    world.run()
    codes = [a[1] for a in world.trace.args("alice", "onSendMessageResult")]
    assert codes == [PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_CACHED_BY_SERVER] * 205
    bob = world.peer("bob")
    bob.login()
    texts = [a[1].text for a in world.trace.args("bob", "onMessageReceivedFromPeer")]
    assert texts == [f"m{i}" for i in range(5, 205)]


@pytest.mark.parametrize(("wait", "kept"), [(7 * 24 * 3600 - 1, True), (7 * 24 * 3600 + 1, False)])
def test_offline_messages_expire_after_7_days(world: World, wait: float, kept: bool) -> None:
    alice = world.online("alice")[0]
    world.api(
        lambda: alice.client.sendMessageToPeer(
            "bob", RtmMessage("old"), SendMessageOptions(enableOfflineMessaging=True)
        )
    )
    world.run()
    world.advance(wait)
    bob = world.peer("bob")
    bob.login()
    texts = [a[1].text for a in world.trace.args("bob", "onMessageReceivedFromPeer")]
    assert texts == (["old"] if kept else [])


@pytest.mark.parametrize(
    ("peer_id", "message", "code", "fragment"),
    [
        ("", RtmMessage("x"), 6, "empty"),
        ("null", RtmMessage("x"), 6, "null"),
        ("b" * 65, RtmMessage("x"), 6, "64"),
        ("b*b", RtmMessage("x"), 6, "characters"),
        (None, RtmMessage("x"), 6, "string"),
        ("bob", "not a message", 7, "RtmMessage"),
        ("bob", None, 7, "RtmMessage"),
        ("bob", RtmMessage("x" * (32 * 1024 + 1)), 7, "32768"),
        ("bob", RtmMessage("", b"\x00" * (32 * 1024 + 1)), 7, "32768"),
        ("bob", RtmMessage("é" * (16 * 1024) + "x"), 7, "32768"),
    ],
)
def test_send_message_to_peer_bad_input(
    world: World, style: str, peer_id: Any, message: Any, code: int, fragment: str
) -> None:
    alice, bob = world.peer("alice", style), world.peer("bob")
    alice.login()
    bob.login()
    info = rejected(
        world,
        alice,
        lambda cb: alice.client.sendMessageToPeer(peer_id, message, None, cb),
        code,
        "onSendMessageResult",
    )
    assert fragment in info.errorDescription
    assert bob.events("onMessageReceivedFromPeer") == []
    assert alice.state is S.CONNECTION_STATE_CONNECTED


def test_message_of_exactly_32_kb_is_accepted(world: World) -> None:
    alice, _bob = world.online("alice", "bob")
    cb = alice.cb()
    world.api(lambda: alice.client.sendMessageToPeer("bob", RtmMessage("x" * 32 * 1024), None, cb))
    world.run()
    assert cb.code == 0
    assert len(world.trace.one("bob", "onMessageReceivedFromPeer")[1].text) == 32 * 1024


def test_send_message_to_peer_requires_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    rejected(
        world,
        alice,
        lambda cb: alice.client.sendMessageToPeer("bob", RtmMessage("x"), None, cb),
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_USER_NOT_LOGGED_IN,
        "onSendMessageResult",
    )


def test_peer_messages_too_often(style: str, make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(messages=Rate(3, 3.0)))))
    alice = world.peer("alice", style)
    bob = world.peer("bob")
    alice.login()
    bob.login()
    sent = [alice.send("bob", f"m{i}") for i in range(3)]
    world.run()
    assert [cb.code for cb in sent] == [0, 0, 0]
    failed_later(
        world,
        alice,
        lambda cb: alice.client.sendMessageToPeer("bob", RtmMessage("m3"), None, cb),
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_TOO_OFTEN,
        "onSendMessageResult",
    )
    texts = [a[1].text for a in world.trace.args("bob", "onMessageReceivedFromPeer")]
    assert texts == ["m0", "m1", "m2"]  # the refused message was not delivered
    world.advance(3.0)
    cb = alice.send("bob", "later")
    world.run()
    assert cb.code == 0
    world.check()


def test_peer_messages_keep_per_sender_order(world: World) -> None:
    alice, bob, _carol = world.online("alice", "bob", "carol")
    for i in range(50):
        alice.send("carol", f"a{i}")
        bob.send("carol", f"b{i}")
    world.run()
    got = world.trace.args("carol", "onMessageReceivedFromPeer")
    assert [m.text for u, m in got if u == "alice"] == [f"a{i}" for i in range(50)]
    assert [m.text for u, m in got if u == "bob"] == [f"b{i}" for i in range(50)]


def test_cpp_client_with_result_callback_gets_both(world: World) -> None:
    alice, _bob = world.online("alice", "bob")
    message = RtmMessage("x")
    cb = alice.cb()
    world.api(lambda: alice.client.sendMessageToPeer("bob", message, None, cb))
    world.run()
    assert cb.value() is None
    assert world.trace.one("alice", "onSendMessageResult") == (message.messageId, 0)


def test_several_handlers(world: World) -> None:
    alice = world.peer("alice")
    extra = ServiceHandler(world.trace, "extra")
    assert alice.client.addEventHandler(extra) == 0
    assert alice.client.addEventHandler(None) != 0
    alice.login()
    assert world.trace.names("extra") == world.trace.names("alice")
    alice.client.removeEventHandler(extra)
    alice.logout()
    assert "onLogout" not in world.trace.names("extra")


# --- presence ----------------------------------------------------------------------------


def test_query_peers_online_status(world: World, style: str) -> None:
    alice, _bob = world.online("alice", "bob", style=style)
    request = RequestId()
    cb = alice.cb()
    assert (
        world.api(
            lambda: alice.client.queryPeersOnlineStatus(
                ["bob", "carol", "bob"], cb, requestId=request
            )
        )
        == 0
    )
    assert request.value > 0
    world.run()
    assert cb.value() == {"bob": True, "carol": False}
    if not alice.java:
        req, statuses, count, code = world.trace.one("alice", "onQueryPeersOnlineStatusResult")
        assert (req, count, code) == (request.value, 2, 0)
        assert statuses == [PeerOnlineStatus("bob", ONLINE), PeerOnlineStatus("carol", OFFLINE)]


@pytest.mark.parametrize(
    "peers", [[], "bob", None, ["ok", ""], ["null"], ["x" * 65], [f"p{i}" for i in range(257)]]
)
def test_query_peers_online_status_bad_input(world: World, style: str, peers: Any) -> None:
    alice = world.online("alice", style=style)[0]
    request = RequestId()
    rejected(
        world,
        alice,
        lambda cb: alice.client.queryPeersOnlineStatus(peers, cb, requestId=request),
        QUERY_PEERS_ONLINE_STATUS_ERR.QUERY_PEERS_ONLINE_STATUS_ERR_INVALID_ARGUMENT,
        "onQueryPeersOnlineStatusResult",
    )
    if not alice.java:
        assert world.trace.args("alice", "onQueryPeersOnlineStatusResult")[-1][0] == request.value


def test_query_online_too_often(make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(query_online=Rate(1, 5.0)))))
    alice = world.online("alice")[0]
    world.api(lambda: alice.client.queryPeersOnlineStatus(["x"]))
    world.run()
    failed_later(
        world,
        alice,
        lambda cb: alice.client.queryPeersOnlineStatus(["x"], cb),
        QUERY_PEERS_ONLINE_STATUS_ERR.QUERY_PEERS_ONLINE_STATUS_ERR_TOO_OFTEN,
        "onQueryPeersOnlineStatusResult",
    )
    world.check()


def presence_pushes(world: World, peer: Peer) -> list[dict[str, int]]:
    if peer.java:
        return [dict(a[0]) for a in world.trace.args(peer.name, "onPeersOnlineStatusChanged")]
    out = []
    for statuses, count in world.trace.args(peer.name, "onPeersOnlineStatusChanged"):
        assert count == len(statuses)
        out.append({s.peerId: int(s.onlineState) for s in statuses})
    return out


def test_subscribe_pushes_initial_states_then_changes(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    bob = world.online("bob")[0]
    cb = alice.cb()
    request = RequestId()
    assert (
        world.api(
            lambda: alice.client.subscribePeersOnlineStatus(["bob", "carol"], cb, requestId=request)
        )
        == 0
    )
    world.run()
    assert cb.value() is None
    if not alice.java:
        assert world.trace.one("alice", "onSubscriptionRequestResult") == (request.value, 0)
    assert presence_pushes(world, alice) == [{"bob": 0, "carol": 2}]
    carol = world.peer("carol")
    carol.login()
    bob.logout()
    assert presence_pushes(world, alice)[1:] == [{"carol": 0}, {"bob": 2}]
    # subscribing again to a peer already subscribed pushes nothing new
    world.api(lambda: alice.client.subscribePeersOnlineStatus(["bob"]))
    world.run()
    assert len(presence_pushes(world, alice)) == 3
    # the subscription list
    q = alice.cb()
    world.api(lambda: alice.client.queryPeersBySubscriptionOption(0, q))
    world.run()
    assert q.value() == {"bob", "carol"}
    # unsubscribe: no more pushes for bob
    u = alice.cb()
    world.api(lambda: alice.client.unsubscribePeersOnlineStatus(["bob"], u))
    world.run()
    assert u.value() is None
    bob.login()
    carol.logout()
    assert presence_pushes(world, alice)[3:] == [{"carol": 2}]


def test_query_peers_by_subscription_option_cpp(world: World) -> None:
    alice = world.online("alice")[0]
    world.api(lambda: alice.client.subscribePeersOnlineStatus(["b", "a"]))
    request = RequestId()
    world.api(lambda: alice.client.queryPeersBySubscriptionOption(requestId=request))
    world.run()
    req, peers, count, code = world.trace.one("alice", "onQueryPeersBySubscriptionOptionResult")
    assert (req, sorted(peers), count, code) == (request.value, ["a", "b"], 2, 0)
    rejected(
        world,
        alice,
        lambda cb: alice.client.queryPeersBySubscriptionOption(5, cb),
        QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR.QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR_FAILURE,
        "onQueryPeersBySubscriptionOptionResult",
    )


def test_subscriptions_are_cleared_by_logout(world: World) -> None:
    alice = world.online("alice")[0]
    world.api(lambda: alice.client.subscribePeersOnlineStatus(["bob"]))
    world.run()
    alice.logout()
    alice.login()
    q = alice.cb()
    world.api(lambda: alice.client.queryPeersBySubscriptionOption(0, q))
    world.run()
    assert q.value() == set()
    world.peer("bob").login()
    assert len(presence_pushes(world, alice)) == 1  # only the initial push, before logout


def test_subscription_overflow_at_512(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    many = [f"p{i}" for i in range(500)]
    cb = alice.cb()
    world.api(lambda: alice.client.subscribePeersOnlineStatus(many, cb))
    world.run()
    assert cb.code == 0
    more = [f"q{i}" for i in range(13)]
    failed_later(
        world,
        alice,
        lambda c: alice.client.subscribePeersOnlineStatus(more, c),
        PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW,
        "onSubscriptionRequestResult",
    )
    # nothing of the refused batch was subscribed; 12 more still fit
    ok = alice.cb()
    world.api(lambda: alice.client.subscribePeersOnlineStatus(more[:12], ok))
    world.run()
    assert ok.code == 0
    q = alice.cb()
    world.api(lambda: alice.client.queryPeersBySubscriptionOption(0, q))
    world.run()
    assert len(q.value()) == 512


def test_subscribing_513_at_once_overflows(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    peers = (f"p{i}" for i in range(513))  # any iterable, even a one-shot generator
    rejected(
        world,
        alice,
        lambda cb: alice.client.subscribePeersOnlineStatus(peers, cb),
        PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW,
        "onSubscriptionRequestResult",
    )
    # 512 distinct peers (with repeats) fit, from a generator too
    ok = alice.cb()
    world.api(
        lambda: alice.client.subscribePeersOnlineStatus((f"p{i % 512}" for i in range(600)), ok)
    )
    world.run()
    assert ok.code == 0


@pytest.mark.parametrize("peers", [[], "bob", ["a", "null"], [3]])
def test_subscribe_bad_input(world: World, style: str, peers: Any) -> None:
    alice = world.online("alice", style=style)[0]
    for call in (
        alice.client.subscribePeersOnlineStatus,
        alice.client.unsubscribePeersOnlineStatus,
    ):
        rejected(
            world,
            alice,
            lambda cb, call=call: call(peers, cb),  # type: ignore[misc]
            PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT,
            "onSubscriptionRequestResult",
        )


def test_subscription_too_often(make_world: MakeWorld) -> None:
    world = make_world(ServiceConfig(limits=Limits(rates=Rates(subscription=Rate(2, 5.0)))))
    alice = world.online("alice")[0]
    world.api(lambda: alice.client.subscribePeersOnlineStatus(["a"]))
    world.api(lambda: alice.client.unsubscribePeersOnlineStatus(["a"]))
    world.run()
    failed_later(
        world,
        alice,
        lambda cb: alice.client.subscribePeersOnlineStatus(["b"], cb),
        PEER_SUBSCRIPTION_STATUS_ERR.PEER_SUBSCRIPTION_STATUS_ERR_TOO_OFTEN,
        "onSubscriptionRequestResult",
    )
    failed_later(
        world,
        alice,
        lambda cb: alice.client.queryPeersBySubscriptionOption(0, cb),
        QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR.QUERY_PEERS_BY_SUBSCRIPTION_OPTION_ERR_TOO_OFTEN,
        "onQueryPeersBySubscriptionOptionResult",
    )
    world.advance(5.0)
    q = alice.cb()
    world.api(lambda: alice.client.queryPeersBySubscriptionOption(0, q))
    world.run()
    assert q.value() == set()  # "b" was never subscribed
    world.check()


# --- user attributes -----------------------------------------------------------------------


def attrs_of(world: World, reader: Peer, user: str) -> dict[str, str]:
    cb = reader.cb("get")
    assert world.api(lambda: reader.client.getUserAttributes(user, cb)) == 0
    world.run()
    return {a.key: a.value for a in cb.value()}


def write(world: World, peer: Peer, call: Callable[[Results], int]) -> None:
    cb = peer.cb("write")
    assert world.api(lambda: call(cb)) == 0
    world.run()
    assert cb.value() is None


def test_user_attribute_operations(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    c = alice.client
    A = RtmAttribute
    write(world, alice, lambda cb: c.setLocalUserAttributes([A("a", "1"), A("b", "2")], cb))
    assert attrs_of(world, bob, "alice") == {"a": "1", "b": "2"}
    write(world, alice, lambda cb: c.addOrUpdateLocalUserAttributes([A("b", "3"), A("c", "4")], cb))
    assert attrs_of(world, bob, "alice") == {"a": "1", "b": "3", "c": "4"}
    write(world, alice, lambda cb: c.deleteLocalUserAttributesByKeys(["a", "zz"], cb))
    assert attrs_of(world, alice, "alice") == {"b": "3", "c": "4"}
    write(world, alice, lambda cb: c.setLocalUserAttributes([A("x", "9")], cb))
    assert attrs_of(world, bob, "alice") == {"x": "9"}  # set replaces everything
    write(world, alice, lambda cb: c.addOrUpdateLocalUserAttributes([A("y", "8")], cb))
    by_keys = bob.cb()
    world.api(lambda: bob.client.getUserAttributesByKeys("alice", ["y", "nope"], by_keys))
    world.run()
    assert by_keys.value() == [RtmAttribute("y", "8")]
    write(world, alice, c.clearLocalUserAttributes)
    assert attrs_of(world, bob, "alice") == {}
    write(world, alice, lambda cb: c.setLocalUserAttributes([], cb))  # empty set = clear


def test_user_attribute_callbacks_cpp(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    requests = [RequestId() for _ in range(6)]
    world.api(
        lambda: alice.client.setLocalUserAttributes([RtmAttribute("k", "v")], requestId=requests[0])
    )
    world.api(
        lambda: alice.client.addOrUpdateLocalUserAttributes(
            [RtmAttribute("k2", "v2")], requestId=requests[1]
        )
    )
    world.api(lambda: bob.client.getUserAttributes("alice", requestId=requests[2]))
    world.api(lambda: bob.client.getUserAttributesByKeys("alice", ["k2"], requestId=requests[3]))
    world.api(lambda: alice.client.deleteLocalUserAttributesByKeys(["k"], requestId=requests[4]))
    world.api(lambda: alice.client.clearLocalUserAttributes(requestId=requests[5]))
    world.run()
    ids = [r.value for r in requests]
    assert len(set(ids[:2] + ids[4:])) == 4 and all(ids)
    assert world.trace.one("alice", "onSetLocalUserAttributesResult") == (ids[0], 0)
    assert world.trace.one("alice", "onAddOrUpdateLocalUserAttributesResult") == (ids[1], 0)
    assert world.trace.one("alice", "onDeleteLocalUserAttributesResult") == (ids[4], 0)
    assert world.trace.one("alice", "onClearLocalUserAttributesResult") == (ids[5], 0)
    results = world.trace.args("bob", "onGetUserAttributesResult")
    assert results == [
        (ids[2], "alice", [RtmAttribute("k", "v"), RtmAttribute("k2", "v2")], 2, 0),
        (ids[3], "alice", [RtmAttribute("k2", "v2")], 1, 0),
    ]


def test_user_attributes_of_offline_users_not_found(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    write(world, bob, lambda cb: bob.client.setLocalUserAttributes([RtmAttribute("k", "v")], cb))
    bob.logout()
    for call in (
        lambda cb: alice.client.getUserAttributes("bob", cb),
        lambda cb: alice.client.getUserAttributesByKeys("bob", ["k"], cb),
        lambda cb: alice.client.getUserAttributes("nobody", cb),
    ):
        failed_later(
            world,
            alice,
            call,
            ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_USER_NOT_FOUND,
            "onGetUserAttributesResult",
        )
    # attributes do not survive a logout
    bob.login()
    assert attrs_of(world, alice, "bob") == {}


def test_user_attributes_dropped_on_remote_login(world: World) -> None:
    first = world.peer("first")
    first.login("alice")
    write(
        world, first, lambda cb: first.client.setLocalUserAttributes([RtmAttribute("k", "v")], cb)
    )
    world.peer("second").login("alice")
    assert attrs_of(world, world.online("bob")[0], "alice") == {}


A = RtmAttribute
INVALID = ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT
OVERFLOW = ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW


@pytest.mark.parametrize(
    ("op", "arg", "code"),
    [
        ("set", "not a list", INVALID),
        ("set", [("k", "v")], INVALID),
        ("set", None, INVALID),
        ("add", [], INVALID),
        ("delete", [], INVALID),
        ("delete", [""], INVALID),
        ("delete", "k", INVALID),
        ("get_keys", [], INVALID),
    ],
)
def test_user_attribute_bad_arguments_rejected_at_once(
    world: World, style: str, op: str, arg: Any, code: int
) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    write(world, alice, lambda cb: alice.client.setLocalUserAttributes([A("keep", "me")], cb))
    calls: dict[str, tuple[Callable[[Results], int], str]] = {
        "set": (
            lambda cb: alice.client.setLocalUserAttributes(arg, cb),
            "onSetLocalUserAttributesResult",
        ),
        "add": (
            lambda cb: alice.client.addOrUpdateLocalUserAttributes(arg, cb),
            "onAddOrUpdateLocalUserAttributesResult",
        ),
        "delete": (
            lambda cb: alice.client.deleteLocalUserAttributesByKeys(arg, cb),
            "onDeleteLocalUserAttributesResult",
        ),
        "get_keys": (
            lambda cb: alice.client.getUserAttributesByKeys("bob", arg, cb),
            "onGetUserAttributesResult",
        ),
    }
    call, event = calls[op]
    rejected(world, alice, call, code, event)
    assert attrs_of(world, bob, "alice") == {"keep": "me"}


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ([A("", "v")], INVALID),
        ([A("k", "")], INVALID),
        ([A("has space", "v")], INVALID),
        ([A("k" * 33, "v")], OVERFLOW),
        ([A("k", "v" * (8 * 1024 + 1))], OVERFLOW),
        ([A(f"k{i}", "v") for i in range(33)], OVERFLOW),
        ([A(f"k{i}", "v" * 6000) for i in range(3)], OVERFLOW),  # 18 KB > 16 KB total
    ],
)
def test_user_attribute_sizes_and_counts(
    world: World, style: str, attributes: list[RtmAttribute], code: int
) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    write(world, alice, lambda cb: alice.client.setLocalUserAttributes([A("keep", "me")], cb))
    for call, event in (
        (alice.client.setLocalUserAttributes, "onSetLocalUserAttributesResult"),
        (alice.client.addOrUpdateLocalUserAttributes, "onAddOrUpdateLocalUserAttributesResult"),
    ):
        failed_later(
            world,
            alice,
            lambda cb, call=call: call(attributes, cb),  # type: ignore[misc]
            code,
            event,
        )
    assert attrs_of(world, bob, "alice") == {"keep": "me"}


def test_user_attribute_limits_are_inclusive(world: World) -> None:
    alice, bob = world.online("alice", "bob")
    exact = [A(f"k{i:02}", "v") for i in range(32)]
    write(world, alice, lambda cb: alice.client.setLocalUserAttributes(exact, cb))
    assert len(attrs_of(world, bob, "alice")) == 32
    # adding a 33rd via add-or-update overflows the count, and changes nothing
    failed_later(
        world,
        alice,
        lambda cb: alice.client.addOrUpdateLocalUserAttributes([A("one-more", "v")], cb),
        OVERFLOW,
        "onAddOrUpdateLocalUserAttributesResult",
    )
    assert len(attrs_of(world, bob, "alice")) == 32
    big = [A("k" * 32, "v" * (8 * 1024 - 32))]
    write(world, alice, lambda cb: alice.client.setLocalUserAttributes(big, cb))


def test_user_attribute_ops_require_login(world: World, style: str) -> None:
    alice = world.peer("alice", style)
    rejected(
        world,
        alice,
        lambda cb: alice.client.setLocalUserAttributes([A("k", "v")], cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_USER_NOT_LOGGED_IN,
        "onSetLocalUserAttributesResult",
    )
    rejected(
        world,
        alice,
        lambda cb: alice.client.getUserAttributes("bob", cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_USER_NOT_LOGGED_IN,
        "onGetUserAttributesResult",
    )


def test_user_attribute_rates(make_world: MakeWorld) -> None:
    rates = Rates(user_attr_write=Rate(1, 5.0), user_attr_read=Rate(1, 5.0))
    world = make_world(ServiceConfig(limits=Limits(rates=rates)))
    alice, bob = world.online("alice", "bob")
    write(world, alice, lambda cb: alice.client.setLocalUserAttributes([A("k", "v")], cb))
    failed_later(
        world,
        alice,
        alice.client.clearLocalUserAttributes,
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN,
        "onClearLocalUserAttributesResult",
    )
    assert attrs_of(world, bob, "alice") == {"k": "v"}  # the refused clear changed nothing
    failed_later(
        world,
        bob,
        lambda cb: bob.client.getUserAttributes("alice", cb),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_TOO_OFTEN,
        "onGetUserAttributesResult",
    )
    world.check()


def test_get_user_attributes_bad_user_id(world: World, style: str) -> None:
    alice = world.online("alice", style=style)[0]
    info = rejected(
        world,
        alice,
        lambda cb: alice.client.getUserAttributes("bad/id", cb),
        INVALID,
        "onGetUserAttributesResult",
    )
    assert "characters" in info.errorDescription


# --- misc ----------------------------------------------------------------------------------


def test_setters_that_do_nothing_report_success(world: World) -> None:
    client = world.peer("alice").client
    assert client.setParameters("{}") == 0
    assert client.setLogFile("/tmp/x.log") == 0
    assert client.setLogFilter(0x0F) == 0
    assert client.setLogFileSize(1024) == 0
    assert client.setLogFileSize(100) != 0  # below the documented 512 KB minimum
    assert client.core is world.core


# --- wrong types that are not covered by an RTM parameter check ---------------------------


def test_a_callback_that_is_not_a_result_callback_is_logged_never_raised(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    alice, _bob = world.online("alice", "bob")
    message = RtmMessage("x")
    not_a_callback: Any = 42
    with caplog.at_level(logging.ERROR, logger="rtm.client"):
        assert (
            world.api(lambda: alice.client.sendMessageToPeer("bob", message, None, not_a_callback))
            == 0
        )
        world.run()
        assert (
            world.api(lambda: alice.client.sendMessageToPeer("b/b", message, None, not_a_callback))
            == 6
        )
        world.run()
    # the C++ handler still got both outcomes, and bob the message
    assert world.trace.args("alice", "onSendMessageResult") == [
        (message.messageId, 0),
        (message.messageId, 6),
    ]
    assert len(world.trace.args("bob", "onMessageReceivedFromPeer")) == 1
    assert sum("not a ResultCallback" in r.getMessage() for r in caplog.records) == 2
    assert not any("service failed" in r.getMessage() for r in caplog.records)


def test_options_of_the_wrong_type(world: World, style: str) -> None:
    alice, bob = world.online("alice", "bob", style=style)
    bad: Any = {"enableOfflineMessaging": True}
    info = rejected(
        world,
        alice,
        lambda cb: alice.client.sendMessageToPeer("bob", RtmMessage("x"), bad, cb),
        PEER_MESSAGE_ERR_CODE.PEER_MESSAGE_ERR_FAILURE,
        "onSendMessageResult",
    )
    assert "SendMessageOptions" in info.errorDescription
    assert bob.events("onMessageReceivedFromPeer") == bob.events("onMessageReceived") == []
    info = rejected(
        world,
        alice,
        lambda cb: alice.client.setChannelAttributes(
            "room", [RtmChannelAttribute("k", "v")], bad, cb
        ),
        ATTRIBUTE_OPERATION_ERR.ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT,
        "onSetChannelAttributesResult",
    )
    assert "ChannelAttributeOptions" in info.errorDescription


def test_not_initialized_is_described(world: World) -> None:
    service = createRtmService(world.core)
    cb = Results(world.trace, "cb")
    assert world.api(lambda: service.logout(cb)) == 101
    world.run()
    assert "initialize" in cb.error().errorDescription


@pytest.mark.parametrize("style", ["cpp", "java"])
def test_banned_by_server_aborts_with_reason_7(style: str) -> None:
    core = _SilentCore()
    world = World()
    handler = (
        ServiceHandler(world.trace, "a") if style == "cpp" else ClientListener(world.trace, "a")
    )
    client = createRtmService(core)
    client.initialize(APP, handler)
    client.login(None, "alice")
    assert core.transport is not None
    login = core.sent[0]
    assert isinstance(login, p.Login)
    with core.clock.lock:
        core.transport.on_frame(p.Result(login.req, 0))
        core.transport.on_frame(p.Kicked(int(R.CONNECTION_CHANGE_REASON_BANNED_BY_SERVER)))
        core.transport.on_frame(p.Kicked(int(R.CONNECTION_CHANGE_REASON_BANNED_BY_SERVER)))
    core.clock.run_until_idle()
    assert state_of(client) is S.CONNECTION_STATE_ABORTED
    # the repeated kick is ignored: one state change only
    assert world.trace.args("a", "onConnectionStateChanged") == [(2, 1), (3, 2), (5, 7)]
    assert "onTokenExpired" not in world.trace.names("a")
    world.check()


# --- the API surface named by RTM 1.x ------------------------------------------------------

#: Names the mapping tables may use (mapping_tables.rtm_surface): each must be real core code.
TABLE_METHODS = sorted(rtm_surface.CPP_METHODS | rtm_surface.JAVA_METHODS)
#: RTM 1.x names no table row uses, which the core still offers (both bindings take both
#: spellings of the invitation factory; handlers, logging and versions are binding-only).
BINDING_ONLY_METHODS = [
    "IRtmService.createChannelAttribute",
    "IRtmService.addEventHandler",
    "IRtmService.removeEventHandler",
    "IRtmService.setParameters",
    "IRtmService.setLogFile",
    "IRtmService.setLogFilter",
    "IRtmService.setLogFileSize",
    "IRtmService.getRtmSdkVersion",
    "RtmClient.getSdkVersion",
    "IRtmCallManager.createLocalInvitation",
    "IRtmCallManager.setEventListener",
    "RtmCallManager.createLocalCallInvitation",
    "RtmCallManager.release",
]


@pytest.mark.parametrize("qualified", TABLE_METHODS + BINDING_ONLY_METHODS)
def test_rtm_method_names_exist(qualified: str) -> None:
    import rtm

    target: object = rtm
    for part in qualified.split("."):
        target = getattr(target, part, None)
    assert callable(target), f"rtm has no callable {qualified}"


def test_binding_only_methods_are_outside_the_table_surface() -> None:
    assert set(BINDING_ONLY_METHODS).isdisjoint(TABLE_METHODS)


def test_a_failed_request_logs_the_service_reason(caplog: pytest.LogCaptureFixture) -> None:
    """The callback carries only the code; the service's reason goes to sig2rtm.rtm.client."""
    import rtm

    app = "0123456789abcdef0123456789abcdef"
    core = rtm.EmbeddedCore.deterministic(
        rtm.ServiceConfig(app_certificates={app: "fedcba9876543210fedcba9876543210"})
    )
    failures: list[int] = []
    client = rtm.RtmClient.createInstance(app, rtm.RtmClientListener(), core)
    with caplog.at_level(logging.INFO, logger="sig2rtm.rtm.client"):
        client.login(
            "not-a-token",
            "alice",
            rtm.ResultCallback.of(None, lambda e: failures.append(e.errorCode)),
        )
        core.run_until_idle()
    assert failures == [LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN]
    logged = [r for r in caplog.records if r.name == "sig2rtm.rtm.client"]
    assert len(logged) == 1
    assert (
        logged[0]
        .getMessage()
        .startswith(f"Login failed with code {int(LOGIN_ERR_CODE.LOGIN_ERR_INVALID_TOKEN)}: ")
    )
