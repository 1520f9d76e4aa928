"""Generated forwarders: the direct path runs on_rtm_event's steps itself, in the same order."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from adapters.signaling.context import Session
from adapters.signaling.forwarding import DirectEvents, forwarding_class
from rtm import IChannelEventHandler, IRtmServiceEventHandler


class _Rows:
    def row_error(self, exc: Exception) -> Exception:
        return RuntimeError(f"row failed: {exc}")


class _Target:
    def __init__(self) -> None:
        self.destroyed = False
        self.lock = threading.RLock()
        self.session = Session()
        self.rows = _Rows()
        self.seen: list[tuple[str, Any]] = []


def _sink(*event: Any) -> None:
    raise AssertionError(f"a direct callback went to the sink: {event}")


def _peer_handler(target: _Target, suppress: bool) -> Any:
    def before(t: Any, params: dict[str, Any]) -> bool:
        t.seen.append(("before", dict(params), t.lock._is_owned()))
        return suppress

    def rows(params: dict[str, Any], req: Any, session: Any, t: Any) -> None:
        t.seen.append(("rows", params["peerId"], session is t.session, req))

    name = "IRtmServiceEventHandler.onMessageReceivedFromPeer"
    cls = forwarding_class(
        IRtmServiceEventHandler,
        "IRtmServiceEventHandler",
        _sink,
        direct=DirectEvents(target, {name: (before, rows)}),
    )
    return cls()


def test_hook_then_rows_under_the_instance_lock() -> None:
    target = _Target()
    _peer_handler(target, suppress=False).onMessageReceivedFromPeer("bob", "msg")
    assert target.seen == [
        ("before", {"peerId": "bob", "message": "msg"}, True),
        ("rows", "bob", True, None),
    ]


def test_a_hook_that_suppresses_keeps_the_rows_silent() -> None:
    target = _Target()
    _peer_handler(target, suppress=True).onMessageReceivedFromPeer("bob", "msg")
    assert [entry[0] for entry in target.seen] == ["before"]


def test_a_destroyed_instance_gets_nothing() -> None:
    target = _Target()
    target.destroyed = True
    _peer_handler(target, suppress=False).onMessageReceivedFromPeer("bob", "msg")
    assert target.seen == []


def test_a_failing_row_is_reported_as_the_row_error() -> None:
    target = _Target()

    def rows(params: dict[str, Any], req: Any, session: Any, t: Any) -> None:
        raise KeyError("x")

    cls = forwarding_class(
        IChannelEventHandler,
        "IChannelEventHandler",
        _sink,
        channel=True,
        direct=DirectEvents(target, {"IChannelEventHandler.onMessageReceived": (None, rows)}),
    )
    handler = cls()
    handler.channel_id = "lobby%20one"
    with pytest.raises(RuntimeError, match="row failed"):
        handler.onMessageReceived("bob", "msg")
    # The channel that delivered it, as a legacy name, was set before the rows ran.
    assert target.session.handler_channel == "lobby one"


def test_callbacks_without_a_direct_plan_go_to_the_sink() -> None:
    target, events = _Target(), []
    cls = forwarding_class(
        IRtmServiceEventHandler,
        "IRtmServiceEventHandler",
        lambda *event: events.append(event),
        direct=DirectEvents(target, {}),
    )
    cls().onMessageReceivedFromPeer("bob", "msg")
    assert events == [
        (
            "IRtmServiceEventHandler.onMessageReceivedFromPeer",
            {"peerId": "bob", "message": "msg"},
            None,
            "",
            "",
        )
    ]
