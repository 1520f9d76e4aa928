"""The service's scheduler inside the gateway: the asyncio event loop itself.

Why on the loop and not on a core thread: every frame the gateway receives would otherwise
cross two threads (loop -> core -> loop) and contend for the GIL; on the loop, a frame is
decoded, handled by the sans-I/O service and its answers queued for writing in one step.
The service code is unchanged: it only sees the :class:`~rtm.scheduler.Scheduler` protocol.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..scheduler import Task, TimerHandle

__all__ = ["LoopScheduler", "VirtualLoopScheduler"]

log = logging.getLogger("rtm.gateway")


class LoopScheduler:
    """:class:`~rtm.scheduler.Scheduler` on an asyncio loop (the loop's thread is the core
    thread). ``call_soon`` is safe from any thread (the Redis listener uses it)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.RLock()
        self._thread = threading.get_ident()

    def time(self) -> float:
        return time.time()

    def _run(self, fn: Task, args: tuple[Any, ...]) -> None:
        try:
            with self.lock:
                fn(*args)
        except Exception:
            log.exception("core task %s failed", getattr(fn, "__qualname__", fn))

    def call_soon(self, fn: Task, *args: Any) -> None:
        if threading.get_ident() == self._thread:
            self.loop.call_soon(self._run, fn, args)
        else:
            self.loop.call_soon_threadsafe(self._run, fn, args)

    def deliver(self, fn: Task, *args: Any) -> None:
        """No user callbacks run in a gateway; kept for the protocol (runs like call_soon)."""
        self.call_soon(fn, *args)

    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle:
        delay = max(0.0, delay)
        handle = _LoopTimer(time.monotonic() + delay, fn, args)
        if threading.get_ident() == self._thread:
            handle.arm(self.loop.call_later(delay, self._fire, handle))
        else:
            self.loop.call_soon_threadsafe(
                lambda: handle.arm(self.loop.call_later(delay, self._fire, handle))
            )
        return handle

    def _fire(self, handle: TimerHandle) -> None:
        if not handle.cancelled:
            self._run(handle.fn, handle.args)


class _LoopTimer(TimerHandle):
    """A timer whose cancel also drops the loop's own timer (a cancelled 24-hour token
    timer must not stay in the loop's heap for 24 hours)."""

    __slots__ = ("_loop_handle",)

    def __init__(self, when: float, fn: Task, args: tuple[Any, ...]) -> None:
        super().__init__(when, fn, args)
        self._loop_handle: asyncio.TimerHandle | None = None

    def arm(self, loop_handle: asyncio.TimerHandle) -> None:
        if self.cancelled:
            loop_handle.cancel()
        else:
            self._loop_handle = loop_handle

    def cancel(self) -> None:
        self.cancelled = True
        if self._loop_handle is not None:
            self._loop_handle.cancel()
            self._loop_handle = None


class VirtualLoopScheduler(LoopScheduler):
    """A :class:`LoopScheduler` on someone else's virtual clock, for tests.

    Why: the RTM suite drives 30-second timeouts and day-long tokens on virtual time; to run
    it against a real gateway, the node's service must read the test's clock and its timers
    must fire when the test moves that clock (:mod:`rtm.gateway.lockstep`), not on the
    wall clock. Work queued with :meth:`call_soon` is counted, so a harness can tell when
    the node has nothing left to do.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        clock: Callable[[], float],
        counter: Iterator[int] | None = None,
    ) -> None:
        """``counter`` numbers timers; shared with the clients' scheduler, equal-time timers
        fire in creation order across the node and its clients."""
        super().__init__(loop)
        self._clock = clock
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._seq = counter if counter is not None else itertools.count()
        self._timers_lock = threading.Lock()
        self._count_lock = threading.Lock()
        #: Tasks queued with call_soon that have not finished yet.
        self.pending = 0

    def time(self) -> float:
        return self._clock()

    def call_soon(self, fn: Task, *args: Any) -> None:
        with self._count_lock:
            self.pending += 1
        super().call_soon(self._counted, fn, *args)

    def _counted(self, fn: Task, *args: Any) -> None:
        try:
            fn(*args)
        finally:
            with self._count_lock:
                self.pending -= 1

    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle:
        handle = TimerHandle(self._clock() + max(0.0, delay), fn, args)
        with self._timers_lock:
            heapq.heappush(self._timers, (handle.when, next(self._seq), handle))
        return handle

    def next_timer(self) -> tuple[float, int] | None:
        """(due time, creation number) of the earliest live timer, or None."""
        with self._timers_lock:
            timers = self._timers
            while timers and timers[0][2].cancelled:
                heapq.heappop(timers)
            return (timers[0][0], timers[0][1]) if timers else None

    def fire_next(self) -> None:
        """Run the earliest live timer (call it on the loop's thread, the clock moved to
        its time)."""
        with self._timers_lock:
            while self._timers and self._timers[0][2].cancelled:
                heapq.heappop(self._timers)
            if not self._timers:
                raise RuntimeError("no timer to fire")
            handle = heapq.heappop(self._timers)[2]
        self._run(handle.fn, handle.args)
