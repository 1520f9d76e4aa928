"""A core that never answers (unreachable, a dead gateway): every accepted call still ends
in exactly one legacy result (docs/legacy-semantics.md L9)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.signaling import ShimWorld
from legacy_signaling.callback import RecordingCallBack
from legacy_signaling.codes import ECODE
from rtm import protocol as p
from rtm.scheduler import DeterministicScheduler


class _Silent:
    """A transport to nowhere: frames go out, nothing ever comes back."""

    def __init__(self) -> None:
        self.sent: list[p.ClientFrame] = []

    def send(self, frame: p.ClientFrame) -> None:
        self.sent.append(frame)

    def close(self) -> None:
        pass


class SilentCore:
    def __init__(self) -> None:
        self.scheduler = DeterministicScheduler()
        self.transports: list[_Silent] = []

    def connect(self, on_frame: Callable[[p.ServerFrame], None]) -> _Silent:
        transport = _Silent()
        self.transports.append(transport)
        return transport


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_a_login_cancelled_by_logout_reports_one_result(flavour: str) -> None:
    core = SilentCore()
    world = ShimWorld("app", flavour=flavour, core=core)
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.login("app", "alice", "_no_need_token", 0, "")
    world.run_until_idle()
    assert rec.trace == []  # still trying
    api.logout()
    world.run_until_idle()
    assert rec.trace == [("onLoginFailed", (int(ECODE.LOGIN_E_CANCEL),))]
    core.scheduler.advance(60)  # the RTM login times out meanwhile: nothing more
    assert rec.trace == [("onLoginFailed", (int(ECODE.LOGIN_E_CANCEL),))]
    assert api.getStatus() == 0


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_a_login_that_times_out_reports_one_failure(flavour: str) -> None:
    core = SilentCore()
    world = ShimWorld("app", flavour=flavour, core=core)
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.login("app", "alice", "_no_need_token", 0, "")
    core.scheduler.advance(60)
    assert [name for name, _ in rec.trace] == ["onLoginFailed"]
