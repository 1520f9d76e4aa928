"""The shim's own timers and deferred work: run under the instance's lock, off the core thread.

A legacy instance has its own lock (``ShimAgoraAPI.lock``): the app's calls take it (any
thread), RTM events take it (the callback thread), and so do the shim's timers (the 20 s
invitation timers, the reconnect rhythm) and the join-wait replays. The core thread must
never wait for it: a shim call holds the instance lock and then takes the core's lock inside
the RTM client, so a core-thread task taking the instance lock would invert that order. On a
threaded scheduler, shim work therefore hops from the core thread to the callback thread
(``deliver``) before it takes the lock; on the deterministic scheduler (one thread, no
inversion possible) it runs in place, so virtual-time traces keep their order.

A timer cancelled after it fired but before its work ran (the hop is a queue) does nothing:
its flag is read under the instance lock, which the canceller holds too. The work runs
through the instance's gate (:mod:`.gate`): if an app thread holds the lock, it waits in the
instance's backlog, in order with the instance's events, instead of blocking the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rtm.scheduler import DeterministicScheduler, Scheduler

from .gate import InstanceGate

__all__ = ["ShimTimer", "ShimWork"]


class ShimTimer:
    """A cancellable piece of shim work at a later time (what ``call_later`` returns)."""

    __slots__ = ("_args", "_fn", "_gate", "_handle", "cancelled")

    def __init__(self, gate: InstanceGate, fn: Callable[..., Any], args: tuple[Any, ...]):
        self._gate = gate
        self._fn = fn
        self._args = args
        self._handle: Any = None
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        if self._handle is not None:
            self._handle.cancel()

    def fire(self) -> None:
        self._gate.run(self._fire_locked)

    def _fire_locked(self) -> None:
        if not self.cancelled:
            self.cancelled = True  # once
            self._fn(*self._args)


class ShimWork:
    """Schedules an instance's own work (timers, replays) under its lock, never on the core
    thread of a threaded scheduler."""

    __slots__ = ("_gate", "_in_place", "_sched")

    def __init__(self, sched: Scheduler, gate: InstanceGate) -> None:
        self._sched = sched
        self._gate = gate
        self._in_place = isinstance(sched, DeterministicScheduler)

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> ShimTimer:
        timer = ShimTimer(self._gate, fn, args)
        sched = self._sched
        if self._in_place:
            timer._handle = sched.call_later(delay, timer.fire)
        else:
            timer._handle = sched.call_later(delay, sched.deliver, timer.fire)
        return timer

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        timer = ShimTimer(self._gate, fn, args)
        if self._in_place:
            self._sched.call_soon(timer.fire)
        else:
            self._sched.deliver(timer.fire)
