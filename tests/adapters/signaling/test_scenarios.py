"""Scripted legacy programs on the shim, compared with the reference model, both flavours.

Each scenario is a function of a world; it runs on ``ReferenceWorld`` and on ``ShimWorld``
(C++ and Java tables), and every instance's callback trace must be the same. Each scenario
also asserts the key legacy callbacks it exists for, so that two equally wrong traces
cannot pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.signaling import ShimWorld
from legacy_signaling.callback import RecordingCallBack, TraceEntry
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference import ReferenceWorld
from rtm.gateway.lockstep import LockstepCore

APP = "0123456789abcdef0123456789abcdef"
TOKEN = "_no_need_token"

Traces = dict[str, list[TraceEntry]]
Scenario = Callable[[Any], Traces]


def _clients(
    world: Any, *names: str, login: bool = True
) -> dict[str, tuple[Any, RecordingCallBack]]:
    out = {}
    for name in names:
        api = world.createAgoraSDKInstance(APP)
        rec = RecordingCallBack()
        api.callbackSet(rec)
        if login:
            api.login(APP, name, TOKEN, 0, "")
        world.run_until_idle()
        out[name] = (api, rec)
    return out


def _traces(clients: dict[str, tuple[Any, RecordingCallBack]]) -> Traces:
    return {name: list(rec.trace) for name, (_, rec) in clients.items()}


def chat(world: Any) -> Traces:
    c = _clients(world, "alice", "bob", "carol")
    alice, bob, carol = (c[n][0] for n in ("alice", "bob", "carol"))
    steps: list[Callable[[], object]] = [
        lambda: alice.messageInstantSend("bob", 0, "hi bob", "m1"),
        lambda: alice.messageInstantSend("nobody", 0, "later", ""),
        lambda: alice.channelJoin("lobby"),
        lambda: alice.channelSetAttr("lobby", "topic", "tea"),
        lambda: bob.channelJoin("lobby"),
        lambda: carol.channelJoin("lobby"),
        lambda: bob.messageChannelSend("lobby", "hello all", "c1"),
        lambda: carol.messageChannelSendForce("lobby", "forced", "f1"),
        lambda: alice.channelDelAttr("lobby", "missing"),
        lambda: alice.channelClearAttr("lobby"),
        lambda: bob.channelJoin("garden"),
        lambda: carol.channelLeave("lobby"),
        lambda: carol.channelLeave("lobby"),
        lambda: alice.messageChannelSend("garden", "not a member", "x"),
        alice.logout,
        alice.logout,
    ]
    for step in steps:
        step()
        world.run_until_idle()
    return _traces(c)


def attributes_and_queries(world: Any) -> Traces:
    c = _clients(world, "alice", "bob")
    alice, bob = c["alice"][0], c["bob"][0]
    steps: list[Callable[[], object]] = [
        lambda: alice.setAttr("mood", "happy"),
        lambda: alice.setAttr("color", "blue"),
        lambda: alice.getAttr("mood"),
        alice.getAttrAll,
        lambda: alice.setAttr("mood", ""),
        lambda: bob.getUserAttr("alice", "color"),
        lambda: bob.getUserAttrAll("alice"),
        lambda: bob.getUserAttrAll("ghost"),
        lambda: bob.queryUserStatus("alice"),
        lambda: bob.queryUserStatus("ghost"),
        lambda: alice.channelJoin("room"),
        lambda: bob.channelQueryUserNum("room"),
        lambda: bob.channelQueryUserIsIn("room", "alice"),
        lambda: bob.channelQueryUserIsIn("room", "bob"),
        lambda: bob.invoke("io.agora.signal.user_query_user_status", '{"account":"alice"}', "r1"),
        lambda: bob.invoke("channel_query_num", '{"name":"room"}', "r2"),
        lambda: bob.invoke(
            "io.agora.signal.user_get_attr", '{"account":"alice","name":"color"}', "r3"
        ),
        lambda: bob.invoke("io.agora.signal.nope", "{}", "r4"),
        lambda: bob.invoke("io.agora.signal.channel_query_num", "not json", "r5"),
        lambda: bob.invoke("io.agora.signal.channel_query_num", '{"name":5}', "r6"),
        lambda: alice.invoke(
            "io.agora.signal.channel_set_attr", '{"channel":"room","name":"k","value":"v"}', "r7"
        ),
        lambda: bob.invoke(
            "io.agora.signal.channel_query_user_isin", '{"name":"room","account":"alice"}', "r8"
        ),
    ]
    for step in steps:
        step()
        world.run_until_idle()
    return _traces(c)


def invitations(world: Any) -> Traces:
    c = _clients(world, "alice", "bob", "carol")
    alice, bob, carol = (c[n][0] for n in ("alice", "bob", "carol"))
    steps: list[Callable[[], object]] = [
        lambda: alice.channelInviteUser2("r1", "bob", '{"k":1}'),
        lambda: alice.channelInviteUser2("r1", "bob", ""),
        lambda: bob.channelInviteAccept("r1", "alice", 0, '{"ok":1}'),
        lambda: bob.channelInviteDTMF("r1", "alice", "12#"),
        lambda: alice.channelInviteEnd("r1", "bob", 0),
        lambda: alice.channelInviteUser("r2", "carol", 0),
        lambda: carol.channelInviteRefuse("r2", "alice", 0, '{"busy":1}'),
        lambda: carol.channelInviteAccept("r2", "alice", 0, ""),
        lambda: alice.channelInviteUser2("r3", "carol", ""),
        lambda: carol.channelInviteEnd("r3", "alice", 0),
        lambda: alice.channelInviteUser2("r4", "bob", '{"_timeout":5}'),
        lambda: world.advance(6),
        lambda: alice.channelInviteUser2("r5", "zed", ""),
        lambda: alice.channelInviteUser2("r6", "zed", '{"_require_peer_online":1}'),
        lambda: world.advance(21),
        lambda: alice.channelInviteUser2("r7", "bob", ""),
        alice.logout,
        lambda: alice.channelInviteUser2("bad", "alice", "not json"),
    ]
    for step in steps:
        step()
        world.run_until_idle()
    return _traces(c)


def kick_and_relogin(world: Any) -> Traces:
    c = _clients(world, "alice", "bob")
    alice, bob = c["alice"][0], c["bob"][0]
    again = world.createAgoraSDKInstance(APP)
    rec = RecordingCallBack()
    again.callbackSet(rec)
    steps: list[Callable[[], object]] = [
        lambda: alice.channelJoin("lobby"),
        lambda: bob.channelJoin("lobby"),
        lambda: again.login(APP, "alice", TOKEN, 0, ""),
        lambda: alice.login(APP, "alice", TOKEN, 0, ""),
        lambda: again.login(APP, "alice", TOKEN, 0, ""),
        lambda: bob.login(APP, "bob", TOKEN, 0, ""),
        lambda: bob.login(APP, "bad account", TOKEN, 0, ""),
        again.logout,
    ]
    for step in steps:
        step()
        world.run_until_idle()
    return {**_traces(c), "again": list(rec.trace)}


SCENARIOS: dict[str, Scenario] = {
    "chat": chat,
    "attributes_and_queries": attributes_and_queries,
    "invitations": invitations,
    "kick_and_relogin": kick_and_relogin,
}

#: For each scenario, legacy callbacks that must appear (account, callback name).
MUST_SEE: dict[str, list[tuple[str, str]]] = {
    "chat": [
        ("bob", "onMessageInstantReceive"),
        ("alice", "onChannelUserList"),
        ("bob", "onMessageChannelReceive"),
        ("alice", "onChannelAttrUpdated"),
        ("alice", "onLogout"),
    ],
    "attributes_and_queries": [
        ("alice", "onUserAttrAllResult"),
        ("bob", "onQueryUserStatusResult"),
        ("bob", "onChannelQueryUserIsIn"),
        ("bob", "onInvokeRet"),
    ],
    "invitations": [
        ("bob", "onInviteReceived"),
        ("alice", "onInviteAcceptedByPeer"),
        ("alice", "onInviteMsg"),
        ("bob", "onInviteEndByPeer"),
        ("carol", "onInviteEndByMyself"),
        ("alice", "onInviteFailed"),
    ],
    "kick_and_relogin": [("alice", "onLogout"), ("again", "onLoginSuccess")],
}


@contextlib.contextmanager
def _shim_world(flavour: str, over: str, request: pytest.FixtureRequest) -> Iterator[ShimWorld]:
    """A shim world whose core is embedded, or behind gateway nodes in lockstep (one on
    the memory backend, two sharing Redis); closed on the way out."""
    factory: Any = None
    if over == "gateway":
        factory = LockstepCore
    elif over == "redis":
        url = request.getfixturevalue("redis_server").url

        def factory(config: Any) -> LockstepCore:
            return LockstepCore(config, nodes=2, backend=url)

    world = ShimWorld(APP, flavour=flavour, core_factory=factory)
    try:
        yield world
    finally:
        world.close()


@pytest.mark.parametrize("over", ["embedded", "gateway", "redis"])
@pytest.mark.parametrize("flavour", ["cpp", "java"])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_shim_matches_reference(
    name: str, flavour: str, over: str, request: pytest.FixtureRequest
) -> None:
    """Each scenario on the reference and on the shim, whose core is embedded or behind
    gateway nodes (one on memory, two sharing Redis; lockstep on virtual time)."""
    scenario = SCENARIOS[name]
    expected = scenario(ReferenceWorld(APP))
    with _shim_world(flavour, over, request) as world:
        actual = scenario(world)
    for account, callback in MUST_SEE[name]:
        assert callback in [entry[0] for entry in expected[account]], (account, callback)
    for account in expected:
        assert actual[account] == expected[account], account


def test_channel_echo_and_member_list_are_emulations_native_mode_drops() -> None:
    """Native mode lets RTM behaviour through: no echo, no member list on join."""
    for mode, echoed in (("legacy", True), ("native", False)):
        world = ShimWorld(APP, mode=mode)
        c = _clients(world, "alice", "bob")
        alice, rec = c["alice"]
        c["bob"][0].channelJoin("lobby")
        alice.channelJoin("lobby")
        world.run_until_idle()
        alice.messageChannelSend("lobby", "hi", "c1")
        world.run_until_idle()
        names = [entry[0] for entry in rec.trace]
        assert ("onChannelUserList" in names) is echoed
        assert ("onMessageChannelReceive" in names) is echoed
        assert "onMessageSendSuccess" in names


#: Calls issued right after channelJoin, before its result (no settling in between).
EARLY_CALLS: dict[str, Callable[[Any], object]] = {
    "send": lambda api: api.messageChannelSend("lobby", "early", "m1"),
    "leave": lambda api: api.channelLeave("lobby"),
    "switch": lambda api: api.channelJoin("garden"),
    "attr": lambda api: api.channelSetAttr("lobby", "k", "v"),
    "mixed": lambda api: (
        api.messageInstantSend("bob", 0, "peer first", "p1"),
        api.messageChannelSend("lobby", "then the channel", "c1"),
        api.getAttrAll(),
        api.channelLeave("lobby"),
        api.messageChannelSend("lobby", "too late", "c2"),
    ),
}


def _early_call(world: Any, case: str) -> Traces:
    clients = _clients(world, "alice", "bob")
    clients["bob"][0].channelJoin("lobby")
    world.run_until_idle()
    alice = clients["alice"][0]
    alice.channelJoin("lobby")
    EARLY_CALLS[case](alice)
    world.run_until_idle()
    return _traces(clients)


@pytest.mark.parametrize("over", ["embedded", "gateway", "redis"])
@pytest.mark.parametrize("flavour", ["cpp", "java"])
@pytest.mark.parametrize("case", sorted(EARLY_CALLS))
def test_calls_before_the_join_result_act_on_the_new_channel(
    flavour: str, case: str, over: str, request: pytest.FixtureRequest
) -> None:
    """As in the legacy model, calls made right after channelJoin, before its result, act on
    the new channel: the shim holds them until RTM's join result and replays them in order."""
    legacy = _early_call(ReferenceWorld(APP), case)
    with _shim_world(flavour, over, request) as world:
        shim = _early_call(world, case)
    assert shim == legacy
    if case in ("send", "mixed"):
        assert ("onMessageSendSuccess", ("m1" if case == "send" else "c1",)) in legacy["alice"]


