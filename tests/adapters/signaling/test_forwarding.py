"""Generated handlers: entries run on_rtm_event's steps and the rows themselves, in order."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.signaling.context import Request, Session
from adapters.signaling.entries import DirectEvents, GuardedHook
from adapters.signaling.forwarding import handler_class, result_class
from adapters.signaling.gate import InstanceGate
from adapters.signaling.ordering import InFlight
from adapters.signaling.world import compiled_rows, row_functions
from mapping_tables import load
from mapping_tables.codegen import CompiledRows, RowError
from mapping_tables.functions import SIGNAL_HEADS, encode_peer_signal
from rtm import IChannelEventHandler, IRtmServiceEventHandler
from rtm.handlers import ChannelPayloadReceiver
from rtm.protocol import Payload
from tests.adapters.signaling.gatekit import hold_in_other_thread

PEER = "IRtmServiceEventHandler.onMessageReceivedFromPeer"
CHANNEL = "IChannelEventHandler.onMessageReceived"


class Msg:
    def __init__(self, text: str) -> None:
        self.text = text


class _App:
    """A legacy app's handler: records the callbacks the rows call."""

    def __init__(self, target: _Target) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("on"):
            raise AttributeError(name)
        return lambda *args: self.target.seen.append((name, args, self.target.lock._is_owned()))


class _Target:
    """What an entry needs of a shim instance (and what the rows need of their sink)."""

    def __init__(self, rows: CompiledRows) -> None:
        self.destroyed = False
        self.gate = InstanceGate(lambda fn, *args: fn(*args))
        self.lock: Any = self.gate.lock  # _is_owned(): who holds it, for the tests
        self.session = Session(self_account="me", channel="lobby one")
        self.rows = rows
        self.usage: object | None = None
        self.handler: Any = _App(self)
        self.seen: list[tuple[Any, ...]] = []
        self.inflight: Any = None
        self.on_rtm_event: Any = None

    def emit_row(self, row: Any, args: tuple[object, ...]) -> None:
        raise KeyError("emit failed")

    def callback_failed(self, name: str) -> None:
        raise AssertionError(name)


@pytest.fixture(scope="module")
def rows() -> CompiledRows:
    tables = load()
    return compiled_rows(tables.flavour("cpp"), row_functions(tables), legacy_mode=True)


def _sink(*event: Any) -> None:
    raise AssertionError(f"a direct callback went to the sink: {event}")


def _peer_handler(rows: CompiledRows, target: _Target, suppress: bool) -> Any:
    def hook(t: Any, params: dict[str, Any]) -> bool:
        t.seen.append(("hook", params["peerId"], params["message"].text, t.lock._is_owned()))
        return suppress

    guarded = GuardedHook(hook, "message", SIGNAL_HEADS)
    cls = handler_class(
        IRtmServiceEventHandler,
        "IRtmServiceEventHandler",
        direct=DirectEvents(rows, {PEER: guarded}),
    )
    return cls(_sink, None, None, target)


def test_an_ordinary_peer_message_runs_the_rows_without_the_hook(rows: CompiledRows) -> None:
    target = _Target(rows)
    _peer_handler(rows, target, suppress=False).onMessageReceivedFromPeer("bob", Msg("hi"))
    # The guard saw no call signal: no hook, and no lock (the rows only read).
    assert target.seen == [("onMessageInstantReceive", ("bob", 0, "hi"), False)]
    assert not target.lock._is_owned()


def test_a_call_signal_runs_the_hook_first_and_it_may_keep_the_rows_silent(
    rows: CompiledRows,
) -> None:
    text = encode_peer_signal("dtmf", "ch1", "9")
    target = _Target(rows)
    _peer_handler(rows, target, suppress=False).onMessageReceivedFromPeer("bob", Msg(text))
    assert [entry[0] for entry in target.seen] == ["hook", "onInviteMsg"]
    assert target.seen[0] == ("hook", "bob", text, True)  # a signal: under the lock
    assert target.seen[1][2] is True and not target.lock._is_owned()
    target = _Target(rows)
    _peer_handler(rows, target, suppress=True).onMessageReceivedFromPeer("bob", Msg(text))
    assert [entry[0] for entry in target.seen] == ["hook"]


