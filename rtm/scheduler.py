"""Who runs the core, when, and on which thread.

The core (client state machines and the service) is never entered concurrently: every entry
point holds :attr:`Scheduler.lock`. Work the core defers (frame handling, timers) is queued
with :meth:`call_soon` / :meth:`call_later`; user callbacks are queued with :meth:`deliver`,
which guarantees they run after the API call that caused them has returned, one at a time,
in the order they were queued. An exception in a user callback is logged, never propagated
into the core.

Two implementations:

* :class:`ThreadedScheduler` — the default: a core thread runs deferred work and timers, a
  separate callback thread runs user callbacks (so a slow callback never stalls routing).
* :class:`DeterministicScheduler` — everything on the caller's thread with virtual time:
  tests call :meth:`~DeterministicScheduler.run_until_idle` and
  :meth:`~DeterministicScheduler.advance` to drive 30-second timeouts in microseconds.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

__all__ = ["DeterministicScheduler", "Scheduler", "ThreadedScheduler", "TimerHandle"]

log = logging.getLogger("rtm.callbacks")

Task = Callable[..., object]


class TimerHandle:
    """A scheduled call; :meth:`cancel` makes it a no-op if it has not run yet."""

    __slots__ = ("args", "cancelled", "fn", "when")

    def __init__(self, when: float, fn: Task, args: tuple[Any, ...]) -> None:
        self.when = when
        self.fn = fn
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler(Protocol):
    lock: threading.RLock

    def time(self) -> float: ...
    def call_soon(self, fn: Task, *args: Any) -> None: ...
    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle: ...
    def deliver(self, fn: Task, *args: Any) -> None: ...


def _run_user_callback(fn: Task, args: tuple[Any, ...]) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("exception in user callback %s (ignored)", getattr(fn, "__qualname__", fn))


class DeterministicScheduler:
    """Single-threaded scheduler with virtual time, for tests and simulations."""

    def __init__(
        self, start: float = 1_700_000_000.0, *, counter: Iterator[int] | None = None
    ) -> None:
        """``counter`` numbers timers; schedulers sharing one order equal-time timers by
        creation across them (``rtm.gateway.lockstep``)."""
        self.lock = threading.RLock()
        self._now = start
        self._queue: deque[tuple[bool, Task, tuple[Any, ...]]] = deque()
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._seq = counter if counter is not None else itertools.count()
        self._running = False

    def time(self) -> float:
        return self._now

    def call_soon(self, fn: Task, *args: Any) -> None:
        self._queue.append((False, fn, args))

    def deliver(self, fn: Task, *args: Any) -> None:
        self._queue.append((True, fn, args))

    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle:
        handle = TimerHandle(self._now + max(0.0, delay), fn, args)
        heapq.heappush(self._timers, (handle.when, next(self._seq), handle))
        return handle

    def run_until_idle(self, max_steps: int = 10_000_000) -> int:
        """Run queued work (not future timers) until nothing is left; returns steps run."""
        if self._running:
            raise RuntimeError("run_until_idle() called re-entrantly from a callback")
        self._running = True
        steps = 0
        try:
            queue = self._queue
            while queue:
                is_user, fn, args = queue.popleft()
                if is_user:
                    _run_user_callback(fn, args)
                else:
                    with self.lock:
                        fn(*args)
                steps += 1
                if steps >= max_steps:
                    raise RuntimeError(f"no quiescence after {max_steps} steps (livelock?)")
        finally:
            self._running = False
        return steps

    def advance(self, seconds: float) -> None:
        """Move virtual time forward, firing due timers in order and running to idle."""
        if seconds < 0:
            raise ValueError("cannot move time backwards")
        deadline = self._now + seconds
        self.run_until_idle()
        while self._timers and self._timers[0][0] <= deadline:
            when, _, handle = heapq.heappop(self._timers)
            if handle.cancelled:
                continue
            self._now = max(self._now, when)
            with self.lock:
                handle.fn(*handle.args)
            self.run_until_idle()
        self._now = deadline

    @property
    def pending_timers(self) -> int:
        return sum(1 for _, _, h in self._timers if not h.cancelled)

    @property
    def queued(self) -> int:
        """Work and callbacks queued to run now (not timers)."""
        return len(self._queue)

    def next_timer(self) -> tuple[float, int] | None:
        """(due time, creation number) of the earliest live timer, or None: lets a harness
        keeping several virtual clocks in step (``rtm.gateway.lockstep``) fire timers in
        one order across them."""
        timers = self._timers
        while timers and timers[0][2].cancelled:
            heapq.heappop(timers)
        return (timers[0][0], timers[0][1]) if timers else None

    def jump(self, to: float) -> None:
        """Move virtual time to ``to`` without firing anything; a live timer due before it
        would be skipped, so that raises (use :meth:`advance`)."""
        if to < self._now:
            raise ValueError("cannot move time backwards")
        upcoming = self.next_timer()
        if upcoming is not None and upcoming[0] < to:
            raise RuntimeError(f"a timer is due at {upcoming[0]}, before {to}: advance instead")
        self._now = to

    def fire_next(self) -> None:
        """Fire the earliest live timer (time moves to it if it is later), then run to idle."""
        upcoming = self.next_timer()
        if upcoming is None:
            raise RuntimeError("no timer to fire")
        _, _, handle = heapq.heappop(self._timers)
        self._now = max(self._now, handle.when)
        with self.lock:
            handle.fn(*handle.args)
        self.run_until_idle()


class ThreadedScheduler:
    """Core thread + callback thread; the default for applications."""

    def __init__(self, name: str = "rtm") -> None:
        self.lock = threading.RLock()
        self._cv = threading.Condition(threading.Lock())
        self._queue: deque[tuple[Task, tuple[Any, ...]]] = deque()
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._seq = itertools.count()
        self._user: deque[tuple[Task, tuple[Any, ...]]] = deque()
        self._user_cv = threading.Condition(threading.Lock())
        self._user_busy = False
        self._closed = False
        self._core = threading.Thread(target=self._core_loop, name=f"{name}-core", daemon=True)
        self._callbacks = threading.Thread(
            target=self._callback_loop, name=f"{name}-callbacks", daemon=True
        )
        self._core.start()
        self._callbacks.start()

    def time(self) -> float:
        return time.time()

    def call_soon(self, fn: Task, *args: Any) -> None:
        with self._cv:
            self._queue.append((fn, args))
            if len(self._queue) == 1:
                self._cv.notify()

    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle:
        handle = TimerHandle(time.monotonic() + max(0.0, delay), fn, args)
        with self._cv:
            heapq.heappush(self._timers, (handle.when, next(self._seq), handle))
            self._cv.notify()
        return handle

    def deliver(self, fn: Task, *args: Any) -> None:
        with self._user_cv:
            self._user.append((fn, args))
            if len(self._user) == 1:
                self._user_cv.notify()

    def _core_loop(self) -> None:
        queue, timers, cv = self._queue, self._timers, self._cv
        while True:
            with cv:
                while not queue and not self._closed:
                    timeout = None
                    if timers:
                        timeout = timers[0][0] - time.monotonic()
                        if timeout <= 0:
                            break
                    cv.wait(timeout)
                if self._closed:
                    return
                batch = list(queue)
                queue.clear()
                due: list[TimerHandle] = []
                now = time.monotonic()
                while timers and timers[0][0] <= now:
                    due.append(heapq.heappop(timers)[2])
            with self.lock:
                for fn, args in batch:
                    try:
                        fn(*args)
                    except Exception:
                        logging.getLogger("rtm.core").exception("core task failed")
                for handle in due:
                    if not handle.cancelled:
                        try:
                            handle.fn(*handle.args)
                        except Exception:
                            logging.getLogger("rtm.core").exception("core timer failed")

    def _callback_loop(self) -> None:
        user, cv = self._user, self._user_cv
        while True:
            with cv:
                while not user and not self._closed:
                    self._user_busy = False
                    cv.notify_all()
                    cv.wait()
                if self._closed and not user:
                    return
                self._user_busy = True
                batch = list(user)
                user.clear()
            for fn, args in batch:
                _run_user_callback(fn, args)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until queued core work and callbacks have run (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cv:
                core_idle = not self._queue
            marker = threading.Event()
            self.call_soon(self.deliver, marker.set)
            if not marker.wait(max(0.0, deadline - time.monotonic())):
                return False
            with self._cv:
                if core_idle and not self._queue:
                    return True
        return False

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify_all()
        with self._user_cv:
            self._user_cv.notify_all()
        for thread in (self._core, self._callbacks):
            if thread is not threading.current_thread():
                thread.join(timeout=2.0)
