"""A legacy app sees only codes; the reason for each refusal is logged (logger sig2rtm.shim)."""

from __future__ import annotations

import logging

import pytest

from adapters.signaling import ShimWorld
from legacy_signaling.callback import RecordingCallBack


def _reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sig2rtm.shim"]


def test_each_refusal_logs_why(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sig2rtm.shim")
    world = ShimWorld("app", app_certificate="c" * 32)
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.messageInstantSend("bob", 0, "hi", "m1")
    api.login("app", "has space", "t", 0, "")
    world.run_until_idle()
    api.login("app", "alice", "not-a-token", 0, "")
    world.run_until_idle()
    api.channelLeave("lobby")
    world.run_until_idle()
    assert [name for name, _ in rec.trace] == [
        "onMessageSendError", "onLoginFailed", "onLoginFailed", "onError",
    ]  # fmt: skip
    reasons = _reasons(caplog)
    assert "messageInstantSend 'm1' to 'bob' refused: not logged in" in reasons[0]
    assert "'has space' refused: not a valid legacy account" in reasons[1]
    assert "login as 'alice' refused:" in reasons[2] and "token" in reasons[2].lower()
    assert "channelLeave:" in reasons[3] and "GENERAL_E_NOT_LOGIN" in reasons[3]


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_a_failure_rtm_reports_is_logged_with_its_code(
    caplog: pytest.LogCaptureFixture, flavour: str
) -> None:
    caplog.set_level(logging.INFO, logger="sig2rtm.shim")
    world = ShimWorld("app", flavour=flavour, mode="native")  # no offline messages
    api = world.createAgoraSDKInstance("app")
    rec = RecordingCallBack()
    api.callbackSet(rec)
    api.login("app", "alice", "_no_need_token", 0, "")
    world.run_until_idle()
    api.messageInstantSend("carol", 0, "hi", "m1")  # carol is offline: RTM refuses
    world.run_until_idle()
    assert rec.trace[-1][0] == "onMessageSendError"
    (reason,) = [r for r in _reasons(caplog) if r.startswith("alice: messageInstantSend")]
    assert "RTM " in reason and reason.endswith(" answered 3")  # PEER_MESSAGE_ERR_OFFLINE


class _LogAndErrors(RecordingCallBack):
    """Also records onLog (RecordingCallBack leaves log lines out of traces)."""

    def onLog(self, txt: str) -> None:
        self.trace.append(("onLog", (txt,)))


@pytest.mark.parametrize("flavour", ["cpp", "java"])
def test_on_log_gets_the_reason_before_the_failure(flavour: str) -> None:
    world = ShimWorld("app", flavour=flavour)
    api = world.createAgoraSDKInstance("app")
    rec = _LogAndErrors()
    api.callbackSet(rec)
    api.login("app", "alice", "_no_need_token", 0, "")
    world.run_until_idle()
    api.messageInstantSend("bad account", 0, "hi", "m1")
    api.login("app", "bob", "_no_need_token", 0, "")
    world.run_until_idle()
    assert rec.trace[1:] == [
        ("onLog", ("alice: messageInstantSend 'm1' to 'bad account' refused: not a valid "
                   "legacy account (1-128 printable characters, no spaces)",)),
        ("onMessageSendError", ("m1", 400)),
        ("onLog", ("alice: login: already logged in or logging in; call logout first "
                   "(GENERAL_E_FAILED)",)),
        ("onError", ("login", 1001, "already logged in or logging in; call logout first")),
    ]  # fmt: skip