def test_a_destroyed_instance_gets_nothing(rows: CompiledRows) -> None:
    target = _Target(rows)
    target.destroyed = True
    _peer_handler(rows, target, suppress=False).onMessageReceivedFromPeer("bob", Msg("hi"))
    assert target.seen == []


def _channel_handler(rows: CompiledRows, target: _Target, channel: str) -> Any:
    cls = handler_class(
        IChannelEventHandler,
        "IChannelEventHandler",
        channel=True,
        direct=DirectEvents(rows, {CHANNEL: None}),
    )
    return cls(_sink, None, None, target, channel)


def test_a_channel_message_entry_reads_its_own_channel_and_takes_no_lock(
    rows: CompiledRows,
) -> None:
    """Its rows only read single session fields: it runs like the facade's own callbacks,
    without the instance lock, and writes nothing (the delivering channel is its own)."""
    target = _Target(rows)
    _channel_handler(rows, target, "lobby%20one").onMessageReceived("bob", Msg("hello"))
    assert target.session.handler_channel == ""  # not written
    (name, args, locked), *rest = target.seen
    assert (name, args[0], args[1], args[3], locked, rest) == (
        "onMessageChannelReceive", "lobby one", "bob", "hello", False, []
    )  # fmt: skip
    # Another channel's handler: the row's condition keeps it silent.
    target.seen.clear()
    _channel_handler(rows, target, "elsewhere").onMessageReceived("bob", Msg("hello"))
    assert target.seen == []


def test_a_read_only_entry_runs_while_an_app_holds_the_lock_but_not_before_deferred_events(
    rows: CompiledRows,
) -> None:
    target = _Target(rows)
    handler = _channel_handler(rows, target, "lobby%20one")
    let_go, thread = hold_in_other_thread(target.gate)
    try:
        handler.onMessageReceived("bob", Msg("one"))  # nothing deferred: runs at once
        assert [entry[1][3] for entry in target.seen] == ["one"]
        target.gate.run(target.seen.append, ("deferred", ("", "", 0, "x"), False))
        handler.onMessageReceived("bob", Msg("two"))  # behind the deferred event
        assert [entry[1][3] for entry in target.seen] == ["one"]
    finally:
        let_go.set()
        thread.join(5.0)
    # The release handed the backlog to the (here: inline) callback thread, in order.
    assert [entry[1][3] for entry in target.seen] == ["one", "x", "two"]


def test_a_failing_row_inside_an_entry_is_named_by_its_row(rows: CompiledRows) -> None:
    target = _Target(rows)
    target.usage = True  # firings go through emit_row, which fails here
    with pytest.raises(
        RowError, match=r"signaling_cpp\.toml:\d+: event row onMessageChannelReceive"
    ):
        _channel_handler(rows, target, "lobby%20one").onMessageReceived("bob", Msg("x"))
    assert not target.lock._is_owned()  # released on the way out


def test_callbacks_without_a_direct_plan_go_to_the_sink(rows: CompiledRows) -> None:
    events: list[tuple[Any, ...]] = []
    cls = handler_class(
        IRtmServiceEventHandler, "IRtmServiceEventHandler", direct=DirectEvents(rows, {})
    )
    cls(lambda *event: events.append(event)).onMessageReceivedFromPeer("bob", "msg")
    assert events == [(PEER, {"peerId": "bob", "message": "msg"}, None, "", "")]


def test_a_request_answered_by_id_is_found_in_the_handlers_own_map() -> None:
    events: list[tuple[Any, ...]] = []
    cls = handler_class(
        IRtmServiceEventHandler,
        "IRtmServiceEventHandler",
        routed=frozenset({"onSendMessageResult"}),
        by_id=("messageId",),
    )
    requests: dict[int, Any] = {7: "request 7"}
    handler = cls(lambda *event: events.append(event), None, {"messageId": requests})
    handler.onSendMessageResult(7, 0)
    handler.onSendMessageResult(7, 0)  # answered once: the second finds nothing
    assert [event[2] for event in events] == ["request 7", None]
    assert requests == {}


