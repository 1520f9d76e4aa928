"""Schedulers: deterministic virtual time, and the threaded default (unit level)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from rtm.scheduler import DeterministicScheduler, ThreadedScheduler, TimerHandle


def test_deterministic_runs_core_work_and_callbacks_in_fifo_order() -> None:
    sched = DeterministicScheduler()
    seen: list[str] = []
    sched.call_soon(seen.append, "core1")
    sched.deliver(seen.append, "user1")
    sched.call_soon(seen.append, "core2")
    assert seen == []  # nothing runs until asked
    assert sched.run_until_idle() == 3
    assert seen == ["core1", "user1", "core2"]
    assert sched.run_until_idle() == 0


def test_work_queued_while_running_runs_in_the_same_pass() -> None:
    sched = DeterministicScheduler()
    seen: list[int] = []

    def chain(n: int) -> None:
        seen.append(n)
        if n < 3:
            sched.call_soon(chain, n + 1)

    sched.call_soon(chain, 0)
    sched.run_until_idle()
    assert seen == [0, 1, 2, 3]


def test_virtual_time_and_timers() -> None:
    sched = DeterministicScheduler(start=100.0)
    fired: list[tuple[str, float]] = []
    sched.call_later(30.0, lambda: fired.append(("b", sched.time())))
    sched.call_later(10.0, lambda: fired.append(("a", sched.time())))
    cancelled = sched.call_later(20.0, lambda: fired.append(("x", sched.time())))
    assert isinstance(cancelled, TimerHandle)
    cancelled.cancel()
    assert sched.pending_timers == 2
    sched.advance(9.999)
    assert fired == [] and sched.time() == pytest.approx(109.999)
    sched.advance(25.0)
    assert fired == [("a", 110.0), ("b", 130.0)]
    assert sched.time() == pytest.approx(134.999)
    assert sched.pending_timers == 0


def test_timers_queue_work_that_runs_before_later_timers() -> None:
    sched = DeterministicScheduler()
    seen: list[str] = []
    sched.call_later(1.0, lambda: sched.call_soon(seen.append, "soon-after-1"))
    sched.call_later(2.0, seen.append, "timer-2")
    sched.advance(5.0)
    assert seen == ["soon-after-1", "timer-2"]


def test_step_by_step_timers_for_a_harness_keeping_clocks_in_step() -> None:
    sched = DeterministicScheduler(start=0.0)
    fired: list[str] = []
    sched.call_later(2.0, fired.append, "later")
    sched.call_later(1.0, fired.append, "first")
    sched.call_later(1.0, fired.append, "second").cancel()
    assert sched.next_timer() == (1.0, 1)
    with pytest.raises(RuntimeError, match="advance instead"):
        sched.jump(1.5)  # would skip the timer due at 1.0
    sched.jump(1.0)
    assert sched.time() == 1.0 and fired == []
    sched.fire_next()
    assert fired == ["first"] and sched.next_timer() == (2.0, 0)
    sched.fire_next()
    assert fired == ["first", "later"] and sched.time() == 2.0
    assert sched.next_timer() is None
    with pytest.raises(RuntimeError, match="no timer"):
        sched.fire_next()
    with pytest.raises(ValueError, match="backwards"):
        sched.jump(1.0)

def test_negative_delay_runs_at_once_and_negative_advance_is_refused() -> None:
    sched = DeterministicScheduler()
    seen: list[int] = []
    sched.call_later(-5.0, seen.append, 1)
    sched.advance(0.0)
    assert seen == [1]
    with pytest.raises(ValueError, match="backwards"):
        sched.advance(-1.0)


def test_user_callback_exception_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    sched = DeterministicScheduler()
    seen: list[str] = []

    def boom() -> None:
        raise RuntimeError("user bug")

    sched.deliver(boom)
    sched.deliver(seen.append, "next")
    with caplog.at_level(logging.ERROR, logger="rtm.callbacks"):
        sched.run_until_idle()
    assert seen == ["next"]
    assert any("user callback" in r.getMessage() and r.exc_info for r in caplog.records)


def test_reentrant_run_is_refused_and_livelock_detected() -> None:
    sched = DeterministicScheduler()
    errors: list[BaseException] = []

    def reenter() -> None:
        try:
            sched.run_until_idle()
        except RuntimeError as exc:
            errors.append(exc)

    sched.call_soon(reenter)
    sched.run_until_idle()
    assert len(errors) == 1 and "re-entrantly" in str(errors[0])

    def forever() -> None:
        sched.call_soon(forever)

    sched.call_soon(forever)
    with pytest.raises(RuntimeError, match="quiescence"):
        sched.run_until_idle(max_steps=100)


def test_core_work_runs_under_the_lock() -> None:
    sched = DeterministicScheduler()
    held: list[bool] = []

    # an RLock is "owned" by this thread iff a non-blocking acquire from another thread fails
    def probe() -> None:
        result: list[bool] = []
        t = threading.Thread(target=lambda: result.append(sched.lock.acquire(blocking=False)))
        t.start()
        t.join()
        held.append(not result[0])

    sched.call_soon(probe)
    sched.run_until_idle()
    assert held == [True]


@pytest.fixture
def threaded() -> Iterator[ThreadedScheduler]:
    sched = ThreadedScheduler(name="unit")
    yield sched
    sched.close()


def test_threaded_runs_core_work_and_callbacks_on_their_own_threads(
    threaded: ThreadedScheduler,
) -> None:
    seen: list[tuple[str, str]] = []
    done = threading.Event()

    def core() -> None:
        seen.append(("core", threading.current_thread().name))
        threaded.deliver(user)

    def user() -> None:
        seen.append(("user", threading.current_thread().name))
        done.set()

    threaded.call_soon(core)
    assert done.wait(5.0)
    assert seen == [("core", "unit-core"), ("user", "unit-callbacks")]


def test_threaded_preserves_order_and_survives_user_exceptions(
    threaded: ThreadedScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []

    def boom() -> None:
        raise ValueError("user bug")

    with caplog.at_level(logging.ERROR, logger="rtm.callbacks"):
        for i in range(500):
            threaded.deliver(seen.append, i)
            if i == 250:
                threaded.deliver(boom)
        assert threaded.drain(5.0)
    assert seen == list(range(500))
    assert any(r.exc_info and "user bug" in str(r.exc_info[1]) for r in caplog.records)


def test_threaded_timers_fire_in_order_and_cancel(threaded: ThreadedScheduler) -> None:
    seen: list[str] = []
    done = threading.Event()
    threaded.call_later(0.05, seen.append, "b")
    threaded.call_later(0.01, seen.append, "a")
    threaded.call_later(0.02, seen.append, "x").cancel()
    threaded.call_later(0.08, done.set)
    assert done.wait(5.0)
    assert seen == ["a", "b"]
    assert abs(threaded.time() - time.time()) < 1.0


def test_threaded_core_exception_is_logged_and_the_loop_goes_on(
    threaded: ThreadedScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    done = threading.Event()

    def boom() -> None:
        raise RuntimeError("core bug")

    with caplog.at_level(logging.ERROR, logger="rtm.core"):
        threaded.call_soon(boom)
        threaded.call_soon(done.set)
        assert done.wait(5.0)
    assert any("core task failed" in r.getMessage() for r in caplog.records)


def test_threaded_close_stops_both_threads() -> None:
    sched = ThreadedScheduler(name="closing")
    sched.close()
    assert not sched._core.is_alive()
    assert not sched._callbacks.is_alive()
