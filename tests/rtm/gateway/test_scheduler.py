"""The service's scheduler on the gateway's event loop."""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest

from rtm.gateway.scheduler import LoopScheduler, VirtualLoopScheduler


def test_call_soon_from_any_thread_runs_on_the_loop_under_the_lock() -> None:
    async def main() -> list[tuple[str, bool]]:
        scheduler = LoopScheduler(asyncio.get_running_loop())
        seen: list[tuple[str, bool]] = []
        loop_thread = threading.get_ident()

        def record(tag: str) -> None:
            owned = scheduler.lock._is_owned()  # type: ignore[attr-defined]
            seen.append((tag, owned and threading.get_ident() == loop_thread))

        scheduler.call_soon(record, "loop")
        other = threading.Thread(target=scheduler.call_soon, args=(record, "thread"))
        other.start()
        other.join()
        await asyncio.sleep(0.05)
        return seen

    assert sorted(asyncio.run(main())) == [("loop", True), ("thread", True)]


def test_timers_fire_in_order_and_cancel_drops_the_loop_timer() -> None:
    async def main() -> tuple[list[int], int]:
        loop = asyncio.get_running_loop()
        scheduler = LoopScheduler(loop)
        fired: list[int] = []
        scheduler.call_later(0.02, fired.append, 2)
        scheduler.call_later(0.01, fired.append, 1)
        doomed = scheduler.call_later(0.01, fired.append, 99)
        before = len(loop._scheduled)  # type: ignore[attr-defined]
        doomed.cancel()
        await asyncio.sleep(0.05)
        return fired, before

    fired, scheduled = asyncio.run(main())
    assert fired == [1, 2] and scheduled == 3


def test_a_failing_task_is_logged_not_raised() -> None:
    async def main() -> list[str]:
        scheduler = LoopScheduler(asyncio.get_running_loop())
        after: list[str] = []

        def boom() -> None:
            raise RuntimeError("boom")

        scheduler.call_soon(boom)
        scheduler.call_soon(after.append, "still running")
        await asyncio.sleep(0.01)
        return after

    assert asyncio.run(main()) == ["still running"]


def test_virtual_scheduler_reads_the_given_clock_and_fires_only_when_asked() -> None:
    async def main() -> None:
        now = [100.0]
        numbers = itertools.count()
        scheduler = VirtualLoopScheduler(asyncio.get_running_loop(), lambda: now[0], numbers)
        fired: list[str] = []
        assert scheduler.time() == 100.0
        scheduler.call_later(5.0, fired.append, "b")
        scheduler.call_later(1.0, fired.append, "a")
        doomed = scheduler.call_later(0.5, fired.append, "never")
        doomed.cancel()
        assert next(numbers) == 3, "the shared numbering was used"
        await asyncio.sleep(0.02)
        assert fired == [], "no timer fires on the wall clock"
        assert scheduler.next_timer() == (101.0, 1)
        now[0] = 101.0
        scheduler.fire_next()
        assert fired == ["a"] and scheduler.next_timer() == (105.0, 0)
        scheduler.call_soon(fired.append, "soon")
        assert scheduler.pending == 1, "queued work is counted until it has run"
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert scheduler.pending == 0 and fired[-1] == "soon"
        scheduler.fire_next()
        with pytest.raises(RuntimeError, match="no timer"):
            scheduler.fire_next()

    asyncio.run(main())
