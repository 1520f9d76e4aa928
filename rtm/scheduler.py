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

__all__ = [
    "DeterministicScheduler",
    "Scheduler",
    "ThreadedScheduler",
    "TimerHandle",
    "log_callback_failure",
]

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


def log_callback_failure(fn: Task) -> None:
    """Log the exception being handled, raised by the user callback ``fn`` (a runner of
    several callbacks in one queued item logs each failure and carries on)."""
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
            queue, popleft, lock = self._queue, self._queue.popleft, self.lock
            while queue:
                is_user, fn, args = popleft()
                if is_user:
                    try:
                        fn(*args)
                    except Exception:
                        log_callback_failure(fn)
                else:
                    with lock:
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
    """Core thread + callback thread; the default for applications.

    Hand-offs are ``collections.deque`` appends (atomic, no lock): a thread that finds its
    queue empty says it is going to sleep, looks again, and only then waits on an event,
    which a producer sets only when it sees the sleeper's flag. So a busy pipeline pays
    no lock per work item or per callback, and an idle one sleeps (no polling).
    """

    def __init__(self, name: str = "rtm") -> None:
        self.lock = threading.RLock()
        self._queue: deque[tuple[Task, tuple[Any, ...]]] = deque()
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._timer_lock = threading.Lock()
        self._seq = itertools.count()
        self._core_wake = threading.Event()
        self._core_sleeping = False
        self._user: deque[tuple[Task, tuple[Any, ...]]] = deque()
        self._user_wake = threading.Event()
        self._user_sleeping = False
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
        self._queue.append((fn, args))
        if self._core_sleeping:
            self._core_wake.set()

    def call_later(self, delay: float, fn: Task, *args: Any) -> TimerHandle:
        handle = TimerHandle(time.monotonic() + max(0.0, delay), fn, args)
        with self._timer_lock:
            heapq.heappush(self._timers, (handle.when, next(self._seq), handle))
        self._core_wake.set()  # it may sleep until a later timer: let it look again
        return handle

    def deliver(self, fn: Task, *args: Any) -> None:
        self._user.append((fn, args))
        if self._user_sleeping:
            self._user_wake.set()

    def _due_timers(self) -> tuple[list[TimerHandle], float | None]:
        """Timers due now, and how long until the next one (None: no timer)."""
        due: list[TimerHandle] = []
        timers = self._timers
        with self._timer_lock:
            now = time.monotonic()
            while timers and timers[0][0] <= now:
                due.append(heapq.heappop(timers)[2])
            wait = timers[0][0] - now if timers else None
        return due, wait

    def _core_loop(self) -> None:
        queue, popleft, wake = self._queue, self._queue.popleft, self._core_wake
        core_log = logging.getLogger("rtm.core")
        while not self._closed:
            due, wait = self._due_timers()
            if queue or due:
                with self.lock:
                    # What is queued now runs as one batch; work it queues runs next turn.
                    for _ in range(len(queue)):
                        fn, args = popleft()
                        try:
                            fn(*args)
                        except Exception:
                            core_log.exception("core task failed")
                    for handle in due:
                        if not handle.cancelled:
                            try:
                                handle.fn(*handle.args)
                            except Exception:
                                core_log.exception("core timer failed")
                continue
            self._core_sleeping = True
            if not queue and not self._closed:
                wake.wait(wait)
                wake.clear()
            self._core_sleeping = False

    def _callback_loop(self) -> None:
        user, popleft, wake = self._user, self._user.popleft, self._user_wake
        while True:
            while user:
                fn, args = popleft()
                try:
                    fn(*args)
                except Exception:
                    log_callback_failure(fn)
            if self._closed:
                return
            self._user_sleeping = True
            if not user and not self._closed:
                wake.wait()
                wake.clear()
            self._user_sleeping = False

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until queued core work and callbacks have run (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            core_idle = not self._queue
            marker = threading.Event()
            self.call_soon(self.deliver, marker.set)
            if not marker.wait(max(0.0, deadline - time.monotonic())):
                return False
            if core_idle and not self._queue:
                return True
        return False

    def close(self) -> None:
        self._closed = True
        self._core_wake.set()
        self._user_wake.set()
        for thread in (self._core, self._callbacks):
            if thread is not threading.current_thread():
                thread.join(timeout=2.0)