#: Calls made right after a channel attribute change, before its onChannelAttrUpdated.
AFTER_ATTR_CHANGE: dict[str, Callable[[Any], object]] = {
    "leave": lambda api: api.channelLeave("lobby"),
    "switch": lambda api: api.channelJoin("garden"),
    "local error": lambda api: api.messageChannelSend("garden", "not in it", "m1"),
}


@pytest.mark.parametrize("flavour", ["cpp", "java"])
@pytest.mark.parametrize("case", sorted(AFTER_ATTR_CHANGE))
def test_calls_right_after_an_attribute_change_differ_as_declared(flavour: str, case: str) -> None:
    """The declared difference channel_attr_report_order: the legacy model reports the
    change first; the shim reports RTM's notification when it arrives (never, once left)."""
    from mapping_tables import load

    table = load().flavour(flavour)
    for method in ("channelSetAttr", "channelDelAttr", "channelClearAttr"):
        assert "channel_attr_report_order" in table.method(method).differences

    def burst(world: Any) -> list[str]:
        api, rec = _clients(world, "alice")["alice"]
        api.channelJoin("lobby")
        world.run_until_idle()
        api.channelSetAttr("lobby", "k", "v")
        AFTER_ATTR_CHANGE[case](api)
        world.run_until_idle()
        return [entry[0] for entry in rec.trace]

    legacy, shim = burst(ReferenceWorld(APP)), burst(ShimWorld(APP, flavour=flavour))
    assert legacy != shim
    if case == "local error":
        assert legacy[-2:] == ["onChannelAttrUpdated", "onMessageSendError"]
        assert shim[-2:] == ["onMessageSendError", "onChannelAttrUpdated"]
    else:
        assert "onChannelAttrUpdated" in legacy and "onChannelAttrUpdated" not in shim
        assert [n for n in legacy if n != "onChannelAttrUpdated"] == shim, "nothing else differs"


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_native_force_send_outside_a_channel_reports_the_error(flavour: str) -> None:
    """Native mode sends a forced message as a plain RTM channel message, which RTM refuses
    outside the channel (CHANNEL_MESSAGE_ERR_NOT_IN_CHANNEL); the id must come back as M2's
    error, not vanish in a projection that has no code for it."""
    world = ShimWorld(APP, flavour=flavour, mode="native")
    alice, rec = _clients(world, "alice")["alice"]
    alice.messageChannelSendForce("lobby", "hi", "f1")
    world.run_until_idle()
    assert rec.trace[1:] == [("onMessageSendError", ("f1", 400))]


