"""The reference model's virtual time."""

from __future__ import annotations

import pytest

from legacy_signaling.reference.scheduler import Scheduler


def test_queued_work_runs_in_order_and_only_on_run() -> None:
    scheduler = Scheduler(100.0)
    seen: list[str] = []

    def second() -> None:
        seen.append("b")
        scheduler.soon(lambda: seen.append("c"))

    scheduler.soon(lambda: seen.append("a"))
    scheduler.soon(second)
    assert seen == []
    assert scheduler.run_until_idle() == 3
    assert seen == ["a", "b", "c"]
    assert scheduler.now == 100.0


def test_timers_fire_by_time_then_sequence_and_can_be_cancelled() -> None:
    scheduler = Scheduler(0.0)
    seen: list[tuple[str, float]] = []
    scheduler.later(2, lambda: seen.append(("late", scheduler.now)))
    scheduler.later(1, lambda: seen.append(("first", scheduler.now)))
    scheduler.later(1, lambda: seen.append(("second", scheduler.now)))
    scheduler.later(1.5, lambda: seen.append(("never", scheduler.now))).cancel()
    scheduler.run_until_idle()
    assert seen == []
    scheduler.advance(1.9)
    assert seen == [("first", 1.0), ("second", 1.0)]
    assert scheduler.now == 1.9
    scheduler.advance(0.1)
    assert seen[-1] == ("late", 2.0)
    assert scheduler.pending_timers == 0


def test_work_queued_by_a_timer_runs_before_the_next_timer() -> None:
    scheduler = Scheduler(0.0)
    seen: list[str] = []
    scheduler.later(1, lambda: scheduler.soon(lambda: seen.append("queued")))
    scheduler.later(1, lambda: seen.append("timer"))
    scheduler.advance(1)
    assert seen == ["queued", "timer"]


def test_bad_uses_raise() -> None:
    scheduler = Scheduler(0.0)
    with pytest.raises(ValueError, match="backwards"):
        scheduler.advance(-1)
    with pytest.raises(ValueError, match="negative"):
        scheduler.later(-1, lambda: None)

    def nested() -> None:
        scheduler.run_until_idle()

    scheduler.soon(nested)
    with pytest.raises(RuntimeError, match="inside a callback"):
        scheduler.run_until_idle()


def test_a_callback_loop_is_detected() -> None:
    scheduler = Scheduler(0.0)

    def again() -> None:
        scheduler.soon(again)

    scheduler.soon(again)
    with pytest.raises(RuntimeError, match="callback loop"):
        scheduler.run_until_idle(max_steps=50)
