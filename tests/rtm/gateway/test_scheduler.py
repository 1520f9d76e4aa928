"""The service's scheduler on the gateway's event loop."""

from __future__ import annotations

import asyncio
import threading

from rtm.gateway.scheduler import LoopScheduler


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