def test_unicode_accounts_round_trip_through_rtm_ids() -> None:
    world = ShimWorld(APP)
    c = _clients(world, "用户一", "bob")
    c["用户一"][0].messageInstantSend("bob", 0, "你好", "m")
    world.run_until_idle()
    assert ("onMessageInstantReceive", ("用户一", 0, "你好")) in c["bob"][1].trace
    c["bob"][0].channelJoin("大厅 1")
    c["用户一"][0].channelJoin("大厅 1")
    world.run_until_idle()
    assert ("onChannelUserJoined", ("用户一", legacy_uid("用户一"))) in c["bob"][1].trace


CERT = "5CFd2fd1755d40ecb72977518be15d3b"


def _token_program(world: Any) -> Traces:
    from legacy_signaling.tokens import build_legacy_token

    now = int(world.now)
    tokens = [
        ("alice", build_legacy_token("alice", APP, CERT, now + 3600)),  # valid
        ("bob", build_legacy_token("bob", APP, CERT, now - 10)),  # expired -> 204
        ("carol", build_legacy_token("someone-else", APP, CERT, now + 3600)),  # wrong -> 206
        ("dave", TOKEN),  # _no_need_token with a certificate and debugging off -> 206
    ]
    out = {}
    for account, token in tokens:
        api = world.createAgoraSDKInstance(APP)
        rec = RecordingCallBack()
        api.callbackSet(rec)
        api.login(APP, account, token, 0, "")
        world.run_until_idle()
        out[account] = list(rec.trace)
    return out


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_legacy_tokens_checked_and_rtm_tokens_provided(flavour: str) -> None:
    """Legacy tokens are verified by the shim; the core (with its own certificate) gets
    RTM 006 tokens from the provider, so a certified RTM deployment works unchanged."""
    expected = _token_program(ReferenceWorld(APP, CERT))
    shim = ShimWorld(APP, CERT, flavour=flavour, rtm_certificate="0" * 31 + "1")
    actual = _token_program(shim)
    assert expected["alice"][0][0] == "onLoginSuccess"
    assert expected["bob"] == [("onLoginFailed", (204,))]
    assert expected["carol"] == [("onLoginFailed", (206,))]
    assert actual == expected


def test_core_rejects_a_login_without_an_rtm_token_when_certified() -> None:
    """Without a provider the certified core refuses the shim: the RTM error maps to legacy."""
    from legacy_signaling.tokens import NoTokenProvider

    world = ShimWorld(APP, rtm_certificate="0" * 31 + "1", token_provider=NoTokenProvider())
    api = world.createAgoraSDKInstance(APP)
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.login(APP, "alice", TOKEN, 0, "")
    world.run_until_idle()
    assert [name for name, _ in rec.trace] == ["onLoginFailed"]
    assert rec.trace[0][1][0] in (202, 206)
