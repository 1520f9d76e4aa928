"""The runner: what a program does to a world and what lands in each trace.

Expected traces are written out from docs/legacy-semantics.md, row by row.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from legacy_signaling.api import IAgoraAPI
from legacy_signaling.callback import TraceEntry
from legacy_signaling.equivalence import (
    CONNECTION,
    LegacyWorld,
    MissingCapabilityError,
    ProgramError,
    StepCrashedError,
    WorldConfig,
    capabilities_of,
    execute,
    reference_world,
    run,
)
from legacy_signaling.equivalence.program import (
    Advance,
    CreateInstance,
    Destroy,
    DropConnection,
    GetStatus,
    Handler,
    Join,
    Login,
    Logout,
    Misuse,
    Program,
    RestoreConnection,
    SendChannel,
    SetCallback,
    SetServerAvailable,
    Step,
    TokenKind,
)
from legacy_signaling.equivalence.universe import CERTIFICATE
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference import ReferenceAgoraAPI, ReferenceWorld
from legacy_signaling.reference.testing import APP_ID

CONFIG = WorldConfig(APP_ID)
ANN, BOB = legacy_uid("ann"), legacy_uid("bob")


def client(name: str, account: str, token: TokenKind = TokenKind.NO_NEED) -> list[Step]:
    return [CreateInstance(name), SetCallback(name), Login(name, account, token)]


def test_reference_world_satisfies_the_protocol() -> None:
    world: LegacyWorld = ReferenceWorld(APP_ID)  # checked by mypy
    assert capabilities_of(world) == frozenset(
        {
            "connection",
            "server_available",
            "userlist_outside",
            "kick_ends_calls",
            "drop_with_calls",
            "kick_while_dropped",
            "call_reconnecting",
            "logout_while_dropped",
        }
    )


def test_two_clients_traces_and_origins() -> None:
    steps = [
        *client("c0", "ann"),  # 0-2
        *client("c1", "bob"),  # 3-5
        Join("c0", "lobby"),  # 6
        Join("c1", "lobby"),  # 7
        SendChannel("c1", "lobby", "hi", "m1"),  # 8
        GetStatus("c0"),  # 9
        Misuse("c0", "channelJoin", (None,)),  # 10
        Destroy("c1"),  # 11
        Logout("c1"),  # 12
    ]
    recording = execute(reference_world(CONFIG), Program(CONFIG, tuple(steps)))
    c0: list[TraceEntry] = [
        ("onLoginSuccess", (ANN, 0)),
        ("onChannelJoined", ("lobby",)),
        ("onChannelUserList", (["ann"], [ANN])),
        ("onChannelUserJoined", ("bob", BOB)),
        ("onMessageChannelReceive", ("lobby", "bob", BOB, "hi")),
        ("return", ("getStatus", 2)),
        ("raise", ("channelJoin", "TypeError")),
        ("onChannelUserLeaved", ("bob", BOB)),
    ]
    c1: list[TraceEntry] = [
        ("onLoginSuccess", (BOB, 0)),
        ("onChannelJoined", ("lobby",)),
        ("onChannelUserList", (["ann", "bob"], [ANN, BOB])),
        ("onMessageSendSuccess", ("m1",)),
        ("onMessageChannelReceive", ("lobby", "bob", BOB, "hi")),
        ("raise", ("logout", "InstanceDestroyedError")),
    ]
    assert recording.as_dict() == {"c0": c0, "c1": c1}
    assert recording.origins == {"c0": (2, 6, 6, 7, 8, 9, 10, 11), "c1": (5, 7, 7, 8, 8, 12)}
    assert recording.unexpected == ()


@pytest.mark.parametrize(
    ("certificate", "debug", "expected"),
    [
        (
            CERTIFICATE,
            False,
            {
                TokenKind.VALID: ("onLoginSuccess", 0),
                TokenKind.EXPIRED: ("onLoginFailed", 204),
                TokenKind.WRONG: ("onLoginFailed", 206),
                TokenKind.OTHER_ACCOUNT: ("onLoginFailed", 206),
                TokenKind.NO_NEED: ("onLoginFailed", 206),
                TokenKind.EMPTY: ("onLoginFailed", 206),
            },
        ),
        (
            CERTIFICATE,
            True,
            {
                TokenKind.VALID: ("onLoginSuccess", 0),
                TokenKind.NO_NEED: ("onLoginSuccess", 0),
                TokenKind.EXPIRED: ("onLoginFailed", 204),
            },
        ),
        (None, False, dict.fromkeys(TokenKind, ("onLoginSuccess", 0))),
    ],
)
def test_token_kinds_mean_what_l5_says(
    certificate: str | None, debug: bool, expected: dict[TokenKind, tuple[str, int]]
) -> None:
    config = WorldConfig(APP_ID, certificate, debug)
    accounts = [f"user{i}" for i in range(len(expected))]
    steps: list[Step] = []
    for i, (kind, account) in enumerate(zip(expected, accounts, strict=True)):
        steps += client(f"c{i}", account, kind)
    traces = run(reference_world(config), Program(config, tuple(steps)))
    for i, (kind, (name, value)) in enumerate(expected.items()):
        (entry,) = traces[f"c{i}"]
        assert entry[0] == name, kind
        assert entry[1][-1] == value, kind


def test_wrong_app_id_is_refused() -> None:
    steps = (CreateInstance("c0"), SetCallback("c0"), Login("c0", "ann", right_app=False))
    assert run(reference_world(CONFIG), Program(CONFIG, steps)) == {
        "c0": [("onLoginFailed", (202,))]
    }


def test_raising_handler_still_gets_every_callback() -> None:
    steps = (
        CreateInstance("c0"),
        SetCallback("c0", Handler.RAISING),
        Login("c0", "ann"),
        Join("c0", "lobby"),
    )
    assert run(reference_world(CONFIG), Program(CONFIG, steps))["c0"] == [
        ("onLoginSuccess", (ANN, 0)),
        ("onChannelJoined", ("lobby",)),
        ("onChannelUserList", (["ann"], [ANN])),
    ]


def test_no_handler_drops_callbacks_and_singletons_share_one_instance() -> None:
    steps = (
        CreateInstance("c0", singleton=True),
        CreateInstance("c1", singleton=True),
        SetCallback("c0"),
        SetCallback("c1"),  # the shared instance now reports to c1's recorder (I1, I3)
        Login("c0", "ann"),
        SetCallback("c1", Handler.NONE),
        Join("c0", "lobby"),
        SetCallback("c0"),
        GetStatus("c1"),
    )
    traces = run(reference_world(CONFIG), Program(CONFIG, steps))
    assert traces == {
        "c0": [],
        "c1": [("onLoginSuccess", (ANN, 0)), ("return", ("getStatus", 2))],
    }


def test_a_failed_create_leaves_the_name_unbound() -> None:
    steps = (CreateInstance("c0", valid_app_id=False), GetStatus("c0"))
    with pytest.raises(ProgramError, match="step 1: 'c0' is used before CreateInstance"):
        execute(reference_world(CONFIG), Program(CONFIG, steps))
    traces = run(reference_world(CONFIG), Program(CONFIG, steps[:1]))
    assert traces == {"c0": [("raise", ("createAgoraSDKInstance", "ValueError"))]}


def test_network_controls_and_their_errors() -> None:
    steps = (
        CreateInstance("c0"),
        SetCallback("c0"),
        DropConnection("c0"),  # not logged in: ValueError (C1)
        Login("c0", "ann"),
        DropConnection("c0"),
        Advance(4.0),
        RestoreConnection("c0"),
        RestoreConnection("c0"),  # not reconnecting: ValueError (C2)
    )
    traces = run(reference_world(CONFIG), Program(CONFIG, steps))
    assert traces["c0"] == [
        ("raise", ("drop_connection", "ValueError")),
        ("onLoginSuccess", (ANN, 0)),
        ("onReconnecting", (1,)),
        ("onReconnecting", (2,)),
        ("onReconnecting", (3,)),
        ("onReconnected", (0,)),
        ("raise", ("restore_connection", "ValueError")),
    ]


def test_server_unavailable_makes_logins_retry() -> None:
    steps = (
        CreateInstance("c0"),
        SetCallback("c0"),
        SetServerAvailable(False),
        Login("c0", "ann"),
        GetStatus("c0"),
        Advance(6.0),  # attempts at 0, 2, 4, 6 s: retry_count 3 is used up (L11)
    )
    traces = run(reference_world(CONFIG), Program(CONFIG, steps))
    assert traces["c0"] == [("return", ("getStatus", 1)), ("onLoginFailed", (201,))]


def test_observer_sees_each_step_and_what_it_produced() -> None:
    seen: list[tuple[int, str, dict[str, list[TraceEntry]]]] = []
    steps = (*client("c0", "ann"), Advance(1.0))
    execute(
        reference_world(CONFIG),
        Program(CONFIG, steps),
        observer=lambda i, step, new: seen.append(
            (i, type(step).__name__, {k: list(v) for k, v in new.items()})
        ),
    )
    assert seen == [
        (0, "CreateInstance", {}),
        (1, "SetCallback", {}),
        (2, "Login", {"c0": [("onLoginSuccess", (ANN, 0))]}),
        (3, "Advance", {}),
    ]


class _NoControls(ReferenceWorld):
    capabilities = frozenset[str]()


def test_a_step_needing_a_missing_capability_is_refused_up_front() -> None:
    world = _NoControls(APP_ID)
    assert capabilities_of(world) == frozenset()
    program = Program(CONFIG, (*client("c0", "ann"), DropConnection("c0")))
    assert program.capabilities == {CONNECTION}
    with pytest.raises(MissingCapabilityError, match="connection"):
        execute(world, program)
    assert world.server.sessions == {}  # nothing ran


def test_capabilities_must_be_a_frozenset_of_str() -> None:
    class Bad(ReferenceWorld):
        capabilities: ClassVar[object] = ["connection"]

    with pytest.raises(TypeError, match="frozenset"):
        capabilities_of(Bad(APP_ID))


class _BrokenClock(ReferenceWorld):
    def advance(self, seconds: float) -> None:
        raise RuntimeError("clock broke")


def test_a_world_crash_names_the_step() -> None:
    program = Program(CONFIG, (*client("c0", "ann"), Advance(1.0)))
    with pytest.raises(StepCrashedError, match=r"step 3 Advance\(seconds=1.0\)") as caught:
        execute(_BrokenClock(APP_ID), program)
    assert caught.value.index == 3
    assert isinstance(caught.value.__cause__, RuntimeError)


class _KeyErrorAPI(ReferenceAgoraAPI):
    def channelJoin(self, channelID: str) -> None:
        raise KeyError(channelID)


class _KeyErrorWorld(ReferenceWorld):
    def createAgoraSDKInstance(self, appId: str) -> ReferenceAgoraAPI:
        return _KeyErrorAPI(self, appId)


def test_undocumented_exceptions_are_traced_and_reported() -> None:
    program = Program(CONFIG, (*client("c0", "ann"), Join("c0", "lobby")))
    recording = execute(_KeyErrorWorld(APP_ID), program)
    assert recording.traces["c0"][-1] == ("raise", ("channelJoin", "KeyError"))
    (unexpected,) = recording.unexpected
    assert (unexpected.step, unexpected.client, unexpected.method) == (3, "c0", "channelJoin")
    assert "KeyError" in unexpected.traceback


def test_instances_are_iagoraapi() -> None:
    world = reference_world(CONFIG)
    assert isinstance(world.createAgoraSDKInstance(APP_ID), IAgoraAPI)


def test_capabilities_unknown_to_the_harness_are_ignored() -> None:
    class Partial(ReferenceWorld):
        capabilities = frozenset({"time", CONNECTION})

    assert capabilities_of(Partial(APP_ID)) == {CONNECTION}
