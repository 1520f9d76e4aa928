"""The shim's own timers: under the instance lock, off the core thread, cancellable to the end."""

from __future__ import annotations

import threading

from adapters.signaling.gate import InstanceGate
from adapters.signaling.timers import ShimTimer, ShimWork
from rtm.scheduler import DeterministicScheduler, ThreadedScheduler


def test_threaded_timer_runs_on_the_callback_thread_holding_the_instance_lock() -> None:
    sched = ThreadedScheduler(name="timers")
    gate = InstanceGate(sched.deliver)
    lock = gate.lock
    seen: list[tuple[str, bool]] = []
    done = threading.Event()

    def work(tag: str) -> None:
        seen.append((threading.current_thread().name, lock._is_owned()))  # type: ignore[attr-defined]
        done.set()

    try:
        ShimWork(sched, gate).call_later(0.01, work, "t")
        assert done.wait(5.0)
        assert seen == [("timers-callbacks", True)]
        done.clear()
        ShimWork(sched, gate).call_soon(work, "s")
        assert done.wait(5.0)
        assert seen[1] == ("timers-callbacks", True)
    finally:
        sched.close()


def test_threaded_timer_work_waits_for_the_instance_lock_not_the_core() -> None:
    """While the app holds the instance lock, a due timer's work waits for it — and the core
    thread and the callback thread go on meanwhile (neither waits for an instance lock)."""
    sched = ThreadedScheduler(name="timers2")
    gate = InstanceGate(sched.deliver)
    ran = threading.Event()
    core_ran = threading.Event()
    callback_ran = threading.Event()
    try:
        gate.lock.acquire()
        try:
            ShimWork(sched, gate).call_later(0.0, ran.set)
            sched.call_later(0.05, core_ran.set)
            sched.call_later(0.05, sched.deliver, callback_ran.set)
            assert core_ran.wait(5.0)  # the core is not blocked by the held instance lock
            assert callback_ran.wait(5.0)  # the callback thread is not blocked either
            assert not ran.is_set()
        finally:
            gate.release()
        assert ran.wait(5.0)
    finally:
        sched.close()


def test_deterministic_timer_runs_in_place_in_timer_order() -> None:
    sched = DeterministicScheduler()
    order: list[str] = []
    work = ShimWork(sched, InstanceGate(sched.deliver))
    work.call_later(2.0, order.append, "shim at 2")
    sched.call_later(1.0, order.append, "core at 1")
    sched.call_later(3.0, order.append, "core at 3")
    sched.advance(3.0)
    assert order == ["core at 1", "shim at 2", "core at 3"]


def test_a_cancelled_timer_does_nothing_even_after_it_fired() -> None:
    """On a threaded scheduler a timer may fire (queue its work) just before the app cancels
    it; the work then finds the flag, read under the same lock, and does nothing."""
    calls: list[int] = []
    timer = ShimTimer(InstanceGate(lambda fn: fn()), calls.append, (1,))
    timer.cancel()
    timer.fire()
    assert calls == []


def test_a_timer_runs_once() -> None:
    calls: list[int] = []
    timer = ShimTimer(InstanceGate(lambda fn: fn()), calls.append, (1,))
    timer.fire()
    timer.fire()
    assert calls == [1]


def test_cancel_stops_the_scheduled_timer() -> None:
    sched = DeterministicScheduler()
    calls: list[str] = []
    timer = ShimWork(sched, InstanceGate(sched.deliver)).call_later(1.0, calls.append, "x")
    timer.cancel()
    sched.advance(2.0)
    assert calls == []
    assert sched.pending_timers == 0
