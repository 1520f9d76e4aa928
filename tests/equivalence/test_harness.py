"""``assert_equivalent`` and ``replay``, on the reference and on a deliberately wrong copy."""

from __future__ import annotations

import io

import pytest

from legacy_signaling.equivalence import (
    LegacyWorld,
    WorldConfig,
    assert_equivalent,
    reference_world,
    replay,
)
from legacy_signaling.equivalence.program import (
    CreateInstance,
    Join,
    Login,
    Program,
    SendChannel,
    SetCallback,
    Step,
)
from legacy_signaling.identity import legacy_uid
from legacy_signaling.reference import ReferenceAgoraAPI, ReferenceWorld
from legacy_signaling.reference.testing import APP_ID
from tests.equivalence.mutants import DropEcho, MutatedReferenceWorld

CONFIG = WorldConfig(APP_ID)


def chat() -> Program:
    steps: list[Step] = []
    for name, account in (("c0", "ann"), ("c1", "bob")):
        steps += [CreateInstance(name), SetCallback(name), Login(name, account)]
    steps += [
        Join("c0", "lobby"),  # 6
        Join("c1", "lobby"),  # 7
        SendChannel("c0", "lobby", "hello", "m1"),  # 8
    ]
    return Program(CONFIG, tuple(steps))


def reference_pair(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
    return reference_world(config), reference_world(config)


def echo_dropping_pair(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
    return reference_world(config), config.build(MutatedReferenceWorld, mutation=DropEcho)


def test_the_reference_is_equivalent_to_itself() -> None:
    assert_equivalent(chat(), reference_pair)


def test_a_dropped_echo_is_reported_at_the_send_for_the_sender_only() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_equivalent(chat(), echo_dropping_pair, labels=("reference", "mutant"))
    text = str(caught.value)
    assert "1 instance(s) diverge between reference and mutant; first at step 8 " in text
    assert "c0: entry 5, step 8 SendChannel(client='c0'" in text
    uid = legacy_uid("ann")
    assert f"- reference   [5] onMessageChannelReceive('lobby', 'ann', {uid}, 'hello')" in text
    assert "+ mutant      [5] (end of trace)" in text
    assert "program:" in text
    assert "c1:" not in text  # the other member still gets the message


class _CrashingAPI(ReferenceAgoraAPI):
    def channelJoin(self, channelID: str) -> None:
        raise KeyError(channelID)


class _CrashingWorld(ReferenceWorld):
    def createAgoraSDKInstance(self, appId: str) -> ReferenceAgoraAPI:
        return _CrashingAPI(self, appId)


def test_an_oracle_that_raises_undocumented_exceptions_fails_loudly() -> None:
    def pair(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
        return config.build(_CrashingWorld), reference_world(config)

    with pytest.raises(AssertionError, match="the reference raised undocumented exceptions"):
        assert_equivalent(chat(), pair)


def test_candidate_exceptions_are_shown_with_the_divergence() -> None:
    def pair(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
        return reference_world(config), config.build(_CrashingWorld)

    with pytest.raises(AssertionError) as caught:
        assert_equivalent(chat(), pair)
    text = str(caught.value)
    assert "+ shim        [1] raise('channelJoin', 'KeyError')" in text
    assert "undocumented exceptions:" in text
    assert "shim step 6 c0.channelJoin: KeyError('lobby')" in text


class _StuckWorld(ReferenceWorld):
    def run_until_idle(self) -> int:
        if self.server.sessions:
            raise RuntimeError("delivery loop broke")
        return super().run_until_idle()


def test_a_candidate_crash_fails_with_the_step_and_program() -> None:
    def pair(config: WorldConfig) -> tuple[LegacyWorld, LegacyWorld]:
        return reference_world(config), config.build(_StuckWorld)

    with pytest.raises(AssertionError, match=r"shim: step 2 Login\(client='c0'.*delivery loop"):
        assert_equivalent(chat(), pair)


def test_replay_prints_steps_and_callbacks() -> None:
    out = io.StringIO()
    recording = replay(chat(), reference_world(CONFIG), file=out)
    lines = out.getvalue().splitlines()
    ann, bob = legacy_uid("ann"), legacy_uid("bob")
    assert lines[0] == repr(CONFIG)
    assert (
        lines[3] == "[2] Login(client='c0', account='ann', token=TokenKind.NO_NEED, right_app=True)"
    )
    assert lines[4] == f"     c0 <- onLoginSuccess({ann}, 0)"
    assert lines[-4:] == [
        "[8] SendChannel(client='c0', channel='lobby', text='hello', msg_id='m1', extra=None)",
        "     c0 <- onMessageSendSuccess('m1')",
        f"     c0 <- onMessageChannelReceive('lobby', 'ann', {ann}, 'hello')",
        f"     c1 <- onMessageChannelReceive('lobby', 'ann', {ann}, 'hello')",
    ]
    assert recording.traces["c1"][0] == ("onLoginSuccess", (bob, 0))
