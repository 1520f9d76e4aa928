"""Virtual time for the reference model.

Two queues, as in the RTM core's deterministic scheduler, so one test program drives both
the same way: work queued with :meth:`Scheduler.soon` (callback deliveries) runs in FIFO
order on :meth:`Scheduler.run_until_idle`; timers run only when :meth:`Scheduler.advance`
moves the clock to them, in ``(time, sequence)`` order, each followed by a run to idle.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable

__all__ = ["Action", "Scheduler", "Timer"]

Action = Callable[[], None]


class Timer:
    """A scheduled action; :meth:`cancel` stops it if it has not run yet."""

    __slots__ = ("action", "cancelled", "when")

    def __init__(self, when: float, action: Action) -> None:
        self.when = when
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """Owns the model's clock (Unix seconds) and everything waiting to run."""

    def __init__(self, start: float) -> None:
        self._now = float(start)
        self._queue: deque[Action] = deque()
        self._timers: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._running = False

    @property
    def now(self) -> float:
        return self._now

    def soon(self, action: Action) -> None:
        """Run ``action`` on the next :meth:`run_until_idle`, after what is queued already."""
        self._queue.append(action)

    def later(self, delay: float, action: Action) -> Timer:
        """Run ``action`` when the clock reaches ``now + delay``."""
        if delay < 0:
            raise ValueError(f"delay must not be negative, got {delay}")
        timer = Timer(self._now + delay, action)
        heapq.heappush(self._timers, (timer.when, next(self._seq), timer))
        return timer

    def run_until_idle(self, max_steps: int = 1_000_000) -> int:
        """Run queued work (not future timers) until none is left; return the steps run."""
        if self._running:
            raise RuntimeError("run_until_idle() called from inside a callback")
        self._running = True
        steps = 0
        try:
            while self._queue:
                self._queue.popleft()()
                steps += 1
                if steps >= max_steps:
                    raise RuntimeError(f"still busy after {max_steps} steps (callback loop?)")
        finally:
            self._running = False
        return steps

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``, firing due timers in order."""
        if seconds < 0:
            raise ValueError(f"cannot move time backwards ({seconds})")
        deadline = self._now + seconds
        self.run_until_idle()
        while self._timers and self._timers[0][0] <= deadline:
            when, _, timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            self._now = max(self._now, when)
            timer.action()
            self.run_until_idle()
        self._now = deadline

    @property
    def pending_timers(self) -> int:
        """Timers not yet run or cancelled (for tests)."""
        return sum(1 for _, _, timer in self._timers if not timer.cancelled)