def test_handler_classes_are_made_once_per_interface_and_table(rows: CompiledRows) -> None:
    direct = DirectEvents(rows, {CHANNEL: None})
    first = handler_class(IChannelEventHandler, "IChannelEventHandler", channel=True, direct=direct)
    again = handler_class(
        IChannelEventHandler,
        "IChannelEventHandler",
        channel=True,
        direct=DirectEvents(rows, {CHANNEL: None}),
    )
    assert first is again
    other = handler_class(IChannelEventHandler, "IChannelEventHandler", channel=True)
    assert other is not first


def test_a_channel_handler_takes_payloads_as_its_rows_read_only_the_text(
    rows: CompiledRows,
) -> None:
    """The channel message rows read the sender and the text: the handler opts in to the
    core's payload delivery (no RtmMessage per member) with the same rows."""
    target = _Target(rows)
    handler = _channel_handler(rows, target, "lobby%20one")
    assert isinstance(handler, ChannelPayloadReceiver)
    handler.onMessagePayload("bob", Payload(1, "hello"))
    (name, args, locked), *rest = target.seen
    assert (name, args[0], args[1], args[3], locked, rest) == (
        "onMessageChannelReceive", "lobby one", "bob", "hello", False, []
    )  # fmt: skip


def test_an_answer_waits_behind_the_instances_deferred_events(rows: CompiledRows) -> None:
    """An answer that met the held lock waits in the backlog; the next answer, arriving
    after the release but before the backlog's turn, must wait behind it, not overtake it."""
    queue: list[tuple[Any, tuple[Any, ...]]] = []  # the callback thread, run when we say
    target = _Target(rows)
    target.gate = InstanceGate(lambda fn, *args: queue.append((fn, args)))
    target.lock = target.gate.lock
    target.inflight = InFlight()

    def on_rtm_event(name: str, params: Any, req: Any, trigger: str, channel: str) -> None:
        target.seen.append(("later", req.args["msgID"]))

    target.on_rtm_event = on_rtm_event
    requests = {n: Request("messageInstantSend", {"msgID": f"m{n}"}) for n in (1, 2)}
    cls = handler_class(
        IRtmServiceEventHandler,
        "IRtmServiceEventHandler",
        routed=frozenset({"onSendMessageResult"}),
        by_id=("messageId",),
        direct=DirectEvents(rows, {}),
    )
    handler = cls(_sink, None, {"messageId": requests}, target)
    let_go, thread = hold_in_other_thread(target.gate)
    handler.onSendMessageResult(1, 0)  # the app holds the instance: deferred
    let_go.set()
    thread.join(5.0)
    # The lock is free, but m1 has not had its turn: m2 goes behind it (and, the lock
    # being free, the backlog runs now, in order).
    handler.onSendMessageResult(2, 0)
    for fn, args in queue:
        fn(*args)
    assert target.seen == [("later", "m1"), ("later", "m2")]


def test_a_java_result_runs_its_rows_inline_unless_its_outcome_has_a_hook() -> None:
    tables = load()
    java_rows = compiled_rows(tables.flavour("java"), row_functions(tables), legacy_mode=True)
    target = _Target(java_rows)
    target.inflight = InFlight()
    handed: list[tuple[Any, ...]] = []
    target.on_rtm_event = lambda *event: handed.append(event)
    trigger = "RtmClient.sendMessageToPeer"
    request = Request("messageInstantSend", {"msgID": "m1"})
    plain = result_class(trigger, DirectEvents(java_rows, {}))
    plain(target, request, "").onSuccess(None)
    assert [entry[:2] for entry in target.seen] == [("onMessageSendSuccess", ("m1",))]
    assert handed == []
    # With a hook on onFailure (none exists today), that outcome goes the general way.
    hooked = result_class(trigger, DirectEvents(java_rows, {}, frozenset({"onFailure"})))
    hooked(target, request, "").onFailure("error")
    assert handed == [("ResultCallback.onFailure", {"errorInfo": "error"}, request, trigger, "")]
