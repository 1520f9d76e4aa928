"""The instance gate: the callback thread never waits for an app thread's instance lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from adapters.signaling.gate import InstanceGate
from rtm.scheduler import ThreadedScheduler
from tests.adapters.signaling.gatekit import hold_in_other_thread


class _Queue:
    """A callback thread stand-in: what the gate hands over is run when the test says."""

    def __init__(self) -> None:
        self.items: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    def deliver(self, fn: Callable[..., Any], *args: Any) -> None:
        self.items.append((fn, args))

    def run(self) -> None:
        while self.items:
            fn, args = self.items.pop(0)
            fn(*args)


def test_a_free_lock_runs_the_event_at_once_under_it() -> None:
    gate, seen = InstanceGate(_Queue().deliver), list[object]()
    gate.run(lambda: seen.append(gate.lock._is_owned()))  # type: ignore[attr-defined]
    assert seen == [True]
    assert not gate.backlog


def test_events_meeting_a_held_lock_wait_in_order_and_run_after_the_release() -> None:
    queue = _Queue()
    gate, seen = InstanceGate(queue.deliver), list[object]()
    let_go, app = hold_in_other_thread(gate)
    for n in range(3):
        gate.run(seen.append, n)  # returns at once: the callback thread does not wait
    assert seen == [] and len(gate.backlog) == 3
    let_go.set()
    app.join(5.0)
    assert [fn for fn, _ in queue.items] == [gate.drain]  # the release handed them over
    # A later event of the same instance does not overtake the deferred ones.
    gate.run(seen.append, 3)
    queue.run()
    assert seen == [0, 1, 2, 3]
    assert not gate.backlog


def test_a_failing_deferred_event_is_logged_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = _Queue()
    gate, seen = InstanceGate(queue.deliver), list[object]()
    let_go, app = hold_in_other_thread(gate)

    def boom() -> None:
        raise RuntimeError("app bug")

    gate.run(boom)
    gate.run(seen.append, "after")
    let_go.set()
    app.join(5.0)
    queue.run()
    assert seen == ["after"]
    assert "boom" in caplog.text


def test_a_drain_that_finds_the_lock_taken_again_leaves_the_backlog_for_the_next_release() -> None:
    queue = _Queue()
    gate, seen = InstanceGate(queue.deliver), list[object]()
    let_go, app = hold_in_other_thread(gate)
    gate.run(seen.append, 1)
    let_go.set()
    app.join(5.0)
    let_go, app = hold_in_other_thread(gate)  # the app is back before the drain ran
    queue.run()
    assert seen == [] and len(gate.backlog) == 1
    let_go.set()
    app.join(5.0)
    queue.run()
    assert seen == [1]


def test_on_a_threaded_scheduler_other_work_flows_while_an_app_holds_one_instance() -> None:
    sched = ThreadedScheduler(name="gate")
    try:
        gate, other = InstanceGate(sched.deliver), threading.Event()
        seen: list[int] = []
        done = threading.Event()
        gate.lock.acquire()
        try:
            for n in range(5):
                sched.deliver(gate.run, seen.append, n)
            sched.deliver(other.set)  # another instance's callback, queued behind them
            assert other.wait(5.0)  # ran although this instance's lock is still held
            assert seen == []
        finally:
            gate.release()
        sched.deliver(done.set)
        assert done.wait(5.0)
        assert sched.drain()
        assert seen == [0, 1, 2, 3, 4]
    finally:
        sched.close()


def test_the_outbox_is_made_in_order_and_a_failure_does_not_lose_the_rest() -> None:
    gate, made = InstanceGate(_Queue().deliver), []

    def refused(n: int) -> None:
        made.append(n)
        raise ValueError("refused")

    gate.outbox.extend([(made.append, (1,)), (refused, (2,)), (made.append, (3,))])
    with pytest.raises(ValueError, match="refused"):
        gate.flush()
    assert made == [1, 2, 3]
    assert not gate.outbox


def test_a_legacy_send_makes_its_rtm_request_after_the_lock_and_before_it_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.signaling import ShimWorld
    from adapters.signaling.bindings import CppBinding
    from legacy_signaling.callback import ICallBack

    seen: list[tuple[str, bool]] = []
    owner: dict[str, Any] = {}

    def spy(kind: str, real: Callable[..., None]) -> Callable[..., None]:
        def call(self: CppBinding, *args: Any) -> None:
            seen.append((kind, owner["alice"].lock._is_owned()))
            real(self, *args)

        return call

    monkeypatch.setattr(CppBinding, "send_peer", spy("peer", CppBinding.send_peer))
    monkeypatch.setattr(CppBinding, "send_channel", spy("channel", CppBinding.send_channel))
    world = ShimWorld("gate0000000000000000000000000000")
    for name in ("alice", "bob"):
        api = owner[name] = world.createAgoraSDKInstance(world.app_id)
        api.callbackSet(ICallBack())
        api.login(world.app_id, name, "_no_need_token", 0, "")
    world.run_until_idle()
    alice = owner["alice"]
    alice.channelJoin("room")
    world.run_until_idle()
    alice.messageInstantSend("bob", 0, "hi", "m1")
    assert seen == [("peer", False)]  # made in the call, with the lock let go
    alice.messageChannelSend("room", "hello", "m2")
    assert seen == [("peer", False), ("channel", False)]
