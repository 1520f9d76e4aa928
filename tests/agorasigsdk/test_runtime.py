"""run_forever / stop: waiting for callbacks without Twisted."""

from __future__ import annotations

import threading

import pytest

import agorasigsdk
from agorasigsdk import AgoraSignal, LoginSession
from legacy_signaling.objects.testing import NativeBackend


def _run_in_thread() -> threading.Thread:
    thread = threading.Thread(target=agorasigsdk.run_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    return thread


def test_stop_from_another_thread_ends_run_forever() -> None:
    thread = _run_in_thread()
    thread.join(0.05)
    assert thread.is_alive()  # it waits
    agorasigsdk.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_a_stop_before_run_forever_is_consumed_once() -> None:
    agorasigsdk.stop()
    agorasigsdk.run_forever(poll_interval=0.01)  # returns at once
    thread = _run_in_thread()
    thread.join(0.05)
    assert thread.is_alive()  # the earlier stop() was used up
    agorasigsdk.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_run_forever_pumps_a_deterministic_provider_until_a_callback_stops(
    native_factory: NativeBackend,
) -> None:
    seen: list[int] = []

    class StopOnLogin(LoginSession.LoginCallback):
        def on_login_success(self, session: LoginSession, uid: int) -> None:
            seen.append(uid)
            agorasigsdk.stop()

    AgoraSignal(native_factory.app_id).login("alice", "_no_need_token", StopOnLogin())
    agorasigsdk.run_forever(pump=native_factory.settle, poll_interval=0.01)
    assert len(seen) == 1


def test_run_forever_rejects_a_non_positive_interval() -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        agorasigsdk.run_forever(poll_interval=0)
