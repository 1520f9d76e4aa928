"""Routing details of NativeRouter that the facade scenarios do not reach."""

from __future__ import annotations

import logging

import pytest

from legacy_signaling.api import InstanceDestroyedError
from legacy_signaling.objects import LoginCallback, LoginSession, MessageCallback, Signal
from legacy_signaling.objects.events import CallEvent, ChannelEvent, SessionEvent
from legacy_signaling.objects.flavour import Flavour
from legacy_signaling.objects.java_flavour import JAVA_FLAVOUR
from legacy_signaling.objects.testing import NativeBackend


def _alice(backend: NativeBackend) -> LoginSession:
    signal = Signal(backend.app_id, native_factory=backend.factory)
    session = signal.login("alice", "_no_need_token", LoginCallback())
    backend.settle()
    return session


def test_callbacks_with_no_target_are_logged_not_raised(
    native_factory: NativeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    router = _alice(native_factory)._core.router
    with caplog.at_level(logging.WARNING, logger="legacy_signaling.objects"):
        router.onChannelUserJoined("bob", 7)
        router.onMessageSendSuccess("obj-999")
        router.onInviteEndByPeer("room", "bob", 7, "")
        router.onInvokeRet("obj-998", "", "{}")
    assert caplog.text.count("has no object to go to") == 4


def test_a_native_call_that_raises_leaves_nothing_registered(native_factory: NativeBackend) -> None:
    session = _alice(native_factory)
    router = session._core.router
    session.native.destroy()
    with pytest.raises(InstanceDestroyedError):
        session.messageInstantSend("bob", "hi", MessageCallback())
    with pytest.raises(InstanceDestroyedError):
        session.channelJoin("lobby", None)
    with pytest.raises(InstanceDestroyedError):
        session.channelInviteUser2("room", "bob", "", None)
    with pytest.raises(InstanceDestroyedError):
        session.signal.userGetAttr("alice", "k", Signal.UserAttrCallback())
    assert (router.pending_messages, router.pending_rpcs, router.live_calls()) == (0, 0, [])
    assert list(router._joining) == []


def test_flavour_must_name_every_event() -> None:
    with pytest.raises(ValueError, match="channel callback"):
        Flavour(
            name="broken",
            session_callbacks=JAVA_FLAVOUR.session_callbacks,
            channel_callbacks={
                event: name
                for event, name in JAVA_FLAVOUR.channel_callbacks.items()
                if event is not ChannelEvent.USER_LIST
            },
            call_callbacks=JAVA_FLAVOUR.call_callbacks,
            message_success="a",
            message_error="b",
            initial_status=0,
            login_status=1,
            status_after={},
        )


def test_flavour_rejects_callbacks_for_status_only_events() -> None:
    with pytest.raises(ValueError, match="status-only"):
        Flavour(
            name="broken",
            session_callbacks={**JAVA_FLAVOUR.session_callbacks, SessionEvent.RECONNECTING: "x"},
            channel_callbacks=JAVA_FLAVOUR.channel_callbacks,
            call_callbacks=JAVA_FLAVOUR.call_callbacks,
            message_success="a",
            message_error="b",
            initial_status=0,
            login_status=1,
            status_after={},
        )


def test_flavour_rejects_empty_names() -> None:
    with pytest.raises(ValueError, match="empty call callback"):
        Flavour(
            name="broken",
            session_callbacks=JAVA_FLAVOUR.session_callbacks,
            channel_callbacks=JAVA_FLAVOUR.channel_callbacks,
            call_callbacks={**JAVA_FLAVOUR.call_callbacks, CallEvent.MSG: ""},
            message_success="a",
            message_error="b",
            initial_status=0,
            login_status=1,
            status_after={},
        )
